using Confluent.Kafka;

namespace Gateway.Kafka;

/// <summary>
/// The records of one assigned partition: runs up to a limit at once, never two with the same
/// key together (so one key's records finish in offset order), and knows the lowest offset
/// that is not yet finished, which is the only offset that may be stored.
/// </summary>
// CA1001: the cancellation source is cancelled when in-flight work is abandoned, and handlers
// still unwinding keep using its token afterwards; it holds no timer, so there is nothing to free.
#pragma warning disable CA1001
internal sealed class PartitionLane(
    TopicPartition partition,
    int maxInFlight,
    Func<ConsumeResult<byte[]?, byte[]?>, CancellationToken, Task> run)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ConsumeResult<byte[]?, byte[]?>> _waiting = new();
    private readonly SortedSet<long> _unfinished = [];
    private readonly HashSet<string> _busyKeys = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _abandon = new();
    private long _next = Offset.Unset.Value;
    private bool _closed;
    private bool _paused;

    public TopicPartition Partition { get; } = partition;

    /// <summary>Whether fetching is paused; set by the loop's thread, read by the metrics'.</summary>
    public bool Paused
    {
        get => Volatile.Read(ref _paused);
        set => Volatile.Write(ref _paused, value);
    }

    /// <summary>Records received and not finished, waiting or running.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _unfinished.Count;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>The offset to store: the lowest unfinished record, or one past the last received.</summary>
    public Offset StorableOffset
    {
        get
        {
            lock (_gate)
            {
                return _unfinished.Count > 0 ? new Offset(_unfinished.Min) : new Offset(_next);
            }
        }
    }

    public void Add(ConsumeResult<byte[]?, byte[]?> record)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _unfinished.Add(record.Offset.Value);
            _next = record.Offset.Value + 1;
            _waiting.AddLast(record);
            DispatchLocked();
        }
    }

    /// <summary>
    /// Stops taking work, drops records not started, and waits for the running ones up to
    /// <paramref name="timeout"/>.
    /// </summary>
    /// <returns>True when everything running finished in time; false when some were abandoned.</returns>
    public bool Close(TimeSpan timeout)
    {
        Task[] running;
        lock (_gate)
        {
            _closed = true;

            // Records not started stay unfinished, so the stored offset never passes them and
            // the partition's next owner receives them.
            _waiting.Clear();
            running = [.. _running];
        }

        // Wait for completion of any kind: a cancelled or failed handler is finished running too.
        var finished = Task.WhenAll(running)
            .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
            .Wait(timeout);
        if (!finished)
        {
            _abandon.Cancel();
        }

        return finished;
    }

    private void DispatchLocked()
    {
        var blockedKeys = new HashSet<string>(StringComparer.Ordinal);
        var node = _waiting.First;
        while (node is not null && _running.Count < maxInFlight)
        {
            var nextNode = node.Next;
            var key = KeyOf(node.Value);
            if (_busyKeys.Contains(key) || blockedKeys.Contains(key))
            {
                // An earlier record of this key is running or waiting: keep key order.
                blockedKeys.Add(key);
            }
            else
            {
                _waiting.Remove(node);
                _busyKeys.Add(key);
                Start(node.Value, key);
            }

            node = nextNode;
        }
    }

    private void Start(ConsumeResult<byte[]?, byte[]?> record, string key)
    {
        var task = Task.Run(() => run(record, _abandon.Token));
        _running.Add(task);
        _ = task.ContinueWith(
            t => Finish(record, key, t),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Finish(ConsumeResult<byte[]?, byte[]?> record, string key, Task task)
    {
        lock (_gate)
        {
            _running.Remove(task);
            _busyKeys.Remove(key);
            if (task.IsCompletedSuccessfully)
            {
                _unfinished.Remove(record.Offset.Value);
            }

            if (!_closed)
            {
                DispatchLocked();
            }
        }
    }

    private static string KeyOf(ConsumeResult<byte[]?, byte[]?> record)
    {
        var key = record.Message.Key;

        // Records without a key have no order to keep; each gets a key of its own.
        return key is null || key.Length == 0
            ? "\0" + record.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Convert.ToBase64String(key);
    }
}
#pragma warning restore CA1001
