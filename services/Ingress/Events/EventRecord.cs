using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Contracts;

namespace Gateway.Ingress.Events;

/// <summary>Builds the binary-mode CloudEvent record of a verified webhook.</summary>
internal static class EventRecord
{
    /// <summary>The CloudEvent attributes read from a webhook, with the provider's defaults applied.</summary>
    public static CloudEvent Describe(
        WebhookSource source,
        HttpRequest request,
        RequestBody body,
        JsonElement? root,
        DateTimeOffset now)
    {
        var headers = request.Headers;
        var id = source.Id?.ReadText(headers, root);
        var type = source.Type?.ReadText(headers, root);
        var subject = source.Subject?.ReadText(headers, root);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = string.IsNullOrEmpty(id) ? BodyHash(body.Span) : id,
            Source = source.CloudEventSource,
            Type = string.IsNullOrEmpty(type) ? source.TypePrefix : source.TypePrefix + "." + type,
            Time = source.Time?.ReadTime(headers, root) ?? now,
            DataContentType = string.IsNullOrEmpty(request.ContentType) ? null : request.ContentType,
        };
        if (!string.IsNullOrEmpty(subject))
        {
            cloudEvent.Subject = subject;
        }

        return cloudEvent;
    }

    /// <summary>
    /// The Kafka record: value = <paramref name="value"/> byte for byte, <c>ce_*</c> headers, how the
    /// request was authenticated, and the source's allowlisted provider headers as <c>http-*</c>.
    /// </summary>
    public static Message<byte[]?, byte[]?> Build(
        WebhookSource source,
        CloudEvent cloudEvent,
        string? partitionKey,
        byte[] value,
        HttpRequest request,
        string? keyName)
    {
        var headers = new Headers();
        KafkaCloudEvent.WriteAttributes(cloudEvent, headers);
        headers.Add(EventHeaders.AuthScheme, Encoding.UTF8.GetBytes(source.SchemeName));
        if (keyName is not null)
        {
            headers.Add(EventHeaders.AuthKey, Encoding.UTF8.GetBytes(keyName));
        }

        foreach (var (requestHeader, recordHeader) in source.CopiedHeaders)
        {
            string? text = request.Headers[requestHeader];
            if (!string.IsNullOrEmpty(text))
            {
                headers.Add(recordHeader, Encoding.UTF8.GetBytes(text));
            }
        }

        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(string.IsNullOrEmpty(partitionKey) ? cloudEvent.Id! : partitionKey),
            Value = value,
            Headers = headers,
        };
    }

    /// <summary>The id of an event that carries none: the hex SHA-256 of the body, so a resend keeps it.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>True when the body is one well-formed JSON object or array; builds no document.</summary>
    public static bool IsJson(ReadOnlySpan<byte> body)
    {
        // Webhooks are objects (batches are arrays); a bare scalar is refused as a parsed body is.
        if (!MayBeJson(body))
        {
            return false;
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The body as a JSON document over the pooled bytes; null when it is not JSON.</summary>
    public static JsonDocument? TryParse(RequestBody body)
    {
        if (!MayBeJson(body.Span))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body.Memory);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the body can be JSON at all: its first non-blank byte opens an object or array.</summary>
    public static bool MayBeJson(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }
}
