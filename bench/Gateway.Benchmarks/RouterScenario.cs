namespace Gateway.Benchmarks;

/// <summary>
/// Scenario 2: pre-loaded events drained by the router to an instant sink and to a 20 ms sink,
/// against a consume-and-claim loop and against one event in flight per partition.
/// </summary>
internal sealed class RouterScenario(BenchContext context)
{
    public const string ConsumeRun = "consume_baseline";
    public const string ConsumePostRun = "consume_claim_post_baseline";
    public const string FastRun = "fast_sink";
    public const string SlowRun = "slow_sink";
    public const string SerialRun = "slow_sink_one_in_flight";

    private readonly RouterReport _report = context.Report.Router;

    /// <summary>Whether the router delivered at all; the later router scenarios need it to.</summary>
    public bool RouterWorks { get; private set; }

    public string? RouterFailure { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        BenchLog.ScenarioStarted(context.Logger, "2 router");
        var plan = context.Plan;
        var drain = new RouterDrain(context);
        _report.Events = plan.RouterEvents;
        _report.Partitions = plan.RouterPartitions;
        _report.InFlightPerPartition = ServiceContract.RouterInFlightPerPartition;
        _report.InFlightPerRouter = ServiceContract.RouterSinkInFlightUnbound;
        _report.SerialRateTheoretical =
            Math.Round(plan.RouterPartitions * 1000 / plan.SlowSinkDelay.TotalMilliseconds, 1);

        var consume = await drain.ConsumeBaselineAsync(
            plan.RouterEvents, plan.RouterPartitions, post: false, cancellationToken);
        _report.Runs[ConsumeRun] = consume;
        var consumePost = await drain.ConsumeBaselineAsync(
            plan.RouterEvents, plan.RouterPartitions, post: true, cancellationToken);
        _report.Runs[ConsumePostRun] = consumePost;

        var fast = await drain.RouterAsync(
            "router/" + FastRun, "router_fast_sink", plan.RouterEvents, plan.RouterPartitions, TimeSpan.Zero,
            ServiceContract.RouterInFlightPerPartition, 1, cancellationToken);
        _report.Runs[FastRun] = fast;
        RouterWorks = fast.Status == "ok";
        RouterFailure = fast.Reason;

        if (RouterWorks)
        {
            _report.Runs[SlowRun] = await drain.RouterAsync(
                "router/" + SlowRun, "router_slow_sink", plan.RouterEvents, plan.RouterPartitions,
                plan.SlowSinkDelay, ServiceContract.RouterInFlightPerPartition, 1, cancellationToken);
            _report.Runs[SerialRun] = await drain.RouterAsync(
                "router/" + SerialRun, null, plan.RouterSerialEvents, plan.RouterPartitions,
                plan.SlowSinkDelay, 1, 1, cancellationToken);
        }
        else
        {
            foreach (var skipped in new[] { SlowRun, SerialRun })
            {
                var run = new RateRun();
                run.Fail("skipped: the router delivered nothing to the instant sink");
                _report.Runs[skipped] = run;
            }
        }

        _report.ThroughputRatioVsConsume = IngressScenario.Ratio(fast.EventsPerSecond, consume.EventsPerSecond);
        _report.ThroughputRatioVsConsumePost = IngressScenario.Ratio(
            fast.EventsPerSecond, consumePost.EventsPerSecond);
        _report.ConcurrencySpeedupSlowSink = IngressScenario.Ratio(
            _report.Runs[SlowRun].EventsPerSecond, _report.Runs[SerialRun].EventsPerSecond);
        foreach (var (name, run) in _report.Runs)
        {
            if (run.Status != "ok")
            {
                _report.Fail($"{name}: {run.Reason}");
            }
        }

        if (_report.Status == "not_run")
        {
            _report.Status = "ok";
        }
    }
}
