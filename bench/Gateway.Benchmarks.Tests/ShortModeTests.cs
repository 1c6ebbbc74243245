using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Benchmarks.Tests;

/// <summary>
/// The benchmark's short mode run as a process, as `make bench-short` runs it: a guard that the
/// harness still works (baselines, load generator, drains, count balance, report, charts).
/// Nothing about speed is asserted.
/// </summary>
public sealed class ShortModeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    private static readonly string[] Scenarios = ["ingress", "router", "e2e", "scaleout"];

    [Fact]
    public async Task ShortMode_RealServices_EveryScenarioRunsAndTheCountsBalance()
    {
        var run = await ShortRun.StartAsync();
        try
        {
            AssertEveryScenarioRan(run);
        }
        finally
        {
            if (Directory.Exists(run.Folder))
            {
                Directory.Delete(run.Folder, recursive: true);
            }
        }
    }

    private static void AssertEveryScenarioRan(ShortRun run)
    {
        Assert.True(run.ExitCode == 0, run.Diagnostics);
        var root = run.Json.RootElement;
        Assert.Equal("short", root.GetProperty("mode").GetString());
        Assert.False(root.GetProperty("stand_ins").GetBoolean());
        var contenders = root.GetProperty("ingress").GetProperty("contenders");
        Assert.Equal("ok", contenders.GetProperty("kestrel").GetProperty("status").GetString());
        Assert.Equal("ok", contenders.GetProperty("produce").GetProperty("status").GetString());
        Assert.True(contenders.GetProperty("produce").GetProperty("best_throughput").GetDouble() > 0);
        var consume = root.GetProperty("router").GetProperty("runs").GetProperty("consume_baseline");
        Assert.Equal("ok", consume.GetProperty("status").GetString());
        Assert.True(consume.GetProperty("delivered").GetInt64() > 0);
        foreach (var scenario in Scenarios)
        {
            var section = root.GetProperty(scenario);
            Assert.True(
                section.GetProperty("status").GetString() == "ok",
                $"{scenario}: {section.GetProperty("reason")}\n{run.Diagnostics}");
        }

        // Correctness, not speed: every event the ingress accepted reached the sink exactly once.
        var e2e = root.GetProperty("e2e");
        Assert.True(e2e.GetProperty("accepted").GetInt64() > 0);
        Assert.Equal(e2e.GetProperty("accepted").GetInt64(), e2e.GetProperty("delivered").GetInt64());
        Assert.Equal(0, e2e.GetProperty("lost").GetInt64());
        Assert.Equal(0, e2e.GetProperty("duplicated").GetInt64());

        foreach (var chart in new[] { "ingress-throughput.png", "ingress-latency.png", "router-throughput.png" })
        {
            Assert.True(new FileInfo(Path.Combine(run.Folder, chart)).Length > 0, chart);
        }

        Assert.Contains("| Figure | Value | Goal | Verdict |", run.Output, StringComparison.Ordinal);
    }

    /// <summary>One finished short-mode process with its output and its latest.json.</summary>
    private sealed class ShortRun
    {
        public required string Folder { get; init; }
        public required int ExitCode { get; init; }
        public required string Output { get; init; }
        public required string Errors { get; init; }
        public required JsonDocument Json { get; init; }

        public string Diagnostics => $"exit {ExitCode}: {Errors}\n{Output}";

        public static async Task<ShortRun> StartAsync(params string[] extra)
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
            info.ArgumentList.Add("--out");
            info.ArgumentList.Add(folder);
            foreach (var argument in extra)
            {
                info.ArgumentList.Add(argument);
            }

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

            var latest = Path.Combine(folder, "latest.json");
            return new ShortRun
            {
                Folder = folder,
                ExitCode = process.ExitCode,
                Output = await output,
                Errors = await errors,
                Json = JsonDocument.Parse(File.Exists(latest) ? await File.ReadAllTextAsync(latest) : "{}"),
            };
        }
    }
}
