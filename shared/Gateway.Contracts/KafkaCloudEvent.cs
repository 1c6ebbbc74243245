using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;

namespace Gateway.Contracts;

/// <summary>
/// Maps CloudEvents to Kafka records and back in binary content mode: the value is the data,
/// byte for byte, and every attribute is a <c>ce_</c> header with a UTF-8 string value.
/// </summary>
/// <remarks>
/// The CloudEvents SDK's own Kafka binding package is not served by the package registry this
/// product builds from, and the mapping is small, so it is written here against the
/// specification: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
/// </remarks>
public static class KafkaCloudEvent
{
    /// <summary>Adds the event's attributes as headers; <c>datacontenttype</c> becomes <c>content-type</c>.</summary>
    public static void WriteAttributes(CloudEvent cloudEvent, Headers headers)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        ArgumentNullException.ThrowIfNull(headers);

        cloudEvent.Validate();
        headers.Add(EventHeaders.SpecVersion, Encoding.UTF8.GetBytes(cloudEvent.SpecVersion.VersionId));
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            var text = attribute.Format(value);
            var name = attribute == cloudEvent.SpecVersion.DataContentTypeAttribute
                ? EventHeaders.ContentType
                : EventHeaders.AttributePrefix + attribute.Name;
            headers.Add(name, Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>
    /// Reads a record's headers as a CloudEvent without data; throws
    /// <see cref="ArgumentException"/> when they do not form a valid one.
    /// </summary>
    public static CloudEvent ReadAttributes(Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        var versionId = GetString(headers, EventHeaders.SpecVersion)
            ?? throw new ArgumentException("The record has no ce_specversion header.", nameof(headers));
        var version = CloudEventsSpecVersion.FromVersionId(versionId)
            ?? throw new ArgumentException($"Unknown CloudEvents spec version '{versionId}'.", nameof(headers));

        var cloudEvent = new CloudEvent(version);
        foreach (var header in headers)
        {
            if (header.Key == EventHeaders.ContentType)
            {
                cloudEvent.DataContentType = Encoding.UTF8.GetString(header.GetValueBytes());
            }
            else if (header.Key.StartsWith(EventHeaders.AttributePrefix, StringComparison.Ordinal)
                && header.Key != EventHeaders.SpecVersion)
            {
                var name = header.Key[EventHeaders.AttributePrefix.Length..];
                cloudEvent.SetAttributeFromString(name, Encoding.UTF8.GetString(header.GetValueBytes()));
            }
        }

        return cloudEvent.IsValid
            ? cloudEvent
            : throw new ArgumentException("The record's ce_ headers do not form a valid CloudEvent.", nameof(headers));
    }

    /// <summary>Returns the last value of a header as UTF-8 text, or null when the header is absent.</summary>
    public static string? GetString(Headers headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);

        return headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
    }

    /// <summary>Replaces every value of a header with one UTF-8 text value.</summary>
    public static void SetString(Headers headers, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(headers);

        headers.Remove(name);
        headers.Add(name, Encoding.UTF8.GetBytes(value));
    }
}
