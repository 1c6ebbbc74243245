using Gateway.Contracts;
using Gateway.MockKafka;

namespace Gateway.Benchmarks;

/// <summary>
/// Scenario 1: the ingress against (a) bare Kestrel and (b) Kestrel plus the same produce, each in
/// its own process, closed loop at several concurrencies and open loop at one fixed rate.
/// </summary>
internal sealed class IngressScenario(BenchContext context)
{
    public const string IngressName = "ingress";
    public const string KestrelName = "kestrel";
    public const string ProduceName = "produce";

    private const int TopicPartitions = 6;
    private const double FallbackOpenLoopRate = 200;

    private readonly IngressReport _report = context.Report.Ingress;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        BenchLog.ScenarioStarted(context.Logger, "1 ingress");
        using var cluster = MockCluster.Start(3);
        var produceTopic = GatewayTopics.ForSource("baseline");
        cluster.CreateTopic(produceTopic, TopicPartitions);
        cluster.CreateTopic(GatewayTopics.ForSource(ServiceContract.IngressSource), TopicPartitions);

        // One fixed open-loop rate for every contender, a share of what the produce baseline
        // sustains, so the tails compare the services under the same offered load.
        var produce = await MeasureAsync(ProduceName, "baseline_produce", OpenLoopRateFrom, () =>
            ChildService.StartSelf(
            ProduceName,
            Baselines.Produce,
            new Dictionary<string, string>
            {
                [ServiceContract.KafkaBootstrapVariable] = cluster.BootstrapServers,
                [Baselines.TopicVariable] = produceTopic,
            }), cancellationToken);
        var rate = _report.OpenLoopRate ?? FallbackOpenLoopRate;
        _report.OpenLoopRate = rate;

        var kestrel = await MeasureAsync(KestrelName, "baseline_kestrel", _ => rate, () => ChildService.StartSelf(
            KestrelName, Baselines.Kestrel, new Dictionary<string, string>()), cancellationToken);
        var ingress = await MeasureAsync(IngressName, IngressName, _ => rate, () => context.StartIngress(
            IngressName, IngressEnvironment(cluster.BootstrapServers)), cancellationToken);

        _report.ThroughputRatioVsProduce = Ratio(ingress.BestThroughput, produce.BestThroughput);
        _report.ThroughputRatioVsKestrel = Ratio(ingress.BestThroughput, kestrel.BestThroughput);
        _report.P99RatioVsProduce = Ratio(ingress.OpenLoop?.P99Ms, produce.OpenLoop?.P99Ms);
        foreach (var (name, contender) in _report.Contenders)
        {
            if (contender.Status != "ok")
            {
                _report.Fail($"{name}: {contender.Reason}");
            }
        }

        if (_report.Status == "not_run")
        {
            _report.Status = "ok";
        }
    }

    /// <summary>The best closed-loop throughput of the ingress, or null when it did not work.</summary>
    public double? IngressMaximum =>
        _report.Contenders.TryGetValue(IngressName, out var ingress) ? ingress.BestThroughput : null;

    public static Dictionary<string, string> IngressEnvironment(string bootstrapServers) => new()
    {
        [ServiceContract.KafkaBootstrapVariable] = bootstrapServers,
        [ServiceContract.IngressSchemeVariable] = ServiceContract.IngressSchemeValue,
        [ServiceContract.IngressSecretVariable] = ServiceContract.IngressSecretValue,
    };

    public static double? Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? Math.Round(n / d, 3) : null;

    private async Task<ContenderReport> MeasureAsync(
        string name,
        string memoryName,
        Func<ContenderReport, double> openLoopRate,
        Func<ChildService> start,
        CancellationToken cancellationToken)
    {
        var contender = new ContenderReport();
        _report.Contenders[name] = contender;
        await context.TryAsync($"ingress/{name}", contender, async () =>
        {
            await using var service = start();
            try
            {
                await service.WaitUntilReadyAsync(BenchContext.StartTimeout, cancellationToken);
                await ClosedLoopsAsync(name, contender, service, cancellationToken);
                await OpenLoopAsync(name, contender, service, openLoopRate(contender), cancellationToken);
            }
            finally
            {
                context.Report.MemoryPeakMib[memoryName] = service.PeakWorkingSetMiB();
            }
        });
        return contender;
    }

    private async Task ClosedLoopsAsync(
        string name, ContenderReport contender, ChildService service, CancellationToken cancellationToken)
    {
        using var load = NewLoad(service);
        foreach (var concurrency in context.Plan.Concurrencies)
        {
            var result = await load.ClosedLoopAsync(
                concurrency, context.Plan.Warmup, context.Plan.ClosedLoopDuration, cancellationToken);
            Record(name, result);
            contender.ClosedLoop.Add(LoadPoint.From(result));
            if (result.Accepted == 0)
            {
                throw new ScenarioFailedException(
                    $"no request accepted at concurrency {concurrency} "
                    + $"({result.ErrorSample ?? "none completed within the window"})");
            }

            contender.BestThroughput = Math.Max(contender.BestThroughput ?? 0, result.Throughput);
        }
    }

    private double OpenLoopRateFrom(ContenderReport produce)
    {
        var rate = Math.Max(1, Math.Round((produce.BestThroughput ?? 0) * context.Plan.OpenLoopShareOfProduce));
        _report.OpenLoopRate = rate;
        return rate;
    }

    private async Task OpenLoopAsync(
        string name, ContenderReport contender, ChildService service, double rate, CancellationToken cancellationToken)
    {
        using var load = NewLoad(service);
        var result = await load.OpenLoopAsync(rate, context.Plan.OpenLoopDuration, null, cancellationToken);
        Record(name, result);
        contender.OpenLoop = LoadPoint.From(result);
        if (result.Accepted == 0)
        {
            throw new ScenarioFailedException($"no request accepted in the open loop ({result.ErrorSample})");
        }
    }

    private LoadGenerator NewLoad(ChildService service) => new(
        service.BaseAddress,
        ServiceContract.IngressPathPrefix + ServiceContract.IngressSource,
        context.Events,
        context.Plan.Concurrencies.Max());

    private void Record(string name, LoadResult result) => BenchLog.LoadMeasured(
        context.Logger, name, result.Kind, result.Level, result.Throughput, result.P50Ms, result.P99Ms, result.Errors);
}
