using Gateway.Redis;
using Gateway.Testing;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests;

public sealed class DedupStoreTests
{
    private static DedupStore Store() => new(
        TestRedis.Shared.Multiplexer,
        Options.Create(new RedisOptions { KeyPrefix = TestRedis.UniquePrefix("dedup") }),
        Options.Create(new RouterOptions()));

    [Fact]
    public async Task ClaimAsync_SameHolderAgain_RenewsInsteadOfRefusing()
    {
        var store = Store();

        var first = await store.ClaimAsync("crm", "evt_1", "holder-a");
        var again = await store.ClaimAsync("crm", "evt_1", "holder-a");
        var other = await store.ClaimAsync("crm", "evt_1", "holder-b");

        Assert.Equal(ClaimState.Claimed, first.State);
        Assert.Equal(ClaimState.Claimed, again.State);
        Assert.Equal(ClaimState.HeldElsewhere, other.State);
    }

    [Fact]
    public async Task ClaimAsync_AfterMarkDone_IsDoneForEveryHolder()
    {
        var store = Store();
        await store.ClaimAsync("crm", "evt_2", "holder-a");

        await store.MarkDoneAsync("crm", "evt_2");

        Assert.Equal(ClaimState.Done, (await store.ClaimAsync("crm", "evt_2", "holder-a")).State);
        Assert.Equal(ClaimState.Done, (await store.ClaimAsync("crm", "evt_2", "holder-b")).State);
        Assert.Equal(ClaimState.Claimed, (await store.ClaimAsync("erp", "evt_2", "holder-b")).State);
    }

    [Fact]
    public async Task ReleaseAsync_ByTheHolder_LetsAnotherHolderClaim()
    {
        var store = Store();
        await store.ClaimAsync("crm", "evt_3", "holder-a");

        await store.ReleaseAsync("crm", "evt_3", "holder-b");
        var stillHeld = await store.ClaimAsync("crm", "evt_3", "holder-b");
        await store.ReleaseAsync("crm", "evt_3", "holder-a");
        var taken = await store.ClaimAsync("crm", "evt_3", "holder-b");

        Assert.Equal(ClaimState.HeldElsewhere, stillHeld.State);
        Assert.Equal(ClaimState.Claimed, taken.State);
    }
}
