namespace Gateway.Benchmarks;

/// <summary>How long and how hard each scenario runs; the short plan only proves the harness works.</summary>
internal sealed record RunPlan
{
    public required string Mode { get; init; }
    public required bool IsShort { get; init; }
    public required TimeSpan Warmup { get; init; }
    public required TimeSpan ClosedLoopDuration { get; init; }
    public required int[] Concurrencies { get; init; }

    /// <summary>How many times the ingress contenders take turns; each keeps its best.</summary>
    public required int IngressRounds { get; init; }
    public required TimeSpan OpenLoopDuration { get; init; }

    /// <summary>The open-loop rate as a share of baseline (b)'s best closed-loop throughput.</summary>
    public double OpenLoopShareOfProduce { get; init; } = 0.5;

    public required int RouterEvents { get; init; }
    public required int RouterPartitions { get; init; }

    /// <summary>Events for the one-in-flight run, which is 20 ms per event per partition.</summary>
    public required int RouterSerialEvents { get; init; }

    public required TimeSpan FirstDeliveryTimeout { get; init; }
    public required TimeSpan DrainTimeout { get; init; }
    public required TimeSpan EndToEndDuration { get; init; }
    public required int ScaleOutEvents { get; init; }
    public required int ScaleOutPartitions { get; init; }
    public required int[] ScaleOutRouters { get; init; }

    /// <summary>
    /// The share of a drain's events that warms the process (JIT, connection pools) before the
    /// rate is measured; every router run and the baselines skip the same share.
    /// </summary>
    public double WarmupShare { get; init; } = 0.25;

    /// <summary>The delay of the slow sink, as the issue sets it.</summary>
    public TimeSpan SlowSinkDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    public required string OutputFolder { get; init; }

    /// <summary>How many of <paramref name="events"/> are warm-up, not measured.</summary>
    public int WarmupEvents(int events) => (int)(events * WarmupShare);

    public static RunPlan Full(string outputFolder) => new()
    {
        Mode = "full",
        IsShort = false,
        Warmup = TimeSpan.FromSeconds(3),
        ClosedLoopDuration = TimeSpan.FromSeconds(8),
        Concurrencies = [4, 32, 128],
        IngressRounds = 2,
        OpenLoopDuration = TimeSpan.FromSeconds(12),
        RouterEvents = 40_000,
        RouterPartitions = 6,
        RouterSerialEvents = 1_500,
        FirstDeliveryTimeout = TimeSpan.FromSeconds(30),
        DrainTimeout = TimeSpan.FromSeconds(90),
        EndToEndDuration = TimeSpan.FromSeconds(20),
        ScaleOutEvents = 12_000,
        ScaleOutPartitions = 12,
        ScaleOutRouters = [1, 2, 3],
        OutputFolder = outputFolder,
    };

    public static RunPlan Short(string outputFolder) => new()
    {
        Mode = "short",
        IsShort = true,
        Warmup = TimeSpan.FromSeconds(1),
        ClosedLoopDuration = TimeSpan.FromSeconds(2),
        Concurrencies = [16],
        IngressRounds = 1,
        OpenLoopDuration = TimeSpan.FromSeconds(2),
        RouterEvents = 1_000,
        RouterPartitions = 3,
        RouterSerialEvents = 150,
        FirstDeliveryTimeout = TimeSpan.FromSeconds(12),
        DrainTimeout = TimeSpan.FromSeconds(20),
        EndToEndDuration = TimeSpan.FromSeconds(3),
        ScaleOutEvents = 600,
        ScaleOutPartitions = 6,
        ScaleOutRouters = [1, 3],
        OutputFolder = outputFolder,
    };
}
