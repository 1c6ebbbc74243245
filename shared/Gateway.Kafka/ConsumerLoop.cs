using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Gateway.Kafka;

/// <summary>
/// Consumes a set of topics in a consumer group and hands every record to an
/// <see cref="IRecordHandler"/>, several at once per partition; stores an offset only up to the
/// lowest record that is not finished, so a crash or a rebalance never skips a record.
/// </summary>
public sealed partial class ConsumerLoop : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(1);

    private readonly ConsumerLoopOptions _options;
    private readonly IRecordHandler _handler;
    private readonly ILogger _logger;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Dictionary<TopicPartition, PartitionLane> _lanes = [];
    private readonly Dictionary<TopicPartition, Offset> _stored = [];

    // Records of each partition that are waiting to be handled again after a failure.
    private readonly ConcurrentDictionary<TopicPartition, int> _failing = new();
    private volatile bool _fatal;

    /// <summary>Creates the consumer; nothing is consumed until <see cref="RunAsync"/>.</summary>
    public ConsumerLoop(
        KafkaClientConfigs configs,
        ConsumerLoopOptions options,
        IRecordHandler handler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(options);

        _options = options;
        _handler = handler;
        _logger = logger;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(configs.Consumer(options.GroupId))
            .SetLogHandler((_, message) => KafkaLog.Write(logger, message))
            .SetErrorHandler((_, error) => OnError(error))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions, commit: true))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions, commit: false))
            .Build();
    }

    /// <summary>The partitions this member owns now; a snapshot, never null.</summary>
    public IReadOnlyList<TopicPartition> Assignment
    {
        get
        {
            lock (_lanes)
            {
                return [.. _lanes.Keys];
            }
        }
    }

    /// <summary>Records received and not finished, over all partitions.</summary>
    public int Buffered
    {
        get
        {
            lock (_lanes)
            {
                return _lanes.Values.Sum(l => l.Buffered);
            }
        }
    }

    /// <summary>
    /// How many records of each partition this member owns are not finished: from the lowest
    /// unfinished (or the next to fetch) to the end of the partition. The end is the one the last
    /// fetch reported, or, for a partition that is not fetching (paused), asked of its leader.
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, long> Lag()
    {
        PartitionLane[] lanes;
        lock (_lanes)
        {
            lanes = [.. _lanes.Values];
        }

        var lag = new Dictionary<TopicPartition, long>();
        foreach (var lane in lanes)
        {
            var high = _consumer.GetWatermarkOffsets(lane.Partition).High;
            if (lane.Paused || high == Offset.Unset)
            {
                // A paused partition fetches nothing, so the cached end would stop growing
                // exactly while records pile up behind it.
                high = QueryHighWatermark(lane.Partition) ?? high;
            }

            var from = lane.StorableOffset;
            if (from == Offset.Unset)
            {
                from = _consumer.Position(lane.Partition);
            }

            if (high != Offset.Unset && from != Offset.Unset)
            {
                lag[lane.Partition] = Math.Max(0, high.Value - from.Value);
            }
        }

        return lag;
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then drains, commits and leaves
    /// the group.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(
            () => Run(stoppingToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <inheritdoc />
    public void Dispose() => _consumer.Dispose();

    private void Run(CancellationToken stoppingToken)
    {
        _consumer.Subscribe(_options.Topics);
        LogStarted(_options.GroupId, _options.Topics);
        try
        {
            while (!stoppingToken.IsCancellationRequested && !_fatal)
            {
                ConsumeResult<byte[]?, byte[]?>? result = null;
                try
                {
                    result = _consumer.Consume(PollTimeout);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    // Non-fatal, e.g. a subscribed pattern matches no topic yet: the client goes on.
                    LogClientError(ex.Error.Code, ex.Error.Reason);
                }

                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    Dispatch(result);
                }

                StoreOffsets();
                ApplyBackpressure();
            }
        }
        finally
        {
            Shutdown();
        }

        if (_fatal)
        {
            throw new KafkaException(ErrorCode.Local_Fatal);
        }
    }

    private Offset? QueryHighWatermark(TopicPartition partition)
    {
        try
        {
            return _consumer.QueryWatermarkOffsets(partition, WatermarkTimeout).High;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> result)
    {
        PartitionLane? lane;
        lock (_lanes)
        {
            _lanes.TryGetValue(result.TopicPartition, out lane);
        }

        lane?.Add(result);
    }

    private async Task RunHandlerAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken abandon)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        var failing = false;
        try
        {
            while (true)
            {
                try
                {
                    await _handler.HandleAsync(record, abandon);
                    return;
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    // The record is not finished: keep it, try again later, never skip it.
                    LogHandlerFailed(ex, record.Topic, record.Partition.Value, record.Offset.Value, backoff);
                }

                if (!failing)
                {
                    // While a record of the partition keeps failing (a dependency is down), the
                    // partition is paused: nothing more is fetched until the record goes through.
                    failing = true;
                    _failing.AddOrUpdate(record.TopicPartition, 1, static (_, count) => count + 1);
                }

                await Task.Delay(backoff, abandon);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxHandlerBackoff.Ticks));
            }
        }
        finally
        {
            if (failing)
            {
                _failing.AddOrUpdate(record.TopicPartition, 0, static (_, count) => count - 1);
            }
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        lock (_lanes)
        {
            foreach (var partition in partitions)
            {
                _lanes[partition] = new PartitionLane(partition, _options.MaxInFlightPerPartition, RunHandlerAsync);
            }
        }

        LogAssigned(partitions.Count, partitions);
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions, bool commit)
    {
        var lanes = new List<PartitionLane>();
        lock (_lanes)
        {
            foreach (var partition in partitions)
            {
                if (_lanes.Remove(partition.TopicPartition, out var lane))
                {
                    lanes.Add(lane);
                }
            }
        }

        var drained = Drain(lanes);
        var offsets = new List<TopicPartitionOffset>();
        foreach (var lane in lanes)
        {
            var offset = lane.StorableOffset;
            if (commit && offset != Offset.Unset)
            {
                offsets.Add(new TopicPartitionOffset(lane.Partition, offset));
            }

            _stored.Remove(lane.Partition);
        }

        if (offsets.Count > 0)
        {
            CommitSafely(offsets);
        }

        LogRevoked(partitions.Count, commit, drained);
    }

    private bool Drain(IReadOnlyList<PartitionLane> lanes)
    {
        var deadline = DateTime.UtcNow + _options.DrainTimeout;
        var all = true;
        foreach (var lane in lanes)
        {
            var left = deadline - DateTime.UtcNow;
            all &= lane.Close(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        return all;
    }

    private void StoreOffsets()
    {
        PartitionLane[] lanes;
        lock (_lanes)
        {
            lanes = [.. _lanes.Values];
        }

        foreach (var lane in lanes)
        {
            var offset = lane.StorableOffset;
            if (offset == Offset.Unset || (_stored.TryGetValue(lane.Partition, out var last) && last == offset))
            {
                continue;
            }

            try
            {
                _consumer.StoreOffset(new TopicPartitionOffset(lane.Partition, offset));
                _stored[lane.Partition] = offset;
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // The partition is being revoked; its offsets are committed by the revoke handler.
            }
        }
    }

    private void ApplyBackpressure()
    {
        PartitionLane[] lanes;
        lock (_lanes)
        {
            lanes = [.. _lanes.Values];
        }

        foreach (var lane in lanes)
        {
            var buffered = lane.Buffered;
            var failing = _failing.TryGetValue(lane.Partition, out var count) && count > 0;
            if ((failing || buffered >= _options.MaxBufferedPerPartition) && !lane.Paused)
            {
                _consumer.Pause([lane.Partition]);
                lane.Paused = true;
                if (failing)
                {
                    LogPartitionHeld(lane.Partition.Topic, lane.Partition.Partition.Value);
                }
            }
            else if (!failing
                && buffered <= _options.MaxBufferedPerPartition / 2
                && lane.Paused)
            {
                _consumer.Resume([lane.Partition]);
                lane.Paused = false;
            }
        }
    }

    private void Shutdown()
    {
        PartitionLane[] lanes;
        lock (_lanes)
        {
            lanes = [.. _lanes.Values];
        }

        var drained = Drain(lanes);
        var offsets = lanes
            .Select(l => new TopicPartitionOffset(l.Partition, l.StorableOffset))
            .Where(o => o.Offset != Offset.Unset)
            .ToList();
        if (offsets.Count > 0 && !_fatal)
        {
            CommitSafely(offsets);
        }

        lock (_lanes)
        {
            // Close() revokes the assignment once more; there is nothing left to drain or commit.
            _lanes.Clear();
        }

        try
        {
            // Close commits nothing more (offsets above) and leaves the group at once, so the
            // partitions move to another member without waiting for the session timeout.
            _consumer.Close();
        }
        catch (KafkaException ex)
        {
            LogCloseFailed(ex);
        }

        LogStopped(_options.GroupId, drained);
    }

    private void CommitSafely(List<TopicPartitionOffset> offsets)
    {
        try
        {
            _consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // Nothing is lost: an uncommitted record is consumed again and dedup absorbs it.
            LogCommitFailed(ex, ex.Error.Code);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _fatal = true;
            LogFatal(error.Code, error.Reason);
        }
        else
        {
            LogClientError(error.Code, error.Reason);
        }
    }

    [LoggerMessage(EventId = 1201, EventName = "ConsumerStarted", Level = LogLevel.Information,
        Message = "Consumer group {GroupId} subscribed to {Topics}")]
    private partial void LogStarted(string groupId, IList<string> topics);

    [LoggerMessage(EventId = 1202, EventName = "PartitionsAssigned", Level = LogLevel.Information,
        Message = "Assigned {Count} partitions: {Partitions}")]
    private partial void LogAssigned(int count, List<TopicPartition> partitions);

    [LoggerMessage(EventId = 1203, EventName = "PartitionsRevoked", Level = LogLevel.Information,
        Message = "Revoked {Count} partitions (committed: {Committed}, drained in time: {Drained})")]
    private partial void LogRevoked(int count, bool committed, bool drained);

    [LoggerMessage(EventId = 1204, EventName = "HandlerFailed", Level = LogLevel.Warning,
        Message = "Handling {Topic} [{Partition}] @{Offset} failed; trying again in {Backoff}")]
    private partial void LogHandlerFailed(
        Exception exception, string topic, int partition, long offset, TimeSpan backoff);

    [LoggerMessage(EventId = 1205, EventName = "CommitFailed", Level = LogLevel.Warning,
        Message = "Committing offsets failed with {Code}; the records will be consumed again")]
    private partial void LogCommitFailed(Exception exception, ErrorCode code);

    [LoggerMessage(EventId = 1206, EventName = "ConsumerFatal", Level = LogLevel.Error,
        Message = "Fatal consumer error {Code}: {Reason}")]
    private partial void LogFatal(ErrorCode code, string reason);

    [LoggerMessage(EventId = 1207, EventName = "ConsumerError", Level = LogLevel.Warning,
        Message = "Consumer error {Code}: {Reason}")]
    private partial void LogClientError(ErrorCode code, string reason);

    [LoggerMessage(EventId = 1208, EventName = "ConsumerStopped", Level = LogLevel.Information,
        Message = "Consumer group {GroupId} left (drained in time: {Drained})")]
    private partial void LogStopped(string groupId, bool drained);

    [LoggerMessage(EventId = 1210, EventName = "PartitionHeld", Level = LogLevel.Warning,
        Message = "Paused {Topic} [{Partition}] while its records fail; fetching resumes once they go through")]
    private partial void LogPartitionHeld(string topic, int partition);

    [LoggerMessage(EventId = 1209, EventName = "ConsumerCloseFailed", Level = LogLevel.Warning,
        Message = "Closing the consumer failed")]
    private partial void LogCloseFailed(Exception exception);
}
