namespace Gateway.Kafka;

/// <summary>How the services reach Kafka; bound from the <c>Kafka</c> configuration section.</summary>
public sealed class KafkaOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list of bootstrap brokers; required.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The client id reported to brokers; null uses the service name.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// How long a produce may take before it fails; default 5 seconds, inside every provider's
    /// response deadline.
    /// </summary>
    public TimeSpan ProduceTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the producer waits to batch records; default 2 milliseconds.</summary>
    public double LingerMs { get; set; } = 2;

    /// <summary>Extra librdkafka properties for every client (security, SASL, TLS); never null.</summary>
    public Dictionary<string, string> Client { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka properties for producers only; never null.</summary>
    public Dictionary<string, string> Producer { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka properties for consumers only; never null.</summary>
    public Dictionary<string, string> Consumer { get; init; } = new(StringComparer.Ordinal);
}
