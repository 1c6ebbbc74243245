using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Gateway.Ingress.Events;

/// <summary>
/// Reads CloudEvents sent over the HTTP protocol binding in binary, structured or batch mode.
/// </summary>
/// <remarks>https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md</remarks>
internal static class CloudEventIntake
{
    public const string StructuredMediaType = "application/cloudevents+json";
    public const string BatchMediaType = "application/cloudevents-batch+json";
    private const string HeaderPrefix = "ce-";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>An event and the bytes its Kafka record carries as the value.</summary>
    internal sealed record Decoded(CloudEvent Event, byte[] Value);

    /// <summary>The events of a request; null when it does not hold valid CloudEvents.</summary>
    public static List<Decoded>? Decode(HttpRequest request, RequestBody body)
    {
        var media = WebhookSource.MediaType(request.ContentType);
        try
        {
            if (media.Equals(StructuredMediaType, StringComparison.OrdinalIgnoreCase))
            {
                var cloudEvent = Formatter.DecodeStructuredModeMessage(
                    body.Memory, new ContentType(request.ContentType!), null);
                return [ToDecoded(cloudEvent)];
            }

            if (media.Equals(BatchMediaType, StringComparison.OrdinalIgnoreCase))
            {
                var events = Formatter.DecodeBatchModeMessage(body.Memory, new ContentType(request.ContentType!), null);
                return events.Count == 0 ? null : [.. events.Select(ToDecoded)];
            }

            var binary = DecodeBinary(request);
            return binary is null ? null : [new Decoded(binary, body.ToArray())];
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException
            or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static CloudEvent? DecodeBinary(HttpRequest request)
    {
        string? versionId = request.Headers["ce-specversion"];
        if (versionId is null || CloudEventsSpecVersion.FromVersionId(versionId) is not { } version)
        {
            return null;
        }

        var cloudEvent = new CloudEvent(version);
        foreach (var (name, values) in request.Headers)
        {
            if (name.Length > HeaderPrefix.Length
                && name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase)
                && !name.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
            {
                // Header values are percent-encoded where they hold characters a header cannot.
                cloudEvent.SetAttributeFromString(
                    name[HeaderPrefix.Length..].ToLowerInvariant(), Uri.UnescapeDataString(values.ToString()));
            }
        }

        cloudEvent.DataContentType = request.ContentType;
        return cloudEvent.IsValid ? cloudEvent : null;
    }

    private static Decoded ToDecoded(CloudEvent cloudEvent)
    {
        if (cloudEvent.Data is System.Text.Json.JsonElement && cloudEvent.DataContentType is null)
        {
            cloudEvent.DataContentType = "application/json";
        }

        var value = cloudEvent.Data is null ? [] : Formatter.EncodeBinaryModeEventData(cloudEvent).ToArray();
        return new Decoded(cloudEvent, value);
    }
}
