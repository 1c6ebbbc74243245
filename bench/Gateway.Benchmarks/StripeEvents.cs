using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Benchmarks;

/// <summary>
/// Stripe-style webhook requests of exactly <see cref="BodySize"/> bytes, each with a unique event id,
/// signed as Stripe signs them: https://docs.stripe.com/webhooks#verify-manually
/// </summary>
internal sealed class StripeEvents(string secret)
{
    public const int BodySize = 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");

    /// <summary>The JSON body of one event, padded to <see cref="BodySize"/> bytes.</summary>
    public static byte[] Body(string eventId, long created)
    {
        var unpadded = Write(eventId, created, "");
        return Write(eventId, created, new string('x', Math.Max(0, BodySize - unpadded.Length)));
    }

    private static byte[] Write(string eventId, long created, string description)
    {
        var buffer = new ArrayBufferWriter<byte>(BodySize + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", eventId);
            json.WriteString("object", "event");
            json.WriteString("api_version", "2024-06-20");
            json.WriteNumber("created", created);
            json.WriteString("type", "payment_intent.succeeded");
            json.WriteBoolean("livemode", false);
            json.WriteNumber("pending_webhooks", 1);
            json.WriteStartObject("data");
            json.WriteStartObject("object");
            json.WriteString("id", "pi_" + eventId[4..]);
            json.WriteString("object", "payment_intent");
            json.WriteNumber("amount", 2000);
            json.WriteString("currency", "usd");
            json.WriteString("status", "succeeded");
            json.WriteString("description", description);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A signed POST of one event to <paramref name="path"/>.</summary>
    public HttpRequestMessage Request(string path, string eventId)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = Body(eventId, created);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ServiceContract.StripeSignatureHeader, Signature(created, body));
        return request;
    }

    public string Signature(long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        var mac = HMACSHA256.HashData(_key, message);
        return string.Create(CultureInfo.InvariantCulture,
            $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }
}
