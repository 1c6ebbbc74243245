namespace Gateway.Ingress;

/// <summary>Every log line of the ingress; never a secret, a signature or a body.</summary>
internal static partial class IngressLog
{
    [LoggerMessage(EventId = 3001, EventName = "IngressSourcesConfigured", Level = LogLevel.Information,
        Message = "Ingress serving {Count} sources: {Sources}")]
    public static partial void SourcesConfigured(this ILogger logger, int count, string sources);

    [LoggerMessage(EventId = 3002, EventName = "WebhookRejected", Level = LogLevel.Debug,
        Message = "Rejected a request to source {Source} with {Status}: {Outcome}")]
    public static partial void Rejected(this ILogger logger, string source, int status, string outcome);

    [LoggerMessage(EventId = 3003, EventName = "WebhookVerificationFailed", Level = LogLevel.Warning,
        Message = "A request to source {Source} from {Client} failed verification: {Outcome}")]
    public static partial void VerificationFailed(this ILogger logger, string source, string? client, string outcome);

    [LoggerMessage(EventId = 3004, EventName = "WebhookProduceFailed", Level = LogLevel.Warning,
        Message = "Event {EventId} of source {Source} was not written to {Topic} ({Code}); answered 503")]
    public static partial void ProduceFailed(
        this ILogger logger, string eventId, string source, string topic, string code);

    [LoggerMessage(EventId = 3005, EventName = "WebhookAccepted", Level = LogLevel.Debug,
        Message = "Event {EventId} of source {Source} written to {Topic} [{Partition}] @{Offset}")]
    public static partial void Accepted(
        this ILogger logger, string eventId, string source, string topic, int partition, long offset);

    [LoggerMessage(EventId = 3008, EventName = "WebhookDuplicate", Level = LogLevel.Debug,
        Message = "Event {EventId} of source {Source} was acknowledged before; answered 202 without writing it again")]
    public static partial void Duplicate(this ILogger logger, string eventId, string source);

    [LoggerMessage(EventId = 3009, EventName = "WebhookRecordTooLarge", Level = LogLevel.Warning,
        Message = "Event {EventId} of source {Source} is larger than {Topic} accepts ({Code}); "
            + "answered 413")]
    public static partial void RecordTooLarge(
        this ILogger logger, string eventId, string source, string topic, string code);

    [LoggerMessage(EventId = 3010, EventName = "IngressRecordLimitBelowBodyLimit",
        Level = LogLevel.Warning,
        Message = "message.max.bytes is set to {Limit}, below the {Required} bytes that the "
            + "body limit of source {Source} needs; larger bodies will be answered 413")]
    public static partial void RecordLimitBelowBodyLimit(
        this ILogger logger, string limit, long required, string source);

    [LoggerMessage(EventId = 3006, EventName = "IngressProducerFlushed", Level = LogLevel.Information,
        Message = "Ingress stopped; producer flushed with {Remaining} records unacknowledged")]
    public static partial void Flushed(this ILogger logger, int remaining);

    [LoggerMessage(EventId = 3007, EventName = "WebhookBodyUnreadable", Level = LogLevel.Debug,
        Message = "The body of a request to source {Source} could not be read: {Reason}")]
    public static partial void BodyUnreadable(this ILogger logger, string source, string reason);
}
