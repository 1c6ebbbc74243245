using Gateway.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Router;

internal enum ClaimState
{
    Claimed,
    Done,
    HeldElsewhere,
}

/// <summary>The outcome of a claim; <paramref name="Token"/> identifies this claim's holder.</summary>
internal readonly record struct Claim(ClaimState State, string Token);

/// <summary>
/// One Redis key per (destination, event id): claimed with a lease before the delivery, set to
/// <c>done</c> with a long retention after it. A repeat finds <c>done</c> and is skipped; a claim
/// whose holder died expires with its lease, and the next holder delivers.
/// </summary>
internal sealed class DedupStore(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> redisOptions,
    IOptions<RouterOptions> routerOptions)
{
    private const string Done = "done";

    // Atomic so two holders can never both believe they own the key. A holder asking again with
    // its own token (its handler was retried) refreshes the lease instead of being refused.
    private const string ClaimScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        if v == 'done' then return 0 end
        if v == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return -1
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly string _prefix = redisOptions.Value.KeyPrefix + "router:dedup:";
    private readonly DedupOptions _options = routerOptions.Value.Dedup;

    /// <summary>
    /// Claims the pair for <paramref name="token"/>, the holder; the same holder asking again
    /// renews its lease. Throws a <see cref="RedisException"/> when Redis cannot answer.
    /// </summary>
    public async Task<Claim> ClaimAsync(string destination, string eventId, string token)
    {
        var key = Key(destination, eventId);
        var database = redis.GetDatabase();

        // The common case, a key nobody holds, is one plain SET NX; only a key that exists needs
        // the script to tell done, our own claim and someone else's apart atomically.
        if (await database.StringSetAsync(key, token, _options.Lease, When.NotExists))
        {
            return new Claim(ClaimState.Claimed, token);
        }

        var result = (int)await database.ScriptEvaluateAsync(
            ClaimScript,
            [key],
            [token, (long)_options.Lease.TotalMilliseconds]);
        var state = result switch
        {
            1 => ClaimState.Claimed,
            0 => ClaimState.Done,
            _ => ClaimState.HeldElsewhere,
        };
        return new Claim(state, token);
    }

    /// <summary>Marks the pair delivered for the retention period.</summary>
    public Task MarkDoneAsync(string destination, string eventId) =>
        redis.GetDatabase().StringSetAsync(Key(destination, eventId), Done, _options.Retention);

    /// <summary>Gives the claim up so a later attempt (a retry, a replay) can take it at once.</summary>
    public Task ReleaseAsync(string destination, string eventId, string token) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(destination, eventId)], [token]);

    private RedisKey Key(string destination, string eventId) => $"{_prefix}{destination}:{eventId}";
}
