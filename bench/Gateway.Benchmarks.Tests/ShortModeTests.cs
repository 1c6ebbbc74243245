using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Benchmarks.Tests;

/// <summary>
/// The benchmark's short mode as a guard that the harness still works end to end: baselines, load
/// generator, drains, count balance, report and charts. The stand-ins replace the services so every
/// scenario has something that works to measure; nothing about speed is asserted.
/// </summary>
public sealed class ShortModeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ShortMode_WithStandIns_ExitsZeroWithEveryScenarioMeasured()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bench-short-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.Benchmarks.dll"));
        info.ArgumentList.Add("--short");
        info.ArgumentList.Add("--stand-ins");
        info.ArgumentList.Add("--out");
        info.ArgumentList.Add(folder);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await errors}\n{await output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "latest.json")));
        var root = json.RootElement;
        Assert.Equal("short", root.GetProperty("mode").GetString());
        Assert.True(root.GetProperty("stand_ins").GetBoolean());
        foreach (var scenario in new[] { "ingress", "router", "e2e", "scaleout" })
        {
            var section = root.GetProperty(scenario);
            Assert.True(
                section.GetProperty("status").GetString() == "ok",
                $"{scenario}: {section.GetProperty("reason")}\n{await output}");
        }

        foreach (var (scenario, field) in new[]
        {
            ("ingress", "throughput_ratio_vs_produce"), ("ingress", "p99_ratio_vs_produce"),
            ("ingress", "throughput_ratio_vs_kestrel"), ("router", "throughput_ratio_vs_consume"),
            ("router", "concurrency_speedup_slow_sink"), ("scaleout", "throughput_ratio_3_vs_1"),
        })
        {
            Assert.True(root.GetProperty(scenario).GetProperty(field).GetDouble() > 0, $"{scenario}.{field}");
        }

        Assert.Equal(0, root.GetProperty("e2e").GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("e2e").GetProperty("duplicated").GetInt64());
        Assert.True(root.GetProperty("e2e").GetProperty("accepted").GetInt64() > 0);
        var contenders = root.GetProperty("ingress").GetProperty("contenders");
        Assert.Equal("ok", contenders.GetProperty("kestrel").GetProperty("status").GetString());
        Assert.Equal("ok", contenders.GetProperty("produce").GetProperty("status").GetString());
        Assert.True(contenders.GetProperty("produce").GetProperty("best_throughput").GetDouble() > 0);
        var consume = root.GetProperty("router").GetProperty("runs").GetProperty("consume_baseline");
        Assert.Equal("ok", consume.GetProperty("status").GetString());
        Assert.True(consume.GetProperty("delivered").GetInt64() > 0);
        foreach (var chart in new[] { "ingress-throughput.png", "ingress-latency.png", "router-throughput.png" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, chart)).Length > 0, chart);
        }

        Assert.Contains("| Figure | Value | Goal | Verdict |", await output, StringComparison.Ordinal);
    }
}
