using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Ingress;

/// <summary>The ingress's meter and instruments; the request span is ASP.NET Core's, tagged here.</summary>
internal static class IngressTelemetry
{
    public const string Name = "Gateway.Ingress";
    public const string Requests = "gateway.ingress.requests";
    public const string VerificationDuration = "gateway.ingress.verification.duration";
    public const string ProduceDuration = "gateway.ingress.produce.duration";
    public const string BytesIn = "gateway.ingress.request.body.size";

    /// <summary>The source tag of requests to names that are not configured, to bound cardinality.</summary>
    public const string UnknownSource = "(unknown)";

    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> RequestCounter = Meter.CreateCounter<long>(
        Requests, "{request}", "Webhook requests by source and outcome.");

    private static readonly Histogram<double> VerificationHistogram = Meter.CreateHistogram<double>(
        VerificationDuration, "s", "Time spent verifying a request's signature or credential.");

    private static readonly Histogram<double> ProduceHistogram = Meter.CreateHistogram<double>(
        ProduceDuration, "s", "Time from produce to the broker's acknowledgement, or failure.");

    private static readonly Counter<long> BytesCounter = Meter.CreateCounter<long>(
        BytesIn, "By", "Request body bytes read.");

    public static void Record(string source, string outcome)
    {
        RequestCounter.Add(1, new("gateway.source", source), new("gateway.outcome", outcome));
        var activity = Activity.Current;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gateway.source", source);
            activity.SetTag("gateway.outcome", outcome);
        }
    }

    public static void RecordVerification(string source, TimeSpan elapsed) =>
        VerificationHistogram.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("gateway.source", source));

    public static void RecordProduce(string source, TimeSpan elapsed, bool acknowledged) =>
        ProduceHistogram.Record(
            elapsed.TotalSeconds,
            new("gateway.source", source),
            new("gateway.produce.acknowledged", acknowledged));

    public static void RecordBytes(string source, int bytes) =>
        BytesCounter.Add(bytes, new KeyValuePair<string, object?>("gateway.source", source));
}

/// <summary>The outcomes a request is counted under; each reject reason is its own outcome.</summary>
internal static class Outcomes
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Challenge = "challenge";
    public const string UnknownSource = "unknown_source";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string TooLarge = "too_large";
    public const string RecordTooLarge = "record_too_large";
    public const string SignatureMissing = "signature_missing";
    public const string SignatureMalformed = "signature_malformed";
    public const string SignatureMismatch = "signature_mismatch";
    public const string SignatureStale = "signature_stale";
    public const string InvalidJson = "invalid_json";
    public const string InvalidCloudEvent = "invalid_cloudevent";
    public const string BadRequest = "bad_request";
    public const string Unavailable = "unavailable";
}
