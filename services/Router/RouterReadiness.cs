using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>
/// Ready while the consumer runs and owns partitions. A member that owns none is given a grace
/// period after start, since joining the group and the first assignment take a moment.
/// </summary>
internal sealed class RouterReadiness(RouterWorker worker, IOptions<RouterOptions> options, TimeProvider time)
    : IHealthCheck
{
    public const string Name = "router";

    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        if (worker.Stopped)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the consumer is not running"));
        }

        var owned = worker.Assignment.Count;
        if (owned > 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{owned} partitions assigned"));
        }

        return Task.FromResult(time.GetUtcNow() - worker.CreatedAt < options.Value.Consumer.AssignmentGrace
            ? HealthCheckResult.Healthy("waiting for the first assignment")
            : HealthCheckResult.Unhealthy("the consumer owns no partition"));
    }
}
