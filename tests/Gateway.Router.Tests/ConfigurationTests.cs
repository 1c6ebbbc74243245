using Gateway.Router;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests;

public sealed class ConfigurationTests
{
    private const string Http = "--Router:Destinations:crm:Type=http";

    private static string[] Args(params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
        $"--Redis:Configuration={TestRedis.Shared.Configuration}",
        .. extra,
    ];

    [Theory]
    [InlineData("Router:Routes:r1:Destinations:0", "--Router:Routes:r1:Destinations:0=nowhere")]
    [InlineData("Router:Destinations:crm:Url", "--Router:Destinations:crm:Type=http")]
    [InlineData("Router:Destinations:crm:Type", "--Router:Destinations:crm:Type=smtp")]
    [InlineData("Router:Destinations:crm:Topic", "--Router:Destinations:crm:Type=kafka")]
    [InlineData("Router:Retry:Schedule:0", "--Router:Retry:Schedule:0=-00:00:01")]
    [InlineData(
        "Router:Consumer:MaxBufferedPerPartition",
        "--Router:Consumer:MaxInFlightPerPartition=64",
        "--Router:Consumer:MaxBufferedPerPartition=63")]
    [InlineData("Router:Consumer:DrainTimeout", "--Router:Consumer:DrainTimeout=00:00:00")]
    [InlineData("Router:Consumer:DrainTimeout", "--Router:Consumer:DrainTimeout=2.00:00:00")]
    [InlineData("Router:Consumer:AssignmentGrace", "--Router:Consumer:AssignmentGrace=-00:00:01")]
    [InlineData("Router:Consumer:Topics:1", "--Router:Consumer:Topics:0=webhooks.a", "--Router:Consumer:Topics:1= ")]
    [InlineData("Router:Retry:InitialBackoff", "--Router:Retry:InitialBackoff=00:00:00")]
    [InlineData(
        "Router:Retry:MaxBackoff",
        "--Router:Retry:InitialBackoff=00:00:05",
        "--Router:Retry:MaxBackoff=00:00:01")]
    [InlineData("Router:Retry:MaxHold", "--Router:Retry:MaxHold=00:00:00")]
    [InlineData("Router:Breaker:FailureThreshold", "--Router:Breaker:FailureThreshold=-1")]
    [InlineData("Router:Breaker:OpenDuration", "--Router:Breaker:OpenDuration=00:00:00")]
    [InlineData("Router:Admin:RefreshInterval", "--Router:Admin:RefreshInterval=00:00:00")]
    [InlineData("Router:Topics:DeadLetter", "--Router:Topics:DeadLetter=gateway dlq")]
    [InlineData("Router:Topics:RetryPrefix", "--Router:Topics:RetryPrefix=gateway/retry.")]
    [InlineData(
        "Router:Destinations:team:Topic",
        "--Router:Destinations:team:Type=kafka",
        "--Router:Destinations:team:Topic=team:billing")]
    [InlineData("Router:Destinations:crm:Method", Http, "--Router:Destinations:crm:Method=PO ST")]
    [InlineData("Router:Destinations:crm:Timeout", Http, "--Router:Destinations:crm:Timeout=00:00:00")]
    [InlineData("Router:Destinations:crm:Timeout", Http, "--Router:Destinations:crm:Timeout=60.00:00:00")]
    [InlineData("Router:Destinations:crm:IdempotencyHeader", Http, "--Router:Destinations:crm:IdempotencyHeader=")]
    [InlineData(
        "Router:Destinations:crm:IdempotencyHeader",
        Http,
        "--Router:Destinations:crm:IdempotencyHeader=Content-Type")]
    [InlineData("Router:Destinations:crm:Headers:X Tenant", Http, "--Router:Destinations:crm:Headers:X Tenant=a")]
    [InlineData(
        "Router:Destinations:crm:Auth:HeaderName",
        Http,
        "--Router:Destinations:crm:Auth:Type=apikey",
        "--Router:Destinations:crm:Auth:HeaderName=X Api Key",
        "--Router:Destinations:crm:Auth:Key=k")]
    [InlineData("Router:Destinations:crm:MaxInFlight", Http, "--Router:Destinations:crm:MaxInFlight=0")]
    public async Task Start_InvalidRouterSetting_RefusesNamingTheKey(string key, params string[] settings)
    {
        var app = RouterApp.Build(Args(settings));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(key, GatewayHost.DescribeInvalidConfiguration(error), StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_AuthWithoutSecret_RefusesNamingTheKey()
    {
        var app = RouterApp.Build(Args(
            "--Router:Destinations:crm:Type=http",
            "--Router:Destinations:crm:Url=https://crm.example.com/contacts",
            "--Router:Destinations:crm:Auth:Type=bearer"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(
            "Router:Destinations:crm:Auth:Token",
            GatewayHost.DescribeInvalidConfiguration(error),
            StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_LeaseShorterThanOneDelivery_RefusesNamingTheKey()
    {
        var app = RouterApp.Build(Args(
            "--Router:Destinations:crm:Type=http",
            "--Router:Destinations:crm:Url=https://crm.example.com/contacts",
            "--Router:Destinations:crm:Timeout=00:00:30",
            "--Router:Dedup:Lease=00:00:30"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var message = GatewayHost.DescribeInvalidConfiguration(error);
        Assert.Contains("Router:Dedup:Lease", message, StringComparison.Ordinal);
        Assert.Contains("Router:Destinations:crm", message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public void Subscription_Defaults_SourcesRetryLevelsAndReplay()
    {
        var topics = RouterWorker.Subscription(new RouterOptions());

        Assert.Equal(["^webhooks\\..+", "^gateway\\.retry\\.[0-9]+$", "^gateway\\.replay$"], topics);
    }
}
