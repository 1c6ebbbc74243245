using System.Collections.Concurrent;
using Gateway.Benchmarks;

namespace Gateway.Benchmarks.Tests;

public sealed class LoadGeneratorTests
{
    private static readonly StripeEvents Events = new("whsec_test");

    [Fact]
    public async Task ClosedLoopAsync_ServerAccepts_CountsAcceptedRequestsWithLatencies()
    {
        await using var server = await TestServer.StartAsync(202);
        using var load = new LoadGenerator(server.BaseAddress, "/webhooks/bench", Events, 8);

        await load.ClosedLoopAsync(8, TimeSpan.Zero, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        var result = await load.ClosedLoopAsync(
            8, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(result.Accepted > 0);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Accepted <= server.Requests);
        Assert.True(result.P50Ms > 0);
        Assert.True(result.P50Ms <= result.P99Ms && result.P99Ms <= result.P999Ms && result.P999Ms <= result.MaxMs);
        Assert.Equal(result.Accepted / 1.0, result.Throughput, 1);
    }

    [Fact]
    public async Task ClosedLoopAsync_ServerRejects_ReportsErrorsWithTheirLatencies()
    {
        await using var server = await TestServer.StartAsync(404);
        using var load = new LoadGenerator(server.BaseAddress, "/webhooks/bench", Events, 4);

        // A first round opens the connections and compiles the path, which on a loaded machine can
        // take longer than a whole short measurement window.
        await load.ClosedLoopAsync(4, TimeSpan.Zero, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        var result = await load.ClosedLoopAsync(
            4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(0, result.Accepted);
        Assert.True(result.Errors > 0);
        Assert.Equal("answered 404", result.ErrorSample);

        // Failed requests count in the latencies, so a contender cannot hide its slow failures.
        Assert.True(result.P50Ms > 0);
        Assert.True(result.P50Ms <= result.P99Ms && result.P99Ms <= result.MaxMs);
    }

    [Fact]
    public async Task OpenLoopAsync_FixedRate_SendsRateTimesDurationWithUniqueIds()
    {
        await using var server = await TestServer.StartAsync(202);
        using var load = new LoadGenerator(server.BaseAddress, "/webhooks/bench", Events, 16);
        var accepted = new ConcurrentDictionary<string, long>();

        var result = await load.OpenLoopAsync(
            100, TimeSpan.FromSeconds(1), (id, intended) => accepted[id] = intended, CancellationToken.None);

        Assert.Equal(100, result.Accepted + result.Errors);
        Assert.Equal(result.Accepted, accepted.Count);
        Assert.Equal(100, server.Requests);
        Assert.Equal(100, accepted.Values.Distinct().Count());
    }
}
