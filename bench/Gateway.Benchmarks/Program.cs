using System.Diagnostics;
using System.Runtime.InteropServices;
using Gateway.Benchmarks;

// make bench       : dotnet run -c Release --project bench/Gateway.Benchmarks --
// make bench-short : the same with --short (CI: proves the harness runs, asserts nothing about speed)
// Options: --out <folder>, --only ingress,router,e2e,scaleout, --stand-ins (minimal stand-ins
// replace the services, to check the harness itself); --serve-baseline <role> is internal.
var baselineRole = Option(args, "--serve-baseline");
if (baselineRole is not null)
{
    return await Baselines.RunAsync(baselineRole);
}

var isShort = args.Contains("--short");
var standIns = args.Contains("--stand-ins");
var only = Option(args, "--only")?.Split(',') ?? ["ingress", "router", "e2e", "scaleout"];
var scratch = isShort ? "short" : "stand-ins";
var output = Option(args, "--out")
    ?? Path.Combine(Repository.Root, "bench", "results", isShort || standIns ? Path.Combine("tmp", scratch) : "");
var plan = isShort ? RunPlan.Short(output) : RunPlan.Full(output);

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss ";
}));
var logger = loggerFactory.CreateLogger("Gateway.Benchmarks");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var clock = Stopwatch.StartNew();
var report = new BenchReport
{
    Mode = plan.Mode,
    StandIns = standIns,
    StartedAt = DateTimeOffset.UtcNow,
    Machine = new MachineReport(
        Environment.ProcessorCount, RuntimeInformation.OSDescription, Environment.Version.ToString(), CpuModel()),
};
BenchLog.Started(logger, plan.Mode, Environment.ProcessorCount, plan.OutputFolder);

await using var redis = await RedisServer.StartAsync(stop.Token);
var context = new BenchContext(plan, redis, report, logger);

var ingress = new IngressScenario(context);
if (only.Contains("ingress"))
{
    await context.TryAsync("ingress", report.Ingress, () => ingress.RunAsync(stop.Token));
}

var router = new RouterScenario(context);
if (only.Contains("router"))
{
    await context.TryAsync("router", report.Router, () => router.RunAsync(stop.Token));
}

var routerFailure = only.Contains("router")
    ? (router.RouterWorks ? null : router.RouterFailure ?? "scenario 2 did not run")
    : null;
if (only.Contains("e2e"))
{
    await new EndToEndScenario(context).RunAsync(ingress.IngressMaximum, routerFailure, stop.Token);
}

if (only.Contains("scaleout"))
{
    await context.TryAsync(
        "scaleout", report.Scaleout, () => new ScaleOutScenario(context).RunAsync(routerFailure, stop.Token));
}

report.FinishedAt = DateTimeOffset.UtcNow;
var table = ReportWriter.Table(report);
var path = await ReportWriter.WriteJsonAsync(report, plan.OutputFolder, stop.Token);
BenchLog.ResultsWritten(logger, path);
try
{
    if (SkiaSharp.SKFontManager.Default.FontFamilyCount == 0)
    {
        BenchLog.ChartsWithoutText(logger);
    }

    foreach (var chart in ReportCharts.Write(report, plan.OutputFolder))
    {
        BenchLog.ResultsWritten(logger, chart);
    }
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    context.HarnessErrors.Add($"charts: {ex.GetType().Name}: {ex.Message}");
    BenchLog.HarnessError(logger, ex, "charts");
}

BenchLog.Finished(logger, clock.Elapsed.TotalSeconds);
loggerFactory.Dispose();
Console.WriteLine();
Console.WriteLine(table);

// The short mode guards the harness in CI: its own parts (baselines, load generator, report)
// must work even while a service under test does not.
if (isShort)
{
    var baselineFailures = report.Ingress.Contenders
        .Where(c => c.Key != IngressScenario.IngressName && c.Value.Status != "ok")
        .Select(c => $"baseline {c.Key}: {c.Value.Reason}")
        .Concat(report.Router.Runs
            .Where(r => r.Key == RouterScenario.ConsumeRun && r.Value.Status != "ok")
            .Select(r => $"baseline {r.Key}: {r.Value.Reason}"));
    var problems = context.HarnessErrors.Concat(baselineFailures).ToList();
    if (problems.Count > 0)
    {
        Console.Error.WriteLine("The benchmark harness itself failed:");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine("  " + problem);
        }

        return 1;
    }
}

return 0;

static string? Option(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string? CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim();
    }
    catch (IOException)
    {
        return null;
    }
}
