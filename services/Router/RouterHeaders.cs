namespace Gateway.Router;

/// <summary>
/// Record headers the router adds on the retry, dead-letter and replay topics. The original
/// <c>ce_*</c> headers, key and value travel unchanged beside them.
/// </summary>
public static class RouterHeaders
{
    /// <summary>The destination the record is meant for (retry, dead-letter, replay).</summary>
    public const string Destination = "gateway-destination";

    /// <summary>The route that chose the destination.</summary>
    public const string Route = "gateway-route";

    /// <summary>Delivery attempts made so far, in process and across retry levels.</summary>
    public const string Attempts = "gateway-attempts";

    /// <summary>When a retry record may be attempted, as Unix milliseconds.</summary>
    public const string DueAt = "gateway-due-at";

    public const string FirstFailureAt = "gateway-first-failure-at";

    public const string LastFailureAt = "gateway-last-failure-at";

    /// <summary>The last HTTP status, or empty when there was none (connection error, timeout).</summary>
    public const string LastStatus = "gateway-last-status";

    /// <summary>A short reason without secrets or response bodies longer than a few hundred bytes.</summary>
    public const string Error = "gateway-error";

    /// <summary>Whether the failure was <c>permanent</c> or retries were <c>exhausted</c>.</summary>
    public const string FailureKind = "gateway-failure-kind";

    /// <summary>Retry topics only: the event's place in its parked key's queue (strict ordering).</summary>
    public const string Ticket = "gateway-ticket";

    public const string OriginalTopic = "gateway-original-topic";

    public const string OriginalPartition = "gateway-original-partition";

    public const string OriginalOffset = "gateway-original-offset";

    /// <summary>Every header the router writes, removed before a record is copied on.</summary>
    internal static readonly string[] All =
    [
        Destination, Route, Attempts, DueAt, FirstFailureAt, LastFailureAt, LastStatus, Error,
        FailureKind, Ticket, OriginalTopic, OriginalPartition, OriginalOffset,
    ];
}
