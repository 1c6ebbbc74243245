using System.Text.Json;
using Gateway.Benchmarks;

namespace Gateway.Benchmarks.Tests;

public sealed class ReportWriterTests
{
    /// <summary>The fields the issue promises to tools outside the repository.</summary>
    public static TheoryData<string, string> HeadlineFields => new()
    {
        { "ingress", "throughput_ratio_vs_produce" },
        { "ingress", "p99_ratio_vs_produce" },
        { "ingress", "throughput_ratio_vs_kestrel" },
        { "router", "throughput_ratio_vs_consume" },
        { "router", "concurrency_speedup_slow_sink" },
        { "e2e", "lost" },
        { "e2e", "duplicated" },
        { "scaleout", "throughput_ratio_3_vs_1" },
    };

    [Theory]
    [MemberData(nameof(HeadlineFields))]
    public async Task WriteJsonAsync_NothingMeasured_WritesHeadlineFieldAsNull(string scenario, string field)
    {
        var folder = NewFolder();

        await ReportWriter.WriteJsonAsync(NewReport(), folder, CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "latest.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty(scenario).GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task WriteJsonAsync_Measured_WritesNestedNumbersAndADatedCopy()
    {
        var folder = NewFolder();
        var report = NewReport();
        report.Ingress.ThroughputRatioVsProduce = 0.9;
        report.Ingress.P99RatioVsProduce = 1.2;
        report.Ingress.ThroughputRatioVsKestrel = 0.3;
        report.Router.ThroughputRatioVsConsume = 0.6;
        report.Router.ConcurrencySpeedupSlowSink = 25;
        report.E2e.Lost = 0;
        report.E2e.Duplicated = 2;
        report.Scaleout.ThroughputRatio3Vs1 = 2.5;

        var dated = await ReportWriter.WriteJsonAsync(report, folder, CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "latest.json")));
        var root = json.RootElement;
        Assert.Equal(0.9, root.GetProperty("ingress").GetProperty("throughput_ratio_vs_produce").GetDouble());
        Assert.Equal(1.2, root.GetProperty("ingress").GetProperty("p99_ratio_vs_produce").GetDouble());
        Assert.Equal(0.3, root.GetProperty("ingress").GetProperty("throughput_ratio_vs_kestrel").GetDouble());
        Assert.Equal(0.6, root.GetProperty("router").GetProperty("throughput_ratio_vs_consume").GetDouble());
        Assert.Equal(25, root.GetProperty("router").GetProperty("concurrency_speedup_slow_sink").GetDouble());
        Assert.Equal(0, root.GetProperty("e2e").GetProperty("lost").GetInt64());
        Assert.Equal(2, root.GetProperty("e2e").GetProperty("duplicated").GetInt64());
        Assert.Equal(2.5, root.GetProperty("scaleout").GetProperty("throughput_ratio_3_vs_1").GetDouble());
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(folder, "latest.json")), await File.ReadAllTextAsync(dated));
    }

    [Fact]
    public void Table_FailedScenario_ShowsTheReasonAndNoFigure()
    {
        var report = NewReport();
        report.Router.Fail("nothing was delivered in 30 s");

        var table = ReportWriter.Table(report);

        Assert.Contains(
            "| `router.throughput_ratio_vs_consume` | n/a | >= 0.5 | not measured |", table, StringComparison.Ordinal);
        Assert.Contains("router: failed: nothing was delivered in 30 s", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.85, "met")]
    [InlineData(0.84, "missed")]
    public void Table_ThroughputRatio_JudgesAgainstTheGoal(double ratio, string verdict)
    {
        var report = NewReport();
        report.Ingress.ThroughputRatioVsProduce = ratio;

        var table = ReportWriter.Table(report);

        Assert.Contains(
            $"| `ingress.throughput_ratio_vs_produce` | {ratio:0.##} | >= 0.85 | {verdict} |",
            table,
            StringComparison.Ordinal);
    }

    private static BenchReport NewReport() => new()
    {
        Mode = "test",
        StartedAt = DateTimeOffset.UtcNow,
        Machine = new MachineReport(2, "test", "10.0", null),
    };

    private static string NewFolder() =>
        Path.Combine(Path.GetTempPath(), "bench-report-" + Guid.NewGuid().ToString("N"));
}
