using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Contracts;
using Gateway.MockKafka;
using HdrHistogram;

namespace Gateway.Benchmarks;

/// <summary>
/// Scenario 3: signed webhooks into the ingress at half its measured maximum, through Kafka and
/// the router to the sink: latency from the intended send to the sink's receipt, and the count
/// balance (every accepted event delivered once, none extra).
/// </summary>
internal sealed class EndToEndScenario(BenchContext context)
{
    private const int TopicPartitions = 6;
    private const double WarmupRate = 20;

    private readonly EndToEndReport _report = context.Report.E2e;

    public async Task RunAsync(double? ingressMaximum, string? routerFailure, CancellationToken cancellationToken)
    {
        BenchLog.ScenarioStarted(context.Logger, "3 end to end");
        if (ingressMaximum is not { } maximum)
        {
            _report.Fail("skipped: the ingress maximum is unknown because scenario 1's ingress failed");
            return;
        }

        if (routerFailure is not null)
        {
            _report.Fail("skipped: the router did not work in scenario 2 (" + routerFailure + ")");
            return;
        }

        _report.Rate = Math.Max(1, Math.Round(maximum / 2));
        await context.TryAsync("e2e", _report, () => MeasureAsync(_report.Rate.Value, cancellationToken));
    }

    private async Task MeasureAsync(double rate, CancellationToken cancellationToken)
    {
        using var cluster = MockCluster.Start(3);
        cluster.CreateTopic(GatewayTopics.ForSource(ServiceContract.IngressSource), TopicPartitions);
        await using var sink = await DeliverySink.StartAsync(TimeSpan.Zero, cancellationToken);
        var receipts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        sink.FirstReceipt = (key, ticks) => receipts[key] = ticks;

        await using var router = context.StartRouter("router", RouterDrain.RouterEnvironment(
            cluster.BootstrapServers,
            context.Redis.Configuration,
            sink.Url,
            ServiceContract.RouterInFlightPerPartition));
        await using var ingress = context.StartIngress(
            "ingress", IngressScenario.IngressEnvironment(cluster.BootstrapServers));
        await router.WaitUntilReadyAsync(BenchContext.StartTimeout, cancellationToken);
        await ingress.WaitUntilReadyAsync(BenchContext.StartTimeout, cancellationToken);

        using var load = new LoadGenerator(
            ingress.BaseAddress,
            ServiceContract.IngressPathPrefix + ServiceContract.IngressSource,
            context.Events,
            context.Plan.Concurrencies.Max());

        // A trickle first, delivered before the clock starts, so the consumer group's join and
        // the first connections are not counted as end-to-end latency.
        var warmup = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await load.OpenLoopAsync(WarmupRate, TimeSpan.FromSeconds(1), (id, t) => warmup[id] = t, cancellationToken);
        await WaitForAsync(receipts, warmup.Keys, context.Plan.FirstDeliveryTimeout, cancellationToken);

        var accepted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var result = await load.OpenLoopAsync(
            rate, context.Plan.EndToEndDuration, (id, t) => accepted[id] = t, cancellationToken);
        _report.Sent = result.Accepted + result.Errors;
        await WaitForAsync(receipts, accepted.Keys, context.Plan.DrainTimeout, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);

        Balance(sink, receipts, warmup, accepted);
        Latency(receipts, accepted);
        context.Report.MemoryPeakMib["e2e_ingress"] = ingress.PeakWorkingSetMiB();
        context.Report.MemoryPeakMib["e2e_router"] = router.PeakWorkingSetMiB();
        if (_report.Lost > 0 || _report.Duplicated > 0)
        {
            throw new ScenarioFailedException(
                $"the counts do not balance: {_report.Lost} lost, {_report.Duplicated} duplicated");
        }
    }

    private void Balance(
        DeliverySink sink,
        ConcurrentDictionary<string, long> receipts,
        ConcurrentDictionary<string, long> warmup,
        ConcurrentDictionary<string, long> accepted)
    {
        var lost = accepted.Keys.Concat(warmup.Keys).Count(id => !receipts.ContainsKey(id));

        // A delivery of an event the ingress never accepted is an extra as much as a second copy is.
        var unaccepted = receipts.Keys.Count(id => !accepted.ContainsKey(id) && !warmup.ContainsKey(id));
        _report.Accepted = accepted.Count;
        _report.Delivered = receipts.Count(pair => accepted.ContainsKey(pair.Key));
        _report.Lost = lost;
        _report.Duplicated = sink.Duplicates + unaccepted + sink.MissingKey;
    }

    private void Latency(ConcurrentDictionary<string, long> receipts, ConcurrentDictionary<string, long> accepted)
    {
        var histogram = new LongHistogram(120_000_000, 3);
        foreach (var (id, intended) in accepted)
        {
            if (receipts.TryGetValue(id, out var received))
            {
                var microseconds = (received - intended) * 1_000_000 / Stopwatch.Frequency;
                histogram.RecordValue(Math.Clamp(microseconds, 1, 120_000_000));
            }
        }

        if (histogram.TotalCount > 0)
        {
            _report.P50Ms = Math.Round(histogram.GetValueAtPercentile(50) / 1000.0, 3);
            _report.P99Ms = Math.Round(histogram.GetValueAtPercentile(99) / 1000.0, 3);
            _report.P999Ms = Math.Round(histogram.GetValueAtPercentile(99.9) / 1000.0, 3);
        }
    }

    /// <summary>
    /// Waits until every id arrived, for <paramref name="timeout"/> and then for as long as
    /// deliveries still progress (a backlog that drains slowly is not a loss), at most four times
    /// <paramref name="timeout"/>.
    /// </summary>
    private static async Task WaitForAsync(
        ConcurrentDictionary<string, long> receipts,
        ICollection<string> ids,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            throw new ScenarioFailedException("the ingress accepted no request");
        }

        var clock = Stopwatch.StartNew();
        var lastCount = -1;
        var lastProgress = TimeSpan.Zero;
        while (ids.Any(id => !receipts.ContainsKey(id)) && clock.Elapsed < timeout * 4)
        {
            if (receipts.Count != lastCount)
            {
                lastCount = receipts.Count;
                lastProgress = clock.Elapsed;
            }
            else if (clock.Elapsed > timeout && clock.Elapsed - lastProgress > TimeSpan.FromSeconds(10))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}
