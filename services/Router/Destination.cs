using System.Globalization;
using Confluent.Kafka;
using Gateway.Contracts;

namespace Gateway.Router;

/// <summary>One system that receives events; each destination kind implements it.</summary>
internal interface IDestination
{
    string Name { get; }

    /// <summary>Makes one attempt; never throws for a failure of the receiver, only reports it.</summary>
    Task<DeliveryOutcome> DeliverAsync(RoutedEvent routedEvent, CancellationToken cancellationToken);
}

internal enum DeliveryResult
{
    Delivered,
    Transient,
    Permanent,

    /// <summary>The destination's transformation declined the event: finished, not sent.</summary>
    Skipped,
}

/// <summary>What one attempt achieved; <paramref name="Reason"/> is short and holds no secret.</summary>
internal sealed record DeliveryOutcome(
    DeliveryResult Result,
    int? Status = null,
    TimeSpan? RetryAfter = null,
    string? Reason = null)
{
    public static readonly DeliveryOutcome Success = new(DeliveryResult.Delivered);

    /// <summary>
    /// False when the outcome was decided before anything reached the receiver (a transformation
    /// error, a refused address, an id that cannot be signed): it says nothing of its health.
    /// </summary>
    public bool Reached => Result switch
    {
        DeliveryResult.Skipped => false,
        DeliveryResult.Permanent => Status is not null,
        _ => true,
    };

    public static readonly DeliveryOutcome Skip = new(DeliveryResult.Skipped, Reason: "skipped by the transformation");

    public static DeliveryOutcome Transient(string reason, int? status = null, TimeSpan? retryAfter = null) =>
        new(DeliveryResult.Transient, status, retryAfter, reason);

    public static DeliveryOutcome Permanent(string reason, int? status = null) =>
        new(DeliveryResult.Permanent, status, null, reason);
}

/// <summary>A consumed CloudEvent on its way to destinations, with where it came from.</summary>
internal sealed class RoutedEvent
{
    private const string IngressSourcePrefix = "/webhooks/";

    private RoutedEvent(ConsumeResult<byte[]?, byte[]?> record)
    {
        Record = record;
        Headers = record.Message.Headers ?? [];
    }

    public ConsumeResult<byte[]?, byte[]?> Record { get; }

    public Headers Headers { get; }

    public string Id { get; private init; } = "";

    public string Source { get; private init; } = "";

    public string Type { get; private init; } = "";

    public string? Subject { get; private init; }

    public string? ContentType { get; private init; }

    /// <summary>The ingress source name, from the original topic or the <c>ce_source</c>.</summary>
    public string SourceName { get; private init; } = "";

    public byte[] Body => Record.Message.Value ?? [];

    public byte[]? Key => Record.Message.Key;

    public string OriginalTopic { get; private init; } = "";

    public int OriginalPartition { get; private init; }

    public long OriginalOffset { get; private init; }

    /// <summary>Reads the record; null when it carries no event id, source and type.</summary>
    public static RoutedEvent? From(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = record.Message.Headers ?? [];
        var id = KafkaCloudEvent.GetString(headers, EventHeaders.Id);
        var source = KafkaCloudEvent.GetString(headers, EventHeaders.Source);
        var type = KafkaCloudEvent.GetString(headers, EventHeaders.Type);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(source) || string.IsNullOrEmpty(type))
        {
            return null;
        }

        var topic = KafkaCloudEvent.GetString(headers, RouterHeaders.OriginalTopic) ?? record.Topic;
        var partition = ParseInt(KafkaCloudEvent.GetString(headers, RouterHeaders.OriginalPartition))
            ?? record.Partition.Value;
        var offset = ParseLong(KafkaCloudEvent.GetString(headers, RouterHeaders.OriginalOffset))
            ?? record.Offset.Value;
        return new RoutedEvent(record)
        {
            Id = id,
            Source = source,
            Type = type,
            Subject = KafkaCloudEvent.GetString(headers, EventHeaders.Subject),
            ContentType = KafkaCloudEvent.GetString(headers, EventHeaders.ContentType),
            SourceName = SourceNameOf(topic, source),
            OriginalTopic = topic,
            OriginalPartition = partition,
            OriginalOffset = offset,
        };
    }

    /// <summary>The original headers without the router's own, for copying onto another topic.</summary>
    public Headers CopyEventHeaders()
    {
        var copy = new Headers();
        foreach (var header in Headers)
        {
            if (Array.IndexOf(RouterHeaders.All, header.Key) < 0)
            {
                copy.Add(header.Key, header.GetValueBytes());
            }
        }

        return copy;
    }

    private static string SourceNameOf(string topic, string source)
    {
        // The ingress names every webhook's source /webhooks/<name>, whatever topic it writes to.
        if (source.StartsWith(IngressSourcePrefix, StringComparison.Ordinal)
            && source.Length > IngressSourcePrefix.Length
            && source.IndexOf('/', IngressSourcePrefix.Length) < 0)
        {
            return source[IngressSourcePrefix.Length..];
        }

        if (topic.StartsWith(GatewayTopics.SourcePrefix, StringComparison.Ordinal))
        {
            return topic[GatewayTopics.SourcePrefix.Length..];
        }

        var cut = source.TrimEnd('/').LastIndexOfAny(['/', ':']);
        return cut >= 0 ? source.TrimEnd('/')[(cut + 1)..] : source;
    }

    internal static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    internal static long? ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
