using Gateway.Testing;

namespace Gateway.Shared.Tests;

public sealed class RedisTests
{
    [Fact]
    public async Task SetAndGet_RealServer_RoundTripsTheValue()
    {
        var db = TestRedis.Shared.Multiplexer.GetDatabase();
        var key = TestRedis.UniquePrefix("roundtrip") + "value";

        var claimed = await db.StringSetAsync(
            key,
            "payload",
            TimeSpan.FromMinutes(1),
            StackExchange.Redis.When.NotExists);
        var again = await db.StringSetAsync(key, "other", TimeSpan.FromMinutes(1), StackExchange.Redis.When.NotExists);
        var value = await db.StringGetAsync(key);

        Assert.True(claimed);
        Assert.False(again);
        Assert.Equal("payload", value.ToString());
    }
}
