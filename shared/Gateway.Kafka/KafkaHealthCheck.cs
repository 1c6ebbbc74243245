using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Kafka;

/// <summary>Ready when a broker answers a metadata request through the producer's connections.</summary>
internal sealed class KafkaHealthCheck(EventProducer producer) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly IAdminClient _admin = new DependentAdminClientBuilder(producer.Handle).Build();

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks the calling thread until a broker answers or the timeout passes.
            var metadata = await Task.Run(() => _admin.GetMetadata(Timeout), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} brokers")
                : HealthCheckResult.Unhealthy("Kafka answered with no brokers.");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka is unreachable ({ex.Error.Code}).");
        }
    }

    public void Dispose() => _admin.Dispose();
}
