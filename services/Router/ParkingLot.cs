using Gateway.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Router;

/// <summary>
/// Strict ordering across the retry lane. When an event of a strict route leaves for the retry
/// lane, its (destination, key) is parked: it and every later event of that key get a ticket
/// (1, 2, 3...) and follow it into the lane. A ticket is attempted only when it is the head;
/// finishing it (delivered, duplicate or dead-lettered) lets the next one go, and the last one
/// unparks the key. One Redis hash per parked key holds head, tail and each event's ticket, so a
/// record handled twice gets the same ticket again.
/// </summary>
internal sealed class ParkingLot(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> redisOptions,
    IOptions<RouterOptions> routerOptions)
{
    private const string JoinScript = """
        local field = 'ticket:' .. ARGV[1]
        local known = redis.call('HGET', KEYS[1], field)
        if known then return tonumber(known) end
        local tail = tonumber(redis.call('HGET', KEYS[1], 'tail') or '0')
        local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '1')
        if tail < head then
          if ARGV[2] == '0' then return 0 end
          redis.call('HSET', KEYS[1], 'head', tail + 1)
        end
        tail = tail + 1
        redis.call('HSET', KEYS[1], 'tail', tail, field, tail)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return tail
        """;

    private const string AdvanceScript = """
        redis.call('HDEL', KEYS[1], 'ticket:' .. ARGV[2])
        local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '0')
        if head ~= tonumber(ARGV[1]) then return 0 end
        head = head + 1
        local tail = tonumber(redis.call('HGET', KEYS[1], 'tail') or '0')
        if head > tail then
          redis.call('DEL', KEYS[1])
          return 1
        end
        redis.call('HSET', KEYS[1], 'head', head)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    private readonly string _prefix = redisOptions.Value.KeyPrefix + "router:park:";
    private readonly long _retentionMs = (long)routerOptions.Value.Dedup.Retention.TotalMilliseconds;

    /// <summary>
    /// The event's ticket when its key is parked (or <paramref name="start"/> parks it); 0 when the
    /// key is not parked and the event may be attempted at once.
    /// </summary>
    public async Task<long> JoinAsync(string destination, byte[] key, string eventId, bool start) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(
            JoinScript,
            [Key(destination, key)],
            [eventId, start ? "1" : "0", _retentionMs]);

    /// <summary>The ticket that may be attempted now; 0 when the key is no longer parked.</summary>
    public async Task<long> HeadAsync(string destination, byte[] key)
    {
        var head = await redis.GetDatabase().HashGetAsync(Key(destination, key), "head");
        return head.IsNull ? 0 : (long)head;
    }

    /// <summary>Finishes a ticket: the next one becomes the head, or the key is unparked.</summary>
    public Task AdvanceAsync(string destination, byte[] key, long ticket, string eventId) =>
        redis.GetDatabase().ScriptEvaluateAsync(
            AdvanceScript,
            [Key(destination, key)],
            [ticket, eventId, _retentionMs]);

    private RedisKey Key(string destination, byte[] key) =>
        $"{_prefix}{destination}:{Convert.ToBase64String(key)}";
}
