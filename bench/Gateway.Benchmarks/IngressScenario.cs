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

        var contenders = new List<Contender>
        {
            new(ProduceName, "baseline_produce", () => ChildService.StartSelf(
                ProduceName,
                Baselines.Produce,
                new Dictionary<string, string>
                {
                    [ServiceContract.KafkaBootstrapVariable] = cluster.BootstrapServers,
                    [Baselines.TopicVariable] = produceTopic,
                })),
            new(KestrelName, "baseline_kestrel", () => ChildService.StartSelf(
                KestrelName, Baselines.Kestrel, new Dictionary<string, string>())),
            new(IngressName, IngressName, () => context.StartIngress(
                IngressName, IngressEnvironment(cluster.BootstrapServers))),
        };
        try
        {
            foreach (var contender in contenders)
            {
                await StartAsync(contender, cancellationToken);
            }

            // The contenders take turns, in the opposite order each round, and each keeps its best:
            // a burst of load from outside the benchmark then costs one turn of one contender, not
            // the comparison. The open-loop rate is fixed after the first round of closed loops, a
            // share of what the produce baseline sustains, the same for every contender.
            for (var round = 0; round < context.Plan.IngressRounds; round++)
            {
                var order = round % 2 == 0 ? contenders : Enumerable.Reverse(contenders).ToList();
                foreach (var contender in order)
                {
                    await TurnAsync(contender, c => ClosedLoopsAsync(c.Name, c.Report, c.Service!, cancellationToken));
                }

                _report.OpenLoopRate ??= OpenLoopRateFrom(contenders[0].Report);
                foreach (var contender in order)
                {
                    await TurnAsync(contender, c => OpenLoopAsync(
                        c.Name, c.Report, c.Service!, _report.OpenLoopRate.Value, cancellationToken));
                }
            }
        }
        finally
        {
            foreach (var contender in contenders)
            {
                if (contender.Service is { } service)
                {
                    context.Report.MemoryPeakMib[contender.MemoryName] = service.PeakWorkingSetMiB();
                    await service.DisposeAsync();
                }
            }
        }

        var produce = contenders[0].Report;
        var kestrel = contenders[1].Report;
        var ingress = contenders[2].Report;
        _report.ThroughputRatioVsProduce = Ratio(ingress.BestThroughput, produce.BestThroughput);
        _report.ThroughputRatioVsKestrel = Ratio(ingress.BestThroughput, kestrel.BestThroughput);
        _report.P99RatioVsProduce = Ratio(ingress.OpenLoop?.P99Ms, produce.OpenLoop?.P99Ms);
        foreach (var (name, contender) in _report.Contenders)
        {
            if (contender.Status == "not_run")
            {
                contender.Status = "ok";
            }

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

    private async Task StartAsync(Contender contender, CancellationToken cancellationToken)
    {
        _report.Contenders[contender.Name] = contender.Report;
        await context.TryAsync($"ingress/{contender.Name}", contender.Report, async () =>
        {
            contender.Service = contender.Start();
            await contender.Service.WaitUntilReadyAsync(BenchContext.StartTimeout, cancellationToken);
        });
        if (contender.Report.Status == "ok")
        {
            // Measured turns set it again; a contender that fails a turn keeps that failure.
            contender.Report.Status = "not_run";
        }
    }

    /// <summary>One turn of one contender; a contender that failed once sits out the rest.</summary>
    private async Task TurnAsync(Contender contender, Func<Contender, Task> turn)
    {
        if (contender.Service is null || contender.Report.Status is not ("not_run" or "ok"))
        {
            return;
        }

        await context.TryAsync($"ingress/{contender.Name}", contender.Report, () => turn(contender));
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
            Keep(contender.ClosedLoop, LoadPoint.From(result));
            if (result.Accepted == 0)
            {
                throw new ScenarioFailedException(
                    $"no request accepted at concurrency {concurrency} "
                    + $"({result.ErrorSample ?? "none completed within the window"})");
            }

            contender.BestThroughput = Math.Max(contender.BestThroughput ?? 0, result.Throughput);
        }
    }

    private double OpenLoopRateFrom(ContenderReport produce) => produce.BestThroughput is { } best
        ? Math.Max(1, Math.Round(best * context.Plan.OpenLoopShareOfProduce))
        : FallbackOpenLoopRate;

    /// <summary>Keeps the better of two measurements at the same concurrency.</summary>
    private static void Keep(List<LoadPoint> points, LoadPoint point)
    {
        var index = points.FindIndex(p => p.Level == point.Level);
        if (index < 0)
        {
            points.Add(point);
        }
        else if (point.Throughput > points[index].Throughput)
        {
            points[index] = point;
        }
    }

    private async Task OpenLoopAsync(
        string name, ContenderReport contender, ChildService service, double rate, CancellationToken cancellationToken)
    {
        using var load = NewLoad(service);
        var result = await load.OpenLoopAsync(rate, context.Plan.OpenLoopDuration, null, cancellationToken);
        Record(name, result);

        // The best tail of the rounds counts, as the best throughput does.
        var point = LoadPoint.From(result);
        if (contender.OpenLoop?.P99Ms is not { } best || (point.P99Ms is { } p99 && p99 < best))
        {
            contender.OpenLoop = point;
        }

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

    private sealed class Contender(string name, string memoryName, Func<ChildService> start)
    {
        public string Name { get; } = name;

        public string MemoryName { get; } = memoryName;

        public Func<ChildService> Start { get; } = start;

        public ContenderReport Report { get; } = new();

        public ChildService? Service { get; set; }
    }
}
