using Confluent.Kafka;
using Gateway.Router;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Router.Tests;

public sealed class CircuitBreakerTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void TryEnter_ThresholdTransientFailures_RefusesUntilOpenDurationPasses()
    {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(
            new BreakerOptions { FailureThreshold = 3, OpenDuration = TimeSpan.FromSeconds(30) },
            clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(breaker.TryEnter());
            breaker.Record(DeliveryResult.Transient);
        }

        Assert.False(breaker.TryEnter());
        clock.Now += TimeSpan.FromSeconds(31);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
        breaker.Record(DeliveryResult.Delivered);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void TryEnter_ProbeFailsAgain_StaysOpen()
    {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(
            new BreakerOptions { FailureThreshold = 1, OpenDuration = TimeSpan.FromSeconds(10) },
            clock);
        breaker.Record(DeliveryResult.Transient);
        clock.Now += TimeSpan.FromSeconds(11);

        Assert.True(breaker.TryEnter());
        breaker.Record(DeliveryResult.Transient);

        Assert.False(breaker.TryEnter());
        Assert.True(breaker.IsOpen);
    }

    [Fact]
    public void Abandon_ProbeWithoutOutcome_LetsTheNextProbeThrough()
    {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(
            new BreakerOptions { FailureThreshold = 1, OpenDuration = TimeSpan.FromSeconds(10) },
            clock);
        breaker.Record(DeliveryResult.Transient);
        clock.Now += TimeSpan.FromSeconds(11);
        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
        Assert.False(breaker.TryEnter(out _));

        breaker.Abandon(probe: false);
        Assert.False(breaker.TryEnter(out _));
        breaker.Abandon(probe);

        Assert.True(breaker.TryEnter(out var next));
        Assert.True(next);
        Assert.True(breaker.IsOpen);
    }

    [Fact]
    public async Task HandleAsync_ProbeCancelledWaitingForSlot_NextEventIsDelivered()
    {
        var scenario = new RouterScenario("probe");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:MaxInFlight"] = "1";
        settings["Router:Breaker:FailureThreshold"] = "1";
        settings["Router:Breaker:OpenDuration"] = "00:00:00.200";
        RouterScenario.Route(settings, "all", "crm");

        // Built, not started: the test hands records to the handler itself.
        await using var app = RouterApp.Build([.. settings.Select(s => $"--{s.Key}={s.Value}")]);
        var handler = app.Services.GetRequiredService<RouterHandler>();
        var slot = app.Services.GetRequiredService<DestinationCatalog>().Find("crm")!;
        slot.Breaker.Record(DeliveryResult.Transient);
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await slot.InFlight.WaitAsync();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => handler.HandleAsync(Record(scenario, "evt_probe"), cancel.Token));
        }

        slot.InFlight.Release();
        await handler.HandleAsync(Record(scenario, "evt_next"), CancellationToken.None);

        Assert.Equal(["evt_next"], crm.Accepted.Select(r => r.EventId));
        Assert.False(slot.Breaker.IsOpen);
    }

    [Fact]
    public void TryEnter_PermanentFailuresOrThresholdZero_NeverOpens()
    {
        var clock = new ManualClock();
        var permanent = new CircuitBreaker(new BreakerOptions { FailureThreshold = 2 }, clock);
        var off = new CircuitBreaker(new BreakerOptions { FailureThreshold = 0 }, clock);

        for (var i = 0; i < 5; i++)
        {
            permanent.Record(DeliveryResult.Permanent);
            off.Record(DeliveryResult.Transient);
        }

        Assert.True(permanent.TryEnter());
        Assert.True(off.TryEnter());
    }

    private static ConsumeResult<byte[]?, byte[]?> Record(RouterScenario scenario, string id) => new()
    {
        Topic = scenario.SourceTopic,
        Partition = new Partition(0),
        Offset = new Offset(0),
        Message = RouterScenario.Event(id),
    };
}
