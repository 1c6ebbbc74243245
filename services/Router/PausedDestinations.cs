using Gateway.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Router;

/// <summary>
/// Which destinations are paused, for every router instance: a Redis set is the truth, each
/// instance reads it again every refresh interval and answers from its last reading.
/// </summary>
internal sealed partial class PausedDestinations(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> redisOptions,
    IOptions<RouterOptions> routerOptions,
    ILogger<PausedDestinations> logger) : BackgroundService
{
    private readonly RedisKey _key = redisOptions.Value.KeyPrefix + "router:paused";
    private volatile HashSet<string> _paused = new(StringComparer.Ordinal);

    public bool IsPaused(string destination) => _paused.Contains(destination);

    public IReadOnlySet<string> Snapshot => _paused;

    /// <summary>Pauses or resumes a destination for all instances; this one sees it at once.</summary>
    public async Task SetAsync(string destination, bool paused)
    {
        var db = redis.GetDatabase();
        _ = paused
            ? await db.SetAddAsync(_key, destination)
            : await db.SetRemoveAsync(_key, destination);
        LogPauseChanged(destination, paused);
        await RefreshAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = routerOptions.Value.Admin.RefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Keep the last reading; the next refresh tries again.
                LogRefreshFailed(ex);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RefreshAsync()
    {
        var members = await redis.GetDatabase().SetMembersAsync(_key);
        _paused = new HashSet<string>(members.Select(m => m.ToString()), StringComparer.Ordinal);
    }

    [LoggerMessage(EventId = 4302, EventName = "DestinationPauseChanged", Level = LogLevel.Information,
        Message = "Destination {Destination} paused: {Paused} (for every router instance)")]
    private partial void LogPauseChanged(string destination, bool paused);

    [LoggerMessage(EventId = 4301, EventName = "PauseRefreshFailed", Level = LogLevel.Warning,
        Message = "Reading the paused destinations from Redis failed; keeping the last reading")]
    private partial void LogRefreshFailed(Exception exception);
}
