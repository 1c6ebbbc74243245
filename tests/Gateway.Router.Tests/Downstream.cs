using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Router.Tests;

/// <summary>A request a fake downstream received.</summary>
internal sealed record ReceivedRequest(
    string Method,
    string Path,
    Dictionary<string, string> Headers,
    string Body,
    int Status)
{
    public string? EventId => Headers.GetValueOrDefault("ce-id");
}

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for a CRM, ERP or webhook receiver. It answers
/// each request with the status <c>respond</c> picks from the call number (1-based).
/// </summary>
internal sealed class Downstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;
    private int _held;
    private int _active;
    private int _maxActive;

    private Downstream(WebApplication app, Func<int, ReceivedRequest, int> respond)
    {
        _app = app;
        Respond = respond;
    }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Only the requests answered with a 2xx.</summary>
    public List<ReceivedRequest> Accepted => [.. Received.Where(r => r.Status is >= 200 and < 300)];

    public Func<int, ReceivedRequest, int> Respond { get; set; }

    /// <summary>A <c>Retry-After</c> value sent with every answer that is not a 2xx; null sends none.</summary>
    public string? RetryAfter { get; set; }

    /// <summary>How long each request takes before it is answered.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>
    /// While set, requests wait for it and are then answered 503 and recorded as not accepted:
    /// they stand for deliveries cut off by a crash of the sender.
    /// </summary>
    public Task? Gate { get; set; }

    /// <summary>How many requests have waited at the gate.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The most requests that were being handled at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxActive);

    public Uri Address { get; private set; } = null!;

    public Uri Url(string path) => new(Address, path);

    public static async Task<Downstream> StartAsync(Func<int, ReceivedRequest, int>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var downstream = new Downstream(app, respond ?? ((_, _) => 200));
        app.Run(downstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First();
        downstream.Address = new Uri(address);
        return downstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var active = Interlocked.Increment(ref _active);
        for (var max = Volatile.Read(ref _maxActive); active > max; max = Volatile.Read(ref _maxActive))
        {
            Interlocked.CompareExchange(ref _maxActive, active, max);
        }

        try
        {
            await AnswerAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(
            h => h.Key.ToLowerInvariant(),
            h => h.Value.ToString(),
            StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(context.Request.Method, context.Request.Path, headers, body, 0);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        int status;
        if (Gate is { } gate)
        {
            Interlocked.Increment(ref _held);
            await gate;
            status = 503;
        }
        else
        {
            status = Respond(Interlocked.Increment(ref _calls), request);
        }

        Received.Enqueue(request with { Status = status });
        context.Response.StatusCode = status;
        if (RetryAfter is { } retryAfter && status >= 300)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        if (status is >= 300 and < 400)
        {
            // A redirect that leads back here, so a follow would show up as a second request.
            context.Response.Headers.Location = "/redirected" + context.Request.Path;
        }

        if (status >= 400)
        {
            await context.Response.WriteAsync($"downstream says {status}", context.RequestAborted);
        }
    }
}
