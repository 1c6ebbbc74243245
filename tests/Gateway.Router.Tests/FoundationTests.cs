using System.Net;
using Gateway.Router;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests;

public sealed class FoundationTests
{
    [Fact]
    public async Task HealthReady_KafkaAndRedisReachable_Answers200()
    {
        await using var app = await RunningApp.StartAsync(
            RouterApp.Build,
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
            $"--Redis:Configuration={TestRedis.Shared.Configuration}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_RedisUnreachable_Answers503NamingRedis()
    {
        await using var app = await RunningApp.StartAsync(
            RouterApp.Build,
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
            $"--Redis:Configuration=127.0.0.1:{Ports.Free()},connectTimeout=500");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"redis\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"kafka\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_KafkaUnreachable_Answers503NamingKafka()
    {
        await using var app = await RunningApp.StartAsync(
            RouterApp.Build,
            $"--Kafka:BootstrapServers=127.0.0.1:{Ports.Free()}",
            $"--Redis:Configuration={TestRedis.Shared.Configuration}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"kafka\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoRedisConfiguration_RefusesNamingTheKey()
    {
        var app = RouterApp.Build(
        [
            "--urls",
            "http://127.0.0.1:0",
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
        ]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(
            "Redis:Configuration",
            GatewayHost.DescribeInvalidConfiguration(error),
            StringComparison.Ordinal);
    }
}
