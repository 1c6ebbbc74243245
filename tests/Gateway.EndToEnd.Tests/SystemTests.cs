using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// The gateway as it is deployed: the ingress and the router as separate processes, the
/// embedded Kafka broker, a real redis-server and an HTTP downstream.
/// </summary>
public sealed class SystemTests
{
    private const string Secret = "end-to-end-secret";

    private sealed record Delivery(string? IdempotencyKey, string? Type, string? TraceParent, byte[] Body);

    [Fact]
    public async Task SignedWebhooks_WithProviderRetries_ReachTheDownstreamOnceEach()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var source = $"gh{run}";
        var topic = $"webhooks.{source}";
        await TestKafka.Shared.CreateTopicAsync(topic, 3);
        foreach (var name in new[] { $"e2e.dlq.{run}", $"e2e.replay.{run}" })
        {
            await TestKafka.Shared.CreateTopicAsync(name, 1);
        }

        var deliveries = new ConcurrentQueue<Delivery>();
        await using var downstream = await StartDownstreamAsync(deliveries);
        var ingressPort = Ports.Free();
        var routerPort = Ports.Free();
        using var ingress = ServiceProcess.Start("Gateway.Ingress", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ingressPort}",
            ["Kafka__BootstrapServers"] = TestKafka.Shared.BootstrapServers,
            [$"Ingress__Sources__{source}__Scheme"] = "github",
            [$"Ingress__Sources__{source}__Secrets__0"] = Secret,

            // Every retry is written to Kafka again, as it would be behind several ingress pods:
            // the router's dedup, not the ingress's memory, must keep it from arriving twice.
            [$"Ingress__Sources__{source}__RecentEvents"] = "0",
        });
        using var router = ServiceProcess.Start("Gateway.Router", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{routerPort}",
            ["Kafka__BootstrapServers"] = TestKafka.Shared.BootstrapServers,
            ["Kafka__Consumer__session.timeout.ms"] = "6000",
            ["Redis__Configuration"] = TestRedis.Shared.Configuration,
            ["Redis__KeyPrefix"] = TestRedis.UniquePrefix("e2e"),
            ["Router__Consumer__GroupId"] = $"e2e-{run}",
            ["Router__Consumer__Topics__0"] = topic,
            ["Router__Topics__DeadLetter"] = $"e2e.dlq.{run}",
            ["Router__Topics__Replay"] = $"e2e.replay.{run}",
            ["Router__Topics__RetryPrefix"] = $"e2e.retry.{run}.",
            ["Router__Destinations__crm__Type"] = "http",
            ["Router__Destinations__crm__Url"] = $"{downstream.Address}crm",
            ["Router__Destinations__crm__AllowPrivateNetworks"] = "true",
            ["Router__Routes__all__Destinations__0"] = "crm",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WaitReadyAsync(http, ingressPort, ingress);
        await WaitReadyAsync(http, routerPort, router);

        var sent = new Dictionary<string, byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var id = Guid.NewGuid().ToString();
            var body = Encoding.UTF8.GetBytes(
                $$$"""{"ref":"refs/heads/main","n":{{{i}}},"repository":{"full_name":"acme/shop"}}""");
            sent[id] = body;
            Assert.Equal(HttpStatusCode.Accepted, await SendAsync(http, ingressPort, source, id, body));
        }

        // Providers retry deliveries they think failed; the same delivery id must not arrive twice.
        foreach (var (id, body) in sent.Take(5))
        {
            var status = await SendAsync(http, ingressPort, source, id, body);
            Assert.True(status is HttpStatusCode.Accepted or HttpStatusCode.OK, $"retry answered {status}");
        }

        await Eventually.TrueAsync(
            () => deliveries.Select(d => d.IdempotencyKey).Distinct().Count() >= sent.Count,
            TimeSpan.FromSeconds(90),
            $"every event delivered (router output: {router.Output.Length} chars)");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var received = deliveries.ToList();
        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(sent.Keys.Order(), received.Select(d => d.IdempotencyKey).Order());
        Assert.All(received, d => Assert.Equal(sent[d.IdempotencyKey!], d.Body));
        Assert.All(received, d => Assert.Equal("com.github.push", d.Type));
        Assert.All(received, d => Assert.False(string.IsNullOrEmpty(d.TraceParent)));
    }

    private static async Task<HttpStatusCode> SendAsync(
        HttpClient http,
        int port,
        string source,
        string id,
        byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/webhooks/{source}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Delivery", id);
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add(
            "X-Hub-Signature-256",
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitReadyAsync(HttpClient http, int port, ServiceProcess process)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(process.Process.HasExited, "the service exited: " + process.Output);
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(90),
            $"port {port} ready");
    }

    private static async Task<DownstreamApp> StartDownstreamAsync(ConcurrentQueue<Delivery> deliveries)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/crm", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            deliveries.Enqueue(new Delivery(
                request.Headers["Idempotency-Key"].ToString(),
                request.Headers["ce-type"].ToString(),
                request.Headers["traceparent"].ToString(),
                buffer.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services
            .GetRequiredService<IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First();
        return new DownstreamApp(app, new Uri(address + "/"));
    }

    private sealed class DownstreamApp(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
