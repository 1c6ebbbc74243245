using System.Net;
using Gateway.Ingress;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Ingress.Tests;

public sealed class FoundationTests
{
    [Fact]
    public async Task HealthReady_KafkaReachable_Answers200()
    {
        await using var app = await RunningApp.StartAsync(
            IngressApp.Build,
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}");

        using var live = await app.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"kafka\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_KafkaUnreachable_Answers503NamingKafka()
    {
        await using var app = await RunningApp.StartAsync(
            IngressApp.Build,
            $"--Kafka:BootstrapServers=127.0.0.1:{Ports.Free()}");

        using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"kafka\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoBootstrapServers_RefusesNamingTheKey()
    {
        var app = IngressApp.Build(["--urls", "http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(
            "Kafka:BootstrapServers",
            GatewayHost.DescribeInvalidConfiguration(error),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Process_BadConfiguration_ExitsWithCode2AndNamesTheKey()
    {
        using var process = ServiceProcess.Start(
            "Gateway.Ingress",
            new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = "not a host list",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            });

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the service should stop by itself");

        // The timed wait returns at exit, possibly before the output readers saw the end of
        // the streams; the untimed one also waits for them.
        process.Process.WaitForExit();
        Assert.Equal(GatewayHost.InvalidConfigurationExitCode, process.Process.ExitCode);
        Assert.Contains("Kafka:BootstrapServers", process.Output, StringComparison.Ordinal);
    }
}
