using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.MockKafka;

namespace Gateway.Benchmarks;

/// <summary>
/// One timed drain: pre-load events on a fresh cluster, start the router processes (or the
/// consume baseline) and measure how fast every event reaches the sink, once.
/// </summary>
internal sealed class RouterDrain(BenchContext context)
{
    private const int QuickRoundsNeeded = 2;

    private static readonly TimeSpan QuickRound = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan DuplicateGrace = TimeSpan.FromMilliseconds(750);

    public static Dictionary<string, string> RouterEnvironment(
        string bootstrapServers,
        string redis,
        Uri sinkUrl,
        int inFlightPerPartition,
        int sinkInFlight = ServiceContract.RouterSinkInFlightUnbound) => new()
        {
            [ServiceContract.RouterSinkInFlightVariable] = sinkInFlight.ToString(CultureInfo.InvariantCulture),
            [ServiceContract.KafkaBootstrapVariable] = bootstrapServers,
            [ServiceContract.RedisConfigurationVariable] = redis,
            [ServiceContract.RouterGroupVariable] = ServiceContract.RouterGroupValue,
            [ServiceContract.RouterInFlightVariable] = inFlightPerPartition.ToString(CultureInfo.InvariantCulture),
            [ServiceContract.RouterSinkTypeVariable] = ServiceContract.RouterSinkTypeValue,
            [ServiceContract.RouterSinkUrlVariable] = sinkUrl.ToString(),
            [ServiceContract.RouterSinkPrivateVariable] = "true",
            [ServiceContract.RouterRouteVariable] = ServiceContract.RouterRouteValue,
        };

    /// <summary>Drains through <paramref name="routers"/> router processes in one consumer group.</summary>
    public async Task<RateRun> RouterAsync(
        string name,
        string? memoryName,
        int events,
        int partitions,
        TimeSpan sinkDelay,
        int inFlightPerPartition,
        int routers,
        CancellationToken cancellationToken,
        bool loadAfterJoin = false,
        int sinkInFlight = ServiceContract.RouterSinkInFlightUnbound)
    {
        var run = new RateRun();
        await context.TryAsync(name, run, async () =>
        {
            using var cluster = MockCluster.Start(3);
            var topic = GatewayTopics.ForSource(ServiceContract.IngressSource);
            if (loadAfterJoin)
            {
                cluster.CreateTopic(topic, partitions);
            }
            else
            {
                await EventPreloader.PreloadAsync(cluster, topic, partitions, events, cancellationToken);
                BenchLog.EventsPreloaded(context.Logger, events, topic, partitions);
            }

            await using var sink = await DeliverySink.StartAsync(sinkDelay, cancellationToken);
            sink.WarmupEvents = context.Plan.WarmupEvents(events);
            var environment = RouterEnvironment(
                cluster.BootstrapServers, context.Redis.Configuration, sink.Url, inFlightPerPartition, sinkInFlight);
            var services = new List<ChildService>();
            try
            {
                for (var i = 0; i < routers; i++)
                {
                    services.Add(context.StartRouter($"router{i + 1}", environment));
                }

                foreach (var service in services)
                {
                    await service.WaitUntilReadyAsync(BenchContext.StartTimeout, cancellationToken);
                }

                if (loadAfterJoin)
                {
                    // Several routers join one after another; loading only once the group has
                    // settled keeps the rebalances of their start-up out of the measured rate.
                    await SettleAsync(cluster.BootstrapServers, topic, partitions, sink, cancellationToken);
                    await EventPreloader.ProduceAsync(cluster.BootstrapServers, topic, events, cancellationToken);
                    BenchLog.EventsPreloaded(context.Logger, events, topic, partitions);
                }

                await WaitForDeliveriesAsync(sink, events, services, cancellationToken);
                run.EventsPerSecond = Round(sink.DistinctRate());
                run.Delivered = sink.Distinct;
                run.Duplicated = sink.Duplicates;
                BenchLog.DrainMeasured(context.Logger, name, sink.Distinct, events, run.EventsPerSecond ?? 0);
                if (sink.Duplicates > 0)
                {
                    throw new ScenarioFailedException($"{sink.Duplicates} events were delivered more than once");
                }
            }
            finally
            {
                if (memoryName is not null && services.Count > 0)
                {
                    context.Report.MemoryPeakMib[memoryName] = services.Max(s => s.PeakWorkingSetMiB());
                }

                foreach (var service in services)
                {
                    await service.DisposeAsync();
                }
            }
        });
        return run;
    }

    /// <summary>
    /// Drains through a baseline: consume with the same group settings and make one Redis claim
    /// per event; with <paramref name="post"/>, also post it to an instant sink and mark it done.
    /// </summary>
    public async Task<RateRun> ConsumeBaselineAsync(
        int events, int partitions, bool post, CancellationToken cancellationToken)
    {
        var run = new RateRun();
        var name = post ? "consume claim post baseline" : "consume baseline";
        await context.TryAsync("router/" + name.Replace(' ', '_'), run, async () =>
        {
            using var cluster = MockCluster.Start(3);
            var topic = GatewayTopics.ForSource(ServiceContract.IngressSource);
            await EventPreloader.PreloadAsync(cluster, topic, partitions, events, cancellationToken);
            BenchLog.EventsPreloaded(context.Logger, events, topic, partitions);
            await using var sink = await DeliverySink.StartAsync(TimeSpan.Zero, cancellationToken);
            var environment = new Dictionary<string, string>
            {
                [ServiceContract.KafkaBootstrapVariable] = cluster.BootstrapServers,
                [ServiceContract.RedisConfigurationVariable] = context.Redis.Configuration,
                [Baselines.GroupVariable] = ServiceContract.RouterGroupValue,
                [Baselines.CountVariable] = events.ToString(CultureInfo.InvariantCulture),
                [Baselines.WarmupVariable] =
                    context.Plan.WarmupEvents(events).ToString(CultureInfo.InvariantCulture),
            };
            if (post)
            {
                environment[Baselines.SinkUrlVariable] = sink.Url.ToString();
            }

            await using var baseline = ChildService.StartSelf(name, Baselines.Consume, environment, listens: false);
            var line = baseline.WaitForLineAsync(Baselines.ConsumedLinePrefix);
            var limit = context.Plan.FirstDeliveryTimeout + context.Plan.DrainTimeout;
            if (await Task.WhenAny(line, Task.Delay(limit, cancellationToken)) != line)
            {
                throw new ScenarioFailedException(
                    $"the {name} did not finish in {limit.TotalSeconds:0} s: {baseline.OutputTail()}");
            }

            context.Report.MemoryPeakMib[post ? "baseline_consume_post" : "baseline_consume"] =
                baseline.PeakWorkingSetMiB();
            var fields = (await line)[Baselines.ConsumedLinePrefix.Length..]
                .Split(' ')
                .Select(field => field.Split('='))
                .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
            run.Delivered = (long)fields["total"];
            run.Duplicated = 0;
            run.EventsPerSecond = Round(fields["count"] / fields["seconds"]);
            BenchLog.DrainMeasured(context.Logger, name, run.Delivered.Value, events, run.EventsPerSecond ?? 0);
            if (post && sink.Distinct < events)
            {
                throw new ScenarioFailedException($"the sink received {sink.Distinct} of {events} events");
            }
        });
        return run;
    }

    /// <summary>
    /// Waits until the router group has settled: rounds of one marker event per partition until
    /// two rounds in a row arrive quickly, i.e. every partition is owned and none is being
    /// handed over. The embedded broker answers no group-description request, so the group is
    /// judged by what it delivers. The markers are then forgotten by the sink.
    /// </summary>
    private async Task SettleAsync(
        string bootstrapServers, string topic, int partitions, DeliverySink sink, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(
            new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 0 }).Build();
        var clock = Stopwatch.StartNew();
        var quickRounds = 0;
        while (quickRounds < QuickRoundsNeeded && clock.Elapsed < context.Plan.FirstDeliveryTimeout * 2)
        {
            var round = Stopwatch.StartNew();
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var ids = new List<string>(partitions);
            for (var partition = 0; partition < partitions; partition++)
            {
                var id = StripeEvents.NewEventId();
                ids.Add(id);
                producer.Produce(new TopicPartition(topic, partition), EventPreloader.Event(id, created));
            }

            producer.Flush(cancellationToken);
            while (!ids.All(sink.Counts.ContainsKey) && round.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20, cancellationToken);
            }

            quickRounds = ids.All(sink.Counts.ContainsKey) && round.Elapsed < QuickRound ? quickRounds + 1 : 0;
        }

        sink.Reset();
    }

    private async Task WaitForDeliveriesAsync(
        DeliverySink sink, int expected, List<ChildService> services, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var plan = context.Plan;
        while (sink.Distinct < expected)
        {
            var exited = services.FirstOrDefault(s => s.HasExited);
            if (exited is not null)
            {
                throw new ScenarioFailedException($"{exited.Name} exited: {exited.OutputTail()}");
            }

            if (sink.Distinct == 0 && started.Elapsed > plan.FirstDeliveryTimeout)
            {
                throw new ScenarioFailedException(
                    $"nothing was delivered in {plan.FirstDeliveryTimeout.TotalSeconds:0} s "
                    + $"({services[0].Name} output: {services[0].OutputTail()})");
            }

            if (started.Elapsed > plan.FirstDeliveryTimeout + plan.DrainTimeout)
            {
                throw new ScenarioFailedException(
                    $"only {sink.Distinct} of {expected} events were delivered in {started.Elapsed.TotalSeconds:0} s");
            }

            await Task.Delay(100, cancellationToken);
        }

        await Task.Delay(DuplicateGrace, cancellationToken);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
