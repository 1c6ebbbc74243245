using System.Globalization;
using Gateway.Kafka;

namespace Gateway.Ingress.Configuration;

/// <summary>
/// The producer's <c>message.max.bytes</c>, fitted to the largest body a source accepts.
/// </summary>
/// <remarks>
/// librdkafka refuses a record larger than <c>message.max.bytes</c> (1,000,000 by default)
/// before sending it, while a source accepts up to 1 MiB by default and up to 64 MiB when
/// configured; such a body could never be written, however often the sender retried. The
/// broker and the topic have limits of their own that this cannot change.
/// </remarks>
internal static class RecordSizeLimit
{
    public const string Property = "message.max.bytes";

    /// <summary>librdkafka's default, which the ingress never lowers.</summary>
    public const long LibrdkafkaDefault = 1_000_000;

    /// <summary>librdkafka's largest accepted value.</summary>
    private const long LibrdkafkaMaximum = 1_000_000_000;

    // Room for the record's key and headers: the copied request headers are bounded by the
    // server's header limit, and the CloudEvent attributes, the auth headers, the trace
    // context and the record framing fit well inside the rest.
    private const long AttributeRoom = 64 * 1024;

    /// <summary>The record size the largest body of any source needs, headers included.</summary>
    public static long Required(IngressOptions ingress)
    {
        var largestBody = ingress.Sources.Count == 0
            ? new SourceOptions().MaxBodyBytes
            : ingress.Sources.Values.Max(s => s.MaxBodyBytes);
        var needed = largestBody + ingress.Server.MaxRequestHeadersTotalSize + AttributeRoom;
        return Math.Clamp(needed, LibrdkafkaDefault, LibrdkafkaMaximum);
    }

    /// <summary>
    /// The value set under <c>Kafka:Producer</c> or <c>Kafka:Client</c>; null when none is.
    /// </summary>
    public static string? Explicit(KafkaOptions kafka) =>
        kafka.Producer.TryGetValue(Property, out var producer) ? producer
        : kafka.Client.TryGetValue(Property, out var client) ? client
        : null;

    /// <summary>
    /// Sets the producer's limit to <see cref="Required"/> unless the operator set one.
    /// </summary>
    public static void Fit(KafkaOptions kafka, IngressOptions ingress)
    {
        if (Explicit(kafka) is null)
        {
            kafka.Producer[Property] = Required(ingress).ToString(CultureInfo.InvariantCulture);
        }
    }
}
