using Gateway.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the process's one Redis multiplexer.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>The health check name reported by <c>/health/ready</c>.</summary>
    public const string HealthCheckName = "redis";

    /// <summary>
    /// Adds validated <see cref="RedisOptions"/>, one <see cref="IConnectionMultiplexer"/> and its
    /// readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayRedis(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(
                sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);

            // Start even when Redis is down: readiness reports it and the client reconnects.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(
                HealthCheckName,
                sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
                HealthStatus.Unhealthy,
                ["ready"]));
        return builder;
    }
}

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return ValidateOptionsResult.Fail(
                $"{RedisOptions.SectionName}:Configuration is required (e.g. localhost:6379).");
        }

        try
        {
            _ = ConfigurationOptions.Parse(options.Configuration);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException)
        {
            return ValidateOptionsResult.Fail(
                $"{RedisOptions.SectionName}:Configuration is not a valid "
                + "StackExchange.Redis configuration string.");
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis is unreachable ({ex.GetType().Name}).");
        }
    }
}
