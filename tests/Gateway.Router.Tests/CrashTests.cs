using Gateway.Testing;

namespace Gateway.Router.Tests;

public sealed class CrashTests
{
    [Fact]
    public async Task Process_KilledMidStream_SecondRouterLosesNothingAndDuplicatesNothing()
    {
        const int Count = 300;
        var scenario = new RouterScenario("crash");
        await scenario.CreateTopicsAsync(sourcePartitions: 3);
        await using var crm = await Downstream.StartAsync();
        crm.Delay = TimeSpan.FromMilliseconds(30);
        var environment = ProcessEnvironment(scenario, crm.Url("/contacts"));

        using var first = RouterScenario.StartRouterProcess(environment, out var firstPort);
        await RouterScenario.WaitUntilProcessAssignedAsync(firstPort, first);
        Load(scenario, Count);

        await Eventually.TrueAsync(() => crm.Accepted.Count >= Count / 5, TimeSpan.FromSeconds(90), "deliveries flow");

        // Hold what is in flight, give the router a moment to record what it has finished, then
        // kill it: the held deliveries die with it and must be made again by the next router.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        crm.Gate = gate.Task;
        await Eventually.TrueAsync(() => crm.Held > 0, TimeSpan.FromSeconds(30), "deliveries are in flight");
        await Task.Delay(TimeSpan.FromSeconds(1));
        first.Kill();
        crm.Gate = null;
        gate.SetResult();
        Assert.True(crm.Accepted.Count < Count, "the router was killed mid-stream");

        using var second = RouterScenario.StartRouterProcess(environment, out var secondPort);
        await Eventually.TrueAsync(
            () => crm.Accepted.Select(r => r.EventId).Distinct().Count() == Count,
            TimeSpan.FromSeconds(180),
            "every event reaches the downstream after the takeover");
        await Task.Delay(TimeSpan.FromSeconds(3));

        var accepted = crm.Accepted.GroupBy(r => r.EventId).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(Count, accepted.Count);
        Assert.All(accepted, pair => Assert.Equal(1, pair.Value));
        Assert.True(crm.Held > 0);
    }

    [Fact]
    public async Task Process_SecondRouterJoinsMidStream_PartitionsMoveWithoutLossOrDuplicates()
    {
        const int Count = 900;
        var scenario = new RouterScenario("rebalance");
        await scenario.CreateTopicsAsync(sourcePartitions: 6);
        await using var crm = await Downstream.StartAsync();

        // Slow enough (about 100 events/s) that the stream is still going when the second joins.
        crm.Delay = TimeSpan.FromMilliseconds(250);
        var environment = ProcessEnvironment(scenario, crm.Url("/contacts"));

        using var first = RouterScenario.StartRouterProcess(environment, out var firstPort);
        await RouterScenario.WaitUntilProcessAssignedAsync(firstPort, first);
        Load(scenario, Count);

        await Eventually.TrueAsync(() => crm.Accepted.Count >= Count / 20, TimeSpan.FromSeconds(90), "deliveries flow");

        // The group hands some partitions over while their deliveries are in flight: the first
        // router drains and commits what it finished, the second takes over from there.
        using var second = RouterScenario.StartRouterProcess(environment, out var secondPort);
        await RouterScenario.WaitUntilProcessAssignedAsync(secondPort, second);
        Assert.True(crm.Accepted.Count < Count, "the second router joined mid-stream");
        await Eventually.TrueAsync(
            () => crm.Accepted.Select(r => r.EventId).Distinct().Count() == Count,
            TimeSpan.FromSeconds(180),
            "every event reaches the downstream across the rebalance");
        await Task.Delay(TimeSpan.FromSeconds(3));

        var accepted = crm.Accepted.GroupBy(r => r.EventId).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(Count, accepted.Count);
        Assert.All(accepted, pair => Assert.Equal(1, pair.Value));
        Assert.False(first.Process.HasExited, first.Output);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{secondPort}") };
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains(
            metrics.Split('\n'),
            l => l.StartsWith("gateway_router_deliveries_total{", StringComparison.Ordinal)
                && l.Contains("outcome=\"delivered\"", StringComparison.Ordinal));
    }

    private static void Load(RouterScenario scenario, int count)
    {
        using var producer = RouterScenario.Producer();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(scenario.SourceTopic, RouterScenario.Event($"evt_{i}", key: $"key_{i}"));
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static Dictionary<string, string> ProcessEnvironment(RouterScenario scenario, Uri url)
    {
        var environment = RouterScenario.ProcessEnvironment(scenario.Settings());
        environment["Router__Destinations__crm__Type"] = "http";
        environment["Router__Destinations__crm__Url"] = url.ToString();
        environment["Router__Destinations__crm__AllowPrivateNetworks"] = "true";
        environment["Router__Destinations__crm__Timeout"] = "00:00:03";
        environment["Router__Routes__r1__Destinations__0"] = "crm";
        environment["Router__Consumer__MaxInFlightPerPartition"] = "4";
        environment["Router__Dedup__Lease"] = "00:00:10";
        return environment;
    }
}
