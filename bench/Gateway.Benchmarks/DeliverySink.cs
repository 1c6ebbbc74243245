using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Benchmarks;

/// <summary>
/// The downstream the router delivers to: a real Kestrel endpoint that answers 200 after an
/// optional delay and counts deliveries per idempotency key, so losses and duplicates show.
/// </summary>
internal sealed class DeliverySink : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly TimeSpan _delay;
    private long _deliveries;
    private long _distinct;
    private long _warmTicks;
    private long _firstTicks;
    private long _lastTicks;
    private long _missingKey;

    private DeliverySink(WebApplication app, TimeSpan delay)
    {
        _app = app;
        _delay = delay;
    }

    /// <summary>
    /// How many first deliveries warm the path (JIT, connection pools) before the rate is
    /// measured; 0 measures from the very first.
    /// </summary>
    public long WarmupEvents { get; set; }

    /// <summary>Hears of each key's first delivery with its Stopwatch timestamp.</summary>
    public Action<string, long>? FirstReceipt { get; set; }

    public Uri Url { get; private set; } = null!;

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public int Distinct => (int)Interlocked.Read(ref _distinct);

    public long MissingKey => Interlocked.Read(ref _missingKey);

    /// <summary>Deliveries beyond the first of each key.</summary>
    public long Duplicates => _counts.Values.Sum(count => (long)Math.Max(0, count - 1));

    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>
    /// Distinct keys per second between the last warm-up first-delivery (or the very first) and
    /// the last first-delivery.
    /// </summary>
    public double? DistinctRate()
    {
        var from = WarmupEvents > 0 ? Interlocked.Read(ref _warmTicks) : Interlocked.Read(ref _firstTicks);
        var last = Interlocked.Read(ref _lastTicks);
        var counted = Interlocked.Read(ref _distinct) - Math.Max(1, WarmupEvents);
        if (from == 0 || counted < 1 || last <= from)
        {
            return null;
        }

        return counted / ((last - from) / (double)Stopwatch.Frequency);
    }

    /// <summary>Forgets every delivery so far, e.g. the markers sent while a group settled.</summary>
    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _deliveries, 0);
        Interlocked.Exchange(ref _distinct, 0);
        Interlocked.Exchange(ref _warmTicks, 0);
        Interlocked.Exchange(ref _firstTicks, 0);
        Interlocked.Exchange(ref _lastTicks, 0);
        Interlocked.Exchange(ref _missingKey, 0);
    }

    public static async Task<DeliverySink> StartAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new DeliverySink(app, delay);
        app.MapPost(ServiceContract.SinkPath, sink.ReceiveAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(new Uri(address), ServiceContract.SinkPath);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The body is drained as a real downstream would read it, but not kept.
        await request.Body.CopyToAsync(Stream.Null, cancellationToken);
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _deliveries);

        string? key = request.Headers[ServiceContract.IdempotencyKeyHeader];
        if (string.IsNullOrEmpty(key))
        {
            Interlocked.Increment(ref _missingKey);
        }
        else if (_counts.AddOrUpdate(key, 1, (_, count) => count + 1) == 1)
        {
            if (Interlocked.Increment(ref _distinct) == WarmupEvents)
            {
                Interlocked.Exchange(ref _warmTicks, now);
            }

            Interlocked.CompareExchange(ref _firstTicks, now, 0);
            InterlockedMax(ref _lastTicks, now);
            FirstReceipt?.Invoke(key, now);
        }

        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, cancellationToken);
        }

        return Results.Ok();
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
