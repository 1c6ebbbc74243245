using System.Net;
using Gateway.Replay;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Replay.Tests;

public sealed class FoundationTests
{
    [Fact]
    public async Task HealthReady_KafkaReachable_Answers200()
    {
        await using var app = await RunningApp.StartAsync(
            ReplayApp.Build,
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task HealthReady_KafkaUnreachable_Answers503NamingKafka()
    {
        await using var app = await RunningApp.StartAsync(
            ReplayApp.Build,
            $"--Kafka:BootstrapServers=127.0.0.1:{Ports.Free()}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"kafka\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoBootstrapServers_RefusesNamingTheKey()
    {
        var app = ReplayApp.Build(["--urls", "http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(
            "Kafka:BootstrapServers",
            GatewayHost.DescribeInvalidConfiguration(error),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Scraped_ExposesPrometheusText()
    {
        await using var app = await RunningApp.StartAsync(
            ReplayApp.Build,
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}");
        using var warmup = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        using var metrics = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
    }
}
