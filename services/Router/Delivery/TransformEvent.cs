using Confluent.Kafka;
using Gateway.Contracts;

namespace Gateway.Router.Delivery;

/// <summary>
/// The CloudEvent a transformation receives: its attributes, the data as bytes, and the provider's
/// HTTP headers (the record's <c>http-*</c> headers, prefix removed, names in lower case).
/// </summary>
internal sealed record TransformEvent(
    string Id,
    string Source,
    string Type,
    string? Subject,
    string? Time,
    string? DataContentType,
    ReadOnlyMemory<byte> Data,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>
    /// Reads an event from a binary-mode record; throws <see cref="ArgumentException"/> when the
    /// record has no <c>ce_id</c>, <c>ce_source</c> or <c>ce_type</c>.
    /// </summary>
    public static TransformEvent FromRecord(Headers headers, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(headers);

        var provider = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(EventHeaders.HttpPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var name = header.Key[EventHeaders.HttpPrefix.Length..].ToLowerInvariant();
                provider[name] = System.Text.Encoding.UTF8.GetString(header.GetValueBytes());
            }
        }

        return new TransformEvent(
            Required(headers, EventHeaders.Id),
            Required(headers, EventHeaders.Source),
            Required(headers, EventHeaders.Type),
            KafkaCloudEvent.GetString(headers, EventHeaders.Subject),
            KafkaCloudEvent.GetString(headers, EventHeaders.Time),
            KafkaCloudEvent.GetString(headers, EventHeaders.ContentType),
            value ?? [],
            provider);
    }

    private static string Required(Headers headers, string name) =>
        KafkaCloudEvent.GetString(headers, name)
        ?? throw new ArgumentException($"The record has no {name} header.", nameof(headers));
}
