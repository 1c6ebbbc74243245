using Gateway.Router;

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
}
