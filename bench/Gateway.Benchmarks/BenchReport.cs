using System.Text.Json.Serialization;

namespace Gateway.Benchmarks;

// The JSON shape of a run. Field names are public (tools outside the repository compare runs by
// them): add fields freely, rename or remove none without raising SchemaVersion.

/// <summary>One benchmark run: every figure is a ratio of two contenders measured in this run.</summary>
internal sealed class BenchReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Mode { get; init; }

    /// <summary>The build configuration of the benchmark and the services; only Release numbers count.</summary>
    public string Configuration { get; init; } = Repository.Configuration;

    /// <summary>True when stand-ins replaced the services: the run checked the harness, not the gateway.</summary>
    public bool StandIns { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public required MachineReport Machine { get; init; }
    public IngressReport Ingress { get; } = new();
    public RouterReport Router { get; } = new();
    public EndToEndReport E2e { get; } = new();
    public ScaleOutReport Scaleout { get; } = new();

    /// <summary>Peak working set (VmHWM, MiB) of each process, by contender name.</summary>
    public SortedDictionary<string, double?> MemoryPeakMib { get; } = new(StringComparer.Ordinal);
}

internal sealed record MachineReport(int Cores, string Os, string Runtime, string? Cpu);

/// <summary>A scenario's outcome: <c>ok</c>, or <c>failed</c> with a reason and null figures.</summary>
internal abstract class ScenarioReport
{
    public string Status { get; set; } = "not_run";
    public string? Reason { get; set; }

    public void Fail(string reason)
    {
        Status = "failed";
        Reason = Reason is null ? reason : Reason + "; " + reason;
    }
}

internal sealed class IngressReport : ScenarioReport
{
    /// <summary>Best ingress throughput ÷ best baseline (b) throughput, closed loop.</summary>
    public double? ThroughputRatioVsProduce { get; set; }

    /// <summary>Ingress p99 ÷ baseline (b) p99, open loop at the same fixed rate.</summary>
    public double? P99RatioVsProduce { get; set; }

    /// <summary>Best ingress throughput ÷ best baseline (a) throughput, closed loop.</summary>
    public double? ThroughputRatioVsKestrel { get; set; }

    public double? OpenLoopRate { get; set; }
    public int BodyBytes { get; set; } = StripeEvents.BodySize;
    public SortedDictionary<string, ContenderReport> Contenders { get; } = new(StringComparer.Ordinal);
}

internal sealed class ContenderReport : ScenarioReport
{
    public double? BestThroughput { get; set; }
    public List<LoadPoint> ClosedLoop { get; } = [];
    public LoadPoint? OpenLoop { get; set; }
}

/// <summary>One load level: a concurrency (closed loop) or a rate (open loop).</summary>
internal sealed record LoadPoint(
    string Kind,
    double Level,
    double Seconds,
    long Accepted,
    long Errors,
    double Throughput,
    double? P50Ms,
    double? P99Ms,
    double? P999Ms,
    double? MaxMs,
    string? ErrorSample)
{
    public static LoadPoint From(LoadResult result) => new(
        result.Kind,
        result.Level,
        result.Seconds,
        result.Accepted,
        result.Errors,
        result.Throughput,
        Finite(result.P50Ms),
        Finite(result.P99Ms),
        Finite(result.P999Ms),
        Finite(result.MaxMs),
        result.ErrorSample);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

internal sealed class RouterReport : ScenarioReport
{
    /// <summary>Router events/s to the instant sink ÷ the consume-and-claim baseline's events/s.</summary>
    public double? ThroughputRatioVsConsume { get; set; }

    /// <summary>
    /// Router events/s to the instant sink ÷ a loop that consumes, claims, posts to the same sink
    /// and marks done: the router's own overhead over the least an HTTP delivery costs.
    /// </summary>
    public double? ThroughputRatioVsConsumePost { get; set; }

    /// <summary>Router events/s to the 20 ms sink ÷ the same with one event in flight per partition.</summary>
    public double? ConcurrencySpeedupSlowSink { get; set; }

    /// <summary>The serial rate the slow sink allows in theory: partitions × 1000 / delay in ms.</summary>
    public double? SerialRateTheoretical { get; set; }

    public int Events { get; set; }
    public int Partitions { get; set; }
    public int InFlightPerPartition { get; set; }

    /// <summary>The sink destination's per-process limit (<c>MaxInFlight</c>) in this scenario.</summary>
    public int InFlightPerRouter { get; set; }
    public SortedDictionary<string, RateRun> Runs { get; } = new(StringComparer.Ordinal);
}

/// <summary>A drain of pre-loaded events: how fast, and whether every one arrived once.</summary>
internal sealed class RateRun : ScenarioReport
{
    public double? EventsPerSecond { get; set; }
    public long? Delivered { get; set; }
    public long? Duplicated { get; set; }
}

internal sealed class EndToEndReport : ScenarioReport
{
    public double? Rate { get; set; }
    public long? Sent { get; set; }
    public long? Accepted { get; set; }
    public long? Delivered { get; set; }

    /// <summary>Accepted events never delivered within the drain time.</summary>
    public long? Lost { get; set; }

    /// <summary>Deliveries beyond the first of an event, plus deliveries of events never accepted.</summary>
    public long? Duplicated { get; set; }

    public double? P50Ms { get; set; }
    public double? P99Ms { get; set; }
    public double? P999Ms { get; set; }
}

internal sealed class ScaleOutReport : ScenarioReport
{
    /// <summary>Events/s of three routers ÷ events/s of one, against the 20 ms sink.</summary>
    [JsonPropertyName("throughput_ratio_3_vs_1")]
    public double? ThroughputRatio3Vs1 { get; set; }

    public int Partitions { get; set; }
    public int InFlightPerPartition { get; set; }

    /// <summary>Each router's limit on deliveries at once to the sink (<c>MaxInFlight</c>).</summary>
    public int InFlightPerRouter { get; set; }
    public SortedDictionary<string, RateRun> Routers { get; } = new(StringComparer.Ordinal);
}
