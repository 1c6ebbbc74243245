using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Router.Delivery;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

public sealed class StandardWebhooksSignerTests
{
    // The example vector published with the Standard Webhooks reference libraries
    // (github.com/standard-webhooks/standard-webhooks, libraries/*/ tests: "sign works").
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecPayload = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private const string OtherSecret = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy";

    [Fact]
    public void Sign_SpecificationExample_MatchesThePublishedSignature()
    {
        var signer = StandardWebhooksSigner.Create(SpecSecret);

        Assert.Equal(SpecSignature, signer.Sign(SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)));
    }

    [Fact]
    public void Sign_SecretWithoutPrefix_SignsTheSame()
    {
        var signer = StandardWebhooksSigner.Create(SpecSecret["whsec_".Length..]);

        Assert.Equal(SpecSignature, signer.Sign(SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)));
    }

    [Fact]
    public void Sign_TwoSecretsDuringRotation_SendsBothSignaturesSpaceSeparated()
    {
        var signer = StandardWebhooksSigner.Create(SpecSecret, OtherSecret);

        var signatures = signer.Sign(SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)).Split(' ');

        Assert.Equal(2, signatures.Length);
        Assert.Equal(SpecSignature, signatures[0]);
        var other = StandardWebhooksSigner.Create(OtherSecret);
        Assert.Equal(other.Sign(SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecPayload)), signatures[1]);
    }

    [Theory]
    [InlineData(SpecId, SpecTimestamp + 1, SpecPayload)]
    [InlineData("msg_p5jXN8AQM9LWM0D4loKWxJel", SpecTimestamp, SpecPayload)]
    [InlineData(SpecId, SpecTimestamp, "{\"test\":2432232314}")]
    public void Sign_AnyPartChanged_SignatureDiffers(string id, long timestamp, string payload)
    {
        var signer = StandardWebhooksSigner.Create(SpecSecret);

        Assert.NotEqual(SpecSignature, signer.Sign(id, timestamp, Encoding.UTF8.GetBytes(payload)));
    }

    [Theory]
    [InlineData("whsec_not base64!", "base64")]
    [InlineData("whsec_c2hvcnQ=", "24 to 64 bytes")]
    [InlineData("", "24 to 64 bytes")]
    public void Create_MalformedSecret_ThrowsWithoutEchoingIt(string secret, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StandardWebhooksSigner.Create(secret));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Create_NoSecrets_Throws() =>
        Assert.Throws<FormatException>(() => StandardWebhooksSigner.Create(Array.Empty<string>()));

    [Fact]
    public void Sign_IdWithDot_Throws() =>
        Assert.Throws<ArgumentException>(
            () => StandardWebhooksSigner.Create(SpecSecret).Sign("evt.1", SpecTimestamp, []));

    [Fact]
    public async Task SignAsync_RequestToARealReceiver_VerifiesThere()
    {
        await using var receiver = await RunningApp.StartAsync(BuildVerifyingReceiver);
        var signer = StandardWebhooksSigner.Create(SpecSecret);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.Address, "/hook"))
        {
            Content = new ByteArrayContent("{\"type\":\"customer.created\",\"n\":1}"u8.ToArray()),
        };
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(1772359200);

        await signer.SignAsync(request, "evt_1QbT4s", sentAt, default);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1772359200", request.Headers.GetValues(StandardWebhooksSigner.TimestampHeader).Single());
    }

    [Fact]
    public async Task SignAsync_BodyChangedAfterSigning_ReceiverRejects()
    {
        await using var receiver = await RunningApp.StartAsync(BuildVerifyingReceiver);
        var signer = StandardWebhooksSigner.Create(SpecSecret);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.Address, "/hook"))
        {
            Content = new ByteArrayContent("{\"n\":1}"u8.ToArray()),
        };

        await signer.SignAsync(request, "evt_2", DateTimeOffset.UtcNow, default);
        request.Content = new ByteArrayContent("{\"n\":2}"u8.ToArray());
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // The receiver checks the signature the way the specification tells consumers to, written
    // independently of the signer: decode the secret, HMAC "{id}.{ts}.{body}", compare each v1 entry.
    private static WebApplication BuildVerifyingReceiver(string[] args)
    {
        var app = WebApplication.CreateSlimBuilder(args).Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var id = request.Headers["webhook-id"].ToString();
            var timestamp = request.Headers["webhook-timestamp"].ToString();
            var key = Convert.FromBase64String(SpecSecret["whsec_".Length..]);
            var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(buffer.ToArray()).ToArray();
            var expected = Convert.ToBase64String(HMACSHA256.HashData(key, signed));
            var valid = long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && request.Headers["webhook-signature"].ToString().Split(' ').Contains("v1," + expected);
            return valid ? Results.NoContent() : Results.StatusCode(401);
        });
        return app;
    }
}
