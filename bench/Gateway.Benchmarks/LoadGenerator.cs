using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using HdrHistogram;

namespace Gateway.Benchmarks;

/// <summary>One load run's outcome; latencies in milliseconds.</summary>
internal sealed record LoadResult(
    string Kind,
    double Level,
    double Seconds,
    long Accepted,
    long Errors,
    double Throughput,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    string? ErrorSample);

/// <summary>
/// Sends signed webhook requests over many keep-alive connections, closed loop (N requests in
/// flight) or open loop (a fixed schedule, latency counted from each request's intended send time
/// so a stalled server cannot hide its tail by slowing the sender: no coordinated omission).
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private const long HighestMicroseconds = 120_000_000;

    private readonly HttpClient _client;
    private readonly StripeEvents _events;
    private readonly string _path;

    public LoadGenerator(Uri baseAddress, string path, StripeEvents events, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _events = events;
        _path = path;
    }

    /// <summary>
    /// Keeps <paramref name="concurrency"/> requests in flight for warm-up plus measurement and
    /// reports only the measurement window.
    /// </summary>
    public async Task<LoadResult> ClosedLoopAsync(
        int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var window = new MeasurementWindow(warmup, duration);
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => ClosedWorkerAsync(window, cancellationToken), cancellationToken))
            .ToArray();
        var tallies = await Task.WhenAll(workers);

        var histogram = NewHistogram();
        var total = new Tally(histogram);
        foreach (var tally in tallies)
        {
            total.Add(tally);
        }

        return total.ToResult("closed", concurrency, duration);
    }

    /// <summary>
    /// Sends <paramref name="rate"/> requests a second on a fixed schedule; <paramref name="accepted"/>
    /// hears of each accepted event with its intended send time (Stopwatch ticks).
    /// </summary>
    public async Task<LoadResult> OpenLoopAsync(
        double rate,
        TimeSpan duration,
        Action<string, long>? accepted,
        CancellationToken cancellationToken)
    {
        var histogram = NewHistogram();
        var tally = new Tally(histogram);
        var inFlight = new ConcurrentDictionary<int, Task>();
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var sent = 0L;
        while (sent < total)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) / interval) + 1);
            for (; sent < due; sent++)
            {
                var intended = start + (long)(sent * interval);
                var id = (int)sent;
                inFlight[id] = SendScheduledAsync(intended, tally, accepted, inFlight, id, cancellationToken);
            }

            await Task.Delay(1, cancellationToken);
        }

        await Task.WhenAll(inFlight.Values).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return tally.ToResult("open", rate, duration);
    }

    public void Dispose() => _client.Dispose();

    private static LongHistogram NewHistogram() => new(HighestMicroseconds, 3);

    private static long Microseconds(long ticks) =>
        Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, HighestMicroseconds);

    private async Task<Tally> ClosedWorkerAsync(MeasurementWindow window, CancellationToken cancellationToken)
    {
        var tally = new Tally(NewHistogram());
        while (!window.IsOver)
        {
            var began = Stopwatch.GetTimestamp();
            var (ok, error) = await SendAsync(StripeEvents.NewEventId(), cancellationToken);
            var ended = Stopwatch.GetTimestamp();
            if (window.Contains(ended))
            {
                tally.Record(ok, error, Microseconds(ended - began));
            }
        }

        return tally;
    }

    private async Task SendScheduledAsync(
        long intended,
        Tally tally,
        Action<string, long>? accepted,
        ConcurrentDictionary<int, Task> inFlight,
        int id,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        var eventId = StripeEvents.NewEventId();
        var (ok, error) = await SendAsync(eventId, cancellationToken);
        var latency = Microseconds(Stopwatch.GetTimestamp() - intended);
        lock (tally)
        {
            tally.Record(ok, error, latency);
        }

        if (ok)
        {
            accepted?.Invoke(eventId, intended);
        }

        inFlight.TryRemove(id, out _);
    }

    private async Task<(bool Ok, string? Error)> SendAsync(string eventId, CancellationToken cancellationToken)
    {
        try
        {
            using var request = _events.Request(_path, eventId);
            using var response = await _client.SendAsync(request, cancellationToken);
            return (int)response.StatusCode == ServiceContract.IngressAcceptedStatus
                ? (true, null)
                : (false, $"answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return (false, ex.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "timed out");
        }
    }

    /// <summary>Counts and latencies of one worker or of a whole open-loop run.</summary>
    private sealed class Tally(LongHistogram histogram)
    {
        public LongHistogram Histogram { get; } = histogram;

        public long Accepted { get; private set; }

        public long Errors { get; private set; }

        public string? ErrorSample { get; private set; }

        public void Record(bool ok, string? error, long microseconds)
        {
            // Failed requests count in the latencies too: a contender that fails its slowest
            // requests must not show a better tail for it.
            Histogram.RecordValue(microseconds);
            if (ok)
            {
                Accepted++;
            }
            else
            {
                Errors++;
                ErrorSample ??= error;
            }
        }

        public void Add(Tally other)
        {
            Accepted += other.Accepted;
            Errors += other.Errors;
            ErrorSample ??= other.ErrorSample;
            Histogram.Add(other.Histogram);
        }

        public LoadResult ToResult(string kind, double level, TimeSpan duration)
        {
            double Ms(double percentile) => Histogram.TotalCount == 0
                ? double.NaN
                : Math.Round(Histogram.GetValueAtPercentile(percentile) / 1000.0, 3);

            return new LoadResult(
                kind,
                level,
                duration.TotalSeconds,
                Accepted,
                Errors,
                Math.Round(Accepted / duration.TotalSeconds, 1),
                Ms(50),
                Ms(99),
                Ms(99.9),
                Histogram.TotalCount == 0 ? double.NaN : Math.Round(Histogram.GetMaxValue() / 1000.0, 3),
                ErrorSample);
        }
    }

    /// <summary>The measurement interval after warm-up, in Stopwatch ticks.</summary>
    private sealed class MeasurementWindow(TimeSpan warmup, TimeSpan duration)
    {
        private readonly long _start = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        private readonly long _end = Stopwatch.GetTimestamp()
            + (long)((warmup + duration).TotalSeconds * Stopwatch.Frequency);

        public bool IsOver => Stopwatch.GetTimestamp() >= _end;

        public bool Contains(long timestamp) => timestamp >= _start && timestamp < _end;
    }
}
