using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Gateway.Kafka;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>What is known about the failed attempts of one (destination, event) pair.</summary>
internal sealed class FailureRecord
{
    public int Attempts { get; set; }

    public DateTimeOffset? FirstFailureAt { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    public int? LastStatus { get; set; }

    public string? LastError { get; set; }

    public TimeSpan? RetryAfter { get; set; }

    /// <summary>The event's ticket in its parked key's queue; 0 when the key is not parked.</summary>
    public long Ticket { get; set; }

    public void Add(DeliveryOutcome outcome, DateTimeOffset at)
    {
        FirstFailureAt ??= at;
        LastFailureAt = at;
        LastStatus = outcome.Status;
        LastError = outcome.Reason;
        RetryAfter = outcome.RetryAfter;
    }

    /// <summary>Reads what a retry record carries; a record from a source topic carries nothing.</summary>
    public static FailureRecord From(Headers headers) => new()
    {
        Attempts = RoutedEvent.ParseInt(Text(headers, RouterHeaders.Attempts)) ?? 0,
        FirstFailureAt = Time(headers, RouterHeaders.FirstFailureAt),
        LastFailureAt = Time(headers, RouterHeaders.LastFailureAt),
        LastStatus = RoutedEvent.ParseInt(Text(headers, RouterHeaders.LastStatus)),
        LastError = Text(headers, RouterHeaders.Error),
        Ticket = RoutedEvent.ParseLong(Text(headers, RouterHeaders.Ticket)) ?? 0,
    };

    internal static string? Text(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static DateTimeOffset? Time(Headers headers, string name) =>
        RoutedEvent.ParseLong(Text(headers, name)) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}

/// <summary>Writes events to the retry topics and the dead-letter topic.</summary>
internal sealed class RetryLane(EventProducer producer, IOptions<RouterOptions> options, TimeProvider time)
{
    private const int MaxErrorLength = 300;

    private readonly RouterOptions _options = options.Value;

    public int Levels => _options.Retry.EffectiveSchedule.Count;

    public string RetryTopic(int level) =>
        _options.Topics.RetryPrefix + level.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sends the event to retry level <paramref name="level"/> (1-based), due after its delay.</summary>
    public Task ScheduleAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        int level,
        CancellationToken cancellationToken)
    {
        var delay = _options.Retry.EffectiveSchedule[level - 1];
        if (failures.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter;
        }

        var headers = Describe(routedEvent, target, failures);
        Set(headers, RouterHeaders.DueAt, (time.GetUtcNow() + delay).ToUnixTimeMilliseconds());
        if (failures.Ticket > 0)
        {
            Set(headers, RouterHeaders.Ticket, failures.Ticket);
        }

        return producer.ProduceAsync(RetryTopic(level), Message(routedEvent, headers), cancellationToken);
    }

    /// <summary>Writes a retry record again to its own topic, unchanged, to be held later.</summary>
    public Task RequeueAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = Copy(record.Message.Headers),
        };
        return producer.ProduceAsync(record.Topic, message, cancellationToken);
    }

    /// <summary>Writes the event to the dead-letter topic with the reason.</summary>
    public Task DeadLetterAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        string kind,
        CancellationToken cancellationToken)
    {
        var headers = Describe(routedEvent, target, failures);
        Set(headers, RouterHeaders.FailureKind, kind);
        return producer.ProduceAsync(_options.Topics.DeadLetter, Message(routedEvent, headers), cancellationToken);
    }

    /// <summary>Dead-letters a record that is not a CloudEvent, as it came.</summary>
    public Task DeadLetterUnreadableAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        var headers = Copy(record.Message.Headers);
        Set(headers, RouterHeaders.FailureKind, "unreadable");
        Set(headers, RouterHeaders.Error, "the record has no ce_id, ce_source or ce_type header");
        Set(headers, RouterHeaders.OriginalTopic, record.Topic);
        Set(headers, RouterHeaders.OriginalPartition, record.Partition.Value);
        Set(headers, RouterHeaders.OriginalOffset, record.Offset.Value);
        var message = new Message<byte[]?, byte[]?>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
        };
        return producer.ProduceAsync(_options.Topics.DeadLetter, message, cancellationToken);
    }

    private static Headers Describe(RoutedEvent routedEvent, RouteTarget target, FailureRecord failures)
    {
        var headers = routedEvent.CopyEventHeaders();
        Set(headers, RouterHeaders.Destination, target.Destination);
        Set(headers, RouterHeaders.Route, target.Route);
        Set(headers, RouterHeaders.Attempts, failures.Attempts);
        if (failures.FirstFailureAt is { } first)
        {
            Set(headers, RouterHeaders.FirstFailureAt, first.ToUnixTimeMilliseconds());
        }

        if (failures.LastFailureAt is { } last)
        {
            Set(headers, RouterHeaders.LastFailureAt, last.ToUnixTimeMilliseconds());
        }

        Set(headers, RouterHeaders.LastStatus, failures.LastStatus?.ToString(CultureInfo.InvariantCulture) ?? "");
        var error = failures.LastError ?? "";
        Set(headers, RouterHeaders.Error, error.Length > MaxErrorLength ? error[..MaxErrorLength] : error);
        Set(headers, RouterHeaders.OriginalTopic, routedEvent.OriginalTopic);
        Set(headers, RouterHeaders.OriginalPartition, routedEvent.OriginalPartition);
        Set(headers, RouterHeaders.OriginalOffset, routedEvent.OriginalOffset);
        return headers;
    }

    private static Message<byte[]?, byte[]?> Message(RoutedEvent routedEvent, Headers headers) => new()
    {
        Key = routedEvent.Key,
        Value = routedEvent.Body,
        Headers = headers,
    };

    private static Headers Copy(Headers? headers)
    {
        var copy = new Headers();
        foreach (var header in headers ?? [])
        {
            copy.Add(header.Key, header.GetValueBytes());
        }

        return copy;
    }

    private static void Set(Headers headers, string name, string value)
    {
        headers.Remove(name);
        headers.Add(name, Encoding.UTF8.GetBytes(value));
    }

    private static void Set(Headers headers, string name, long value) =>
        Set(headers, name, value.ToString(CultureInfo.InvariantCulture));
}
