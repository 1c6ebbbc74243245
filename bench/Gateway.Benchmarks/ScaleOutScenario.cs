namespace Gateway.Benchmarks;

/// <summary>Scenario 4: one, two and three routers in one consumer group against the 20 ms sink.</summary>
internal sealed class ScaleOutScenario(BenchContext context)
{
    private readonly ScaleOutReport _report = context.Report.Scaleout;

    public async Task RunAsync(string? routerFailure, CancellationToken cancellationToken)
    {
        BenchLog.ScenarioStarted(context.Logger, "4 scale-out");
        var plan = context.Plan;
        _report.Partitions = plan.ScaleOutPartitions;
        _report.InFlightPerPartition = ServiceContract.ScaleOutInFlightPerPartition;
        _report.InFlightPerRouter = ServiceContract.ScaleOutInFlightPerRouter;
        if (routerFailure is not null)
        {
            _report.Fail("skipped: the router did not work in scenario 2 (" + routerFailure + ")");
            return;
        }

        var drain = new RouterDrain(context);
        foreach (var routers in plan.ScaleOutRouters)
        {
            var key = routers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var run = await drain.RouterAsync(
                $"scaleout/{key}", $"router_scaleout_{key}", plan.ScaleOutEvents, plan.ScaleOutPartitions,
                plan.SlowSinkDelay, ServiceContract.ScaleOutInFlightPerPartition, routers, cancellationToken,
                loadAfterJoin: true, sinkInFlight: ServiceContract.ScaleOutInFlightPerRouter);
            _report.Routers[key] = run;
            if (run.Status != "ok")
            {
                _report.Fail($"{key} routers: {run.Reason}");
            }
        }

        _report.ThroughputRatio3Vs1 = IngressScenario.Ratio(
            _report.Routers.GetValueOrDefault("3")?.EventsPerSecond,
            _report.Routers.GetValueOrDefault("1")?.EventsPerSecond);
        if (_report.Status == "not_run")
        {
            _report.Status = "ok";
        }
    }
}
