
namespace Gateway.Benchmarks;

/// <summary>The benchmark driver's progress messages.</summary>
internal static partial class BenchLog
{
    [LoggerMessage(EventId = 9001, EventName = "BenchStarted", Level = LogLevel.Information,
        Message = "Benchmark started in {Mode} mode on {Cores} cores; results go to {Folder}")]
    public static partial void Started(ILogger logger, string mode, int cores, string folder);

    [LoggerMessage(EventId = 9002, EventName = "ScenarioStarted", Level = LogLevel.Information,
        Message = "Scenario {Scenario} started")]
    public static partial void ScenarioStarted(ILogger logger, string scenario);

    [LoggerMessage(EventId = 9003, EventName = "ScenarioFailed", Level = LogLevel.Warning,
        Message = "{Scenario} failed: {Reason}")]
    public static partial void ScenarioFailed(ILogger logger, string scenario, string reason);

    [LoggerMessage(EventId = 9004, EventName = "HarnessError", Level = LogLevel.Error,
        Message = "The harness itself failed in {Scenario}")]
    public static partial void HarnessError(ILogger logger, Exception exception, string scenario);

    [LoggerMessage(EventId = 9005, EventName = "LoadMeasured", Level = LogLevel.Information,
        Message = "{Contender} {Kind} loop at {Level}: {Throughput:0.0} req/s, "
            + "p50 {P50} ms, p99 {P99} ms, {Errors} errors")]
    public static partial void LoadMeasured(
        ILogger logger,
        string contender,
        string kind,
        double level,
        double throughput,
        double p50,
        double p99,
        long errors);

    [LoggerMessage(EventId = 9006, EventName = "DrainMeasured", Level = LogLevel.Information,
        Message = "{Run}: {Delivered} of {Expected} events, {Rate:0.0} events/s")]
    public static partial void DrainMeasured(ILogger logger, string run, long delivered, int expected, double rate);

    [LoggerMessage(EventId = 9007, EventName = "EventsPreloaded", Level = LogLevel.Information,
        Message = "Pre-loaded {Count} events on {Topic} ({Partitions} partitions)")]
    public static partial void EventsPreloaded(ILogger logger, int count, string topic, int partitions);

    [LoggerMessage(EventId = 9008, EventName = "ResultsWritten", Level = LogLevel.Information,
        Message = "Results written to {Path}")]
    public static partial void ResultsWritten(ILogger logger, string path);

    [LoggerMessage(EventId = 9009, EventName = "BenchFinished", Level = LogLevel.Information,
        Message = "Benchmark finished in {Seconds:0} s")]
    public static partial void Finished(ILogger logger, double seconds);

    [LoggerMessage(EventId = 9010, EventName = "ChartsWithoutText", Level = LogLevel.Warning,
        Message = "No font was found, so the charts have no text; install one, "
            + "e.g. fonts-dejavu-core (scripts/ensure-deps.sh)")]
    public static partial void ChartsWithoutText(ILogger logger);
}
