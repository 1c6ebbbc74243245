using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Benchmarks;

/// <summary>Writes a run as JSON (dated and <c>latest.json</c>) and as the summary table.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>The headline figures with their goals from the issue; lower is better only for p99.</summary>
    public static IReadOnlyList<Headline> Headlines(BenchReport report) =>
    [
        new("ingress.throughput_ratio_vs_produce", report.Ingress.ThroughputRatioVsProduce, ">= 0.85",
            v => v >= 0.85, report.Ingress),
        new("ingress.p99_ratio_vs_produce", report.Ingress.P99RatioVsProduce, "<= 1.5", v => v <= 1.5, report.Ingress),
        new("ingress.throughput_ratio_vs_kestrel", report.Ingress.ThroughputRatioVsKestrel, "(context)", null,
            report.Ingress),
        new("router.throughput_ratio_vs_consume", report.Router.ThroughputRatioVsConsume, ">= 0.5",
            v => v >= 0.5, report.Router),
        new("router.throughput_ratio_vs_consume_post", report.Router.ThroughputRatioVsConsumePost, "(context)",
            null, report.Router),
        new("router.concurrency_speedup_slow_sink", report.Router.ConcurrencySpeedupSlowSink, ">= 20",
            v => v >= 20, report.Router),
        new("e2e.lost", report.E2e.Lost, "= 0", v => v == 0, report.E2e),
        new("e2e.duplicated", report.E2e.Duplicated, "= 0", v => v == 0, report.E2e),
        new("e2e.p50_ms", report.E2e.P50Ms, "(context)", null, report.E2e),
        new("e2e.p99_ms", report.E2e.P99Ms, "(context)", null, report.E2e),
        new("scaleout.throughput_ratio_3_vs_1", report.Scaleout.ThroughputRatio3Vs1, ">= 2",
            v => v >= 2, report.Scaleout),
    ];

    public static async Task<string> WriteJsonAsync(
        BenchReport report, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var text = JsonSerializer.Serialize(report, Json) + "\n";
        var stamp = report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var dated = Path.Combine(folder, stamp + ".json");
        await File.WriteAllTextAsync(dated, text, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.json"), text, cancellationToken);
        var table = Table(report);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.md"), table, cancellationToken);
        return dated;
    }

    /// <summary>The run as Markdown tables: headline ratios with goals, then the raw figures.</summary>
    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        var machine = report.Machine;
        Line(text, $"Run {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Mode} mode, {machine.Cores} cores, "
            + $"{machine.Cpu ?? "unknown CPU"}, {machine.Os}, .NET {machine.Runtime}");
        if (report.StandIns)
        {
            Line(text, "");
            Line(text, "STAND-INS replaced the ingress and the router: "
                + "these figures check the harness, not the gateway.");
        }

        Line(text, "");
        Line(text, "| Figure | Value | Goal | Verdict |");
        Line(text, "|---|---:|---|---|");
        foreach (var headline in Headlines(report))
        {
            Line(text, $"| `{headline.Name}` | {Number(headline.Value)} | {headline.Goal} | {headline.Verdict()} |");
        }

        Line(text, "");
        Line(text, $"Ingress, 1 KB signed events (open loop at {Number(report.Ingress.OpenLoopRate)} req/s):");
        Line(text, "");
        Line(text, "| Contender | Best req/s (closed loop) | p50 ms | p99 ms | p99.9 ms | Status |");
        Line(text, "|---|---:|---:|---:|---:|---|");
        foreach (var (name, contender) in report.Ingress.Contenders)
        {
            var open = contender.OpenLoop;
            Line(text, $"| {Contender(name)} | {Number(contender.BestThroughput)} | {Number(open?.P50Ms)} | "
                + $"{Number(open?.P99Ms)} | {Number(open?.P999Ms)} | {Status(contender)} |");
        }

        Line(text, "");
        Line(text, $"Router, {report.Router.Events} pre-loaded events on {report.Router.Partitions} partitions:");
        Line(text, "");
        Line(text, "| Run | Events/s | Delivered | Duplicated | Status |");
        Line(text, "|---|---:|---:|---:|---|");
        foreach (var (name, run) in report.Router.Runs)
        {
            RateLine(text, name, run);
        }

        foreach (var (routers, run) in report.Scaleout.Routers)
        {
            RateLine(text, $"scale-out, {routers} router(s), 20 ms sink", run);
        }

        Line(text, "");
        Line(text, $"End to end at {Number(report.E2e.Rate)} req/s: p50 {Number(report.E2e.P50Ms)} ms, "
            + $"p99 {Number(report.E2e.P99Ms)} ms, accepted {Number(report.E2e.Accepted)}, "
            + $"delivered {Number(report.E2e.Delivered)}; {Status(report.E2e)}");
        Line(text, "");
        Line(text, "Peak working set (MiB): " + string.Join(", ",
            report.MemoryPeakMib.Select(pair => $"{pair.Key} {Number(pair.Value)}")));
        foreach (var (name, scenario) in new (string, ScenarioReport)[]
        {
            ("ingress", report.Ingress), ("router", report.Router), ("e2e", report.E2e), ("scaleout", report.Scaleout),
        })
        {
            if (scenario.Status != "ok")
            {
                Line(text, "");
                Line(text, $"{name}: {Status(scenario)}");
            }
        }

        return text.ToString();
    }

    private static void RateLine(StringBuilder text, string name, RateRun run) => Line(text,
        $"| {name} | {Number(run.EventsPerSecond)} | {Number(run.Delivered)} | "
        + $"{Number(run.Duplicated)} | {Status(run)} |");

    private static string Contender(string name) => name switch
    {
        IngressScenario.ProduceName => "(b) Kestrel + produce",
        IngressScenario.KestrelName => "(a) bare Kestrel",
        _ => name,
    };

    private static string Status(ScenarioReport scenario) =>
        scenario.Reason is null ? scenario.Status : $"{scenario.Status}: {Shorten(scenario.Reason)}";

    private static string Shorten(string reason) =>
        (reason.Length > 240 ? reason[..240] + "…" : reason).Replace('|', '/');

    private static string Number(double? value) =>
        value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";

    private static string Number(long? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "n/a";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');

    /// <summary>A headline figure of the JSON and the issue's goal for it.</summary>
    internal sealed record Headline(
        string Name, double? Value, string Goal, Func<double, bool>? Meets, ScenarioReport Scenario)
    {
        public string Verdict() => Value is not { } value
            ? "not measured"
            : Meets is null ? "" : Meets(value) ? "met" : "missed";
    }
}
