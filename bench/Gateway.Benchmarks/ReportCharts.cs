using System.Globalization;
using ScottPlot;

namespace Gateway.Benchmarks;

/// <summary>PNG charts of a run: ingress throughput and latency percentiles, router throughput.</summary>
internal static class ReportCharts
{
    private const int Width = 900;
    private const int Height = 520;

    public static IReadOnlyList<string> Write(BenchReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        return
        [
            IngressThroughput(report, Path.Combine(folder, "ingress-throughput.png")),
            IngressLatency(report, Path.Combine(folder, "ingress-latency.png")),
            RouterThroughput(report, Path.Combine(folder, "router-throughput.png")),
        ];
    }

    private static string IngressThroughput(BenchReport report, string path)
    {
        var plot = new Plot();
        var concurrencies = report.Ingress.Contenders.Values
            .SelectMany(c => c.ClosedLoop.Select(p => p.Level))
            .Distinct()
            .Order()
            .ToArray();
        foreach (var (name, contender) in report.Ingress.Contenders)
        {
            var points = contender.ClosedLoop.Where(p => p.Accepted > 0).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(
                points.Select(p => (double)Array.IndexOf(concurrencies, p.Level)).ToArray(),
                points.Select(p => p.Throughput).ToArray());
            scatter.LegendText = ContenderLabel(name);
            scatter.LineWidth = 2;
            scatter.MarkerSize = 8;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, concurrencies.Length).Select(i => (double)i).ToArray(),
            concurrencies.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        Finish(
            plot, "Ingress throughput, closed loop (1 KB signed events)", "requests in flight", "accepted requests/s");
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string IngressLatency(BenchReport report, string path)
    {
        var plot = new Plot();
        string[] labels = ["p50", "p99", "p99.9"];
        var contenders = report.Ingress.Contenders.Where(c => c.Value.OpenLoop is { Accepted: > 0 }).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var c = 0; c < contenders.Length; c++)
        {
            var open = contenders[c].Value.OpenLoop!;
            double?[] values = [open.P50Ms, open.P99Ms, open.P999Ms];
            for (var p = 0; p < labels.Length; p++)
            {
                bars.Add(new Bar
                {
                    Position = (p * (contenders.Length + 1)) + c,
                    Value = values[p] ?? 0,
                    FillColor = palette.GetColor(c),
                });
            }

            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = ContenderLabel(contenders[c].Key),
                FillColor = palette.GetColor(c),
            });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Length)
                .Select(p => (p * (contenders.Length + 1)) + ((contenders.Length - 1) / 2.0))
                .ToArray(),
            labels);
        Finish(
            plot,
            $"Ingress latency, open loop at {report.Ingress.OpenLoopRate:0} req/s (from intended send time)",
            "percentile",
            "milliseconds");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string RouterThroughput(BenchReport report, string path)
    {
        var plot = new Plot();
        var runs = report.Router.Runs
            .Select(r => (Label: r.Key.Replace('_', ' '), r.Value.EventsPerSecond))
            .Concat(report.Scaleout.Routers.Select(
                r => (Label: $"scale-out {r.Key}, 20 ms sink", r.Value.EventsPerSecond)))
            .Reverse()
            .ToArray();
        var bars = runs.Select((run, i) => new Bar
        {
            Position = i,
            Value = run.EventsPerSecond ?? 0,
            Label = run.EventsPerSecond is { } rate ? rate.ToString("0", CultureInfo.InvariantCulture) : "failed",
        }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, runs.Length).Select(i => (double)i).ToArray(),
            runs.Select(r => r.Label).ToArray());
        Finish(plot, "Router: events delivered per second", "events/s", "");
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(0, Math.Max(1, plot.Axes.GetLimits().Right) * 1.15);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string ContenderLabel(string name) => name switch
    {
        IngressScenario.ProduceName => "(b) Kestrel + produce",
        IngressScenario.KestrelName => "(a) bare Kestrel",
        _ => name,
    };

    private static void Finish(Plot plot, string title, string x, string y)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
