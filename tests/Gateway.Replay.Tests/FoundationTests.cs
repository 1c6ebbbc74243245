using System.Net;
using Gateway.Replay;
using Gateway.Testing;

namespace Gateway.Replay.Tests;

public sealed class FoundationTests
{
    [Fact]
    public async Task HealthReady_KafkaReachable_Answers200()
    {
        await using var app = await RunningApp.StartAsync(ReplayApp.Build, $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Metrics_Scraped_ExposesPrometheusText()
    {
        await using var app = await RunningApp.StartAsync(ReplayApp.Build, $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}");
        using var warmup = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        using var metrics = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }
}
