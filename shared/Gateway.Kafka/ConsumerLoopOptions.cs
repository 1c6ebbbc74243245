namespace Gateway.Kafka;

/// <summary>How a <see cref="ConsumerLoop"/> subscribes and how much work it runs at once.</summary>
public sealed class ConsumerLoopOptions
{
    /// <summary>The consumer group id; required.</summary>
    public string GroupId { get; set; } = "";

    /// <summary>Topics and regular expressions (starting with <c>^</c>) to subscribe to; never null.</summary>
    public IList<string> Topics { get; init; } = [];

    /// <summary>
    /// How many records of one partition are handled at once; default 32. Records with the same
    /// key never overlap.
    /// </summary>
    public int MaxInFlightPerPartition { get; set; } = 32;

    /// <summary>How many records of one partition are held before the partition is paused; default 1000.</summary>
    public int MaxBufferedPerPartition { get; set; } = 1000;

    /// <summary>How long revocation and shutdown wait for records in flight; default 20 seconds.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest pause between two attempts of a handler that threw; default 30 seconds.</summary>
    public TimeSpan MaxHandlerBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
