using Gateway.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the gateway's Kafka plumbing.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>The health check name reported by <c>/health/ready</c>.</summary>
    public const string HealthCheckName = "kafka";

    /// <summary>
    /// Adds validated <see cref="KafkaOptions"/>, the client configurations, the one producer and
    /// its readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayKafka(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        builder.Services.AddSingleton<KafkaClientConfigs>();
        builder.Services.AddSingleton<EventProducer>();
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(
                HealthCheckName,
                sp => sp.GetRequiredService<KafkaHealthCheck>(),
                HealthStatus.Unhealthy,
                ["ready"]));
        return builder;
    }
}
