using System.Globalization;
using Gateway.Ingress.Configuration;
using Gateway.Kafka;
using Gateway.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Ingress.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Secrets:0=x", "Scheme")]
    [InlineData("Scheme=paypal", "Scheme")]
    [InlineData("Scheme=stripe", "Secrets")]
    [InlineData("Scheme=none", "AllowedNetworks")]
    [InlineData("Scheme=none|AllowedNetworks:0=10.0.0.0/33", "AllowedNetworks:0")]
    [InlineData("Scheme=hmac|Secrets:0=x", "Hmac:Header")]
    [InlineData("Scheme=hmac|Secrets:0=x|Hmac:Header=X|Hmac:Algorithm=md5", "Hmac:Algorithm")]
    [InlineData("Scheme=twilio|Secrets:0=x", "PublicUrl")]
    [InlineData("Scheme=standard-webhooks|Secrets:k1=whsec_!!", "Secrets:k1")]
    [InlineData("Scheme=basic|Secrets:0=nocolon", "Secrets:0")]
    [InlineData("Scheme=github|Secrets:0=x|Id=id", "Id")]
    [InlineData("Scheme=github|Secrets:0=x|MaxBodyBytes=0", "MaxBodyBytes")]
    [InlineData("Scheme=github|Secrets:0=x|Topic=bad topic", "Topic")]
    [InlineData("Scheme=github|Secrets:0=x|RateLimit:PermitsPerSecond=0", "RateLimit:PermitsPerSecond")]
    [InlineData("Ingress:TrustedProxies:0=proxy.local", "Ingress:TrustedProxies:0")]
    public async Task Start_InvalidSource_RefusesNamingTheKey(string settings, string key)
    {
        // Settings and keys are relative to Ingress:Sources:a unless they start with Ingress:.
        static string Full(string relative) =>
            relative.StartsWith("Ingress:", StringComparison.Ordinal) ? relative : "Ingress:Sources:a:" + relative;
        var app = IngressApp.Build(
            [$"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}", "--urls", "http://127.0.0.1:0",
                .. settings.Split('|').Select(s => "--" + Full(s))]);
        await using var _ = app;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(Full(key), GatewayHost.DescribeInvalidConfiguration(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Process_SourceFromEnvironmentWithoutAuthOrAllowlist_ExitsWithCode2NamingTheKey()
    {
        using var process = ServiceProcess.Start(
            "Gateway.Ingress",
            new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = TestKafka.Shared.BootstrapServers,
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Ingress__Sources__open__Scheme"] = "none",
                ["Ingress__Sources__stripe__Scheme"] = "stripe",
                ["Ingress__Sources__stripe__Secrets__0"] = "whsec_from_env",
            });

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the service should stop by itself");

        // The timed wait returns at exit, possibly before the output readers saw the end of
        // the streams; the untimed one also waits for them.
        process.Process.WaitForExit();
        Assert.Equal(GatewayHost.InvalidConfigurationExitCode, process.Process.ExitCode);
        Assert.Contains("Ingress:Sources:open:AllowedNetworks", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingress:Sources:stripe", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_from_env", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ServerLimits_AppliedToKestrel()
    {
        await using var app = await Gateway.Ingress.Tests.EndToEnd.IngressHost.StartAsync(
            "Ingress:Server:MaxRequestHeaderCount=20",
            "Ingress:Server:RequestHeadersTimeout=00:00:07",
            "Ingress:Sources:big:Scheme=bearer",
            "Ingress:Sources:big:Secrets:0=t",
            "Ingress:Sources:big:MaxBodyBytes=3000000");

        var kestrel = app.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        for (var i = 0; i < 30; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Flood-{i}", "x");
        }

        using var flooded = await app.Client.SendAsync(request);

        Assert.Equal(20, kestrel.Limits.MaxRequestHeaderCount);
        Assert.Equal(TimeSpan.FromSeconds(7), kestrel.Limits.RequestHeadersTimeout);
        Assert.Equal(3_000_000, kestrel.Limits.MaxRequestBodySize);
        Assert.Equal(System.Net.HttpStatusCode.RequestHeaderFieldsTooLarge, flooded.StatusCode);
    }

    [Fact]
    public async Task Configure_DefaultServerLimits_OursWhereTheyDifferFromKestrels()
    {
        var ours = new ServerLimitsOptions();
        var kestrelDefaults = new KestrelServerOptions();

        var applied = await ConfiguredKestrelAsync();

        var limits = applied.Limits;
        var defaults = kestrelDefaults.Limits;
        Assert.Equal(ours.MaxRequestHeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.NotEqual(defaults.MaxRequestHeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(ours.MaxRequestHeaderCount, limits.MaxRequestHeaderCount);
        Assert.NotEqual(defaults.MaxRequestHeaderCount, limits.MaxRequestHeaderCount);
        Assert.Equal(ours.MaxRequestLineSize, limits.MaxRequestLineSize);
        Assert.NotEqual(defaults.MaxRequestLineSize, limits.MaxRequestLineSize);
        Assert.Equal(ours.RequestHeadersTimeout, limits.RequestHeadersTimeout);
        Assert.NotEqual(defaults.RequestHeadersTimeout, limits.RequestHeadersTimeout);
        Assert.Equal(ours.KeepAliveTimeout, limits.KeepAliveTimeout);
        Assert.NotEqual(defaults.KeepAliveTimeout, limits.KeepAliveTimeout);
        Assert.Equal(ours.MaxConcurrentConnections, limits.MaxConcurrentConnections);
        Assert.NotEqual(defaults.MaxConcurrentConnections, limits.MaxConcurrentConnections);
        var rate = limits.MinRequestBodyDataRate!;
        Assert.Equal(ours.MinRequestBodyDataRate, rate.BytesPerSecond);
        Assert.NotEqual(defaults.MinRequestBodyDataRate!.BytesPerSecond, rate.BytesPerSecond);

        // Kestrel's grace period is also 5 s; ours is set on purpose and must stay that.
        Assert.Equal(ours.MinRequestBodyDataRateGracePeriod, rate.GracePeriod);
        Assert.Equal(1024 * 1024, limits.MaxRequestBodySize);
        Assert.NotEqual(defaults.MaxRequestBodySize, limits.MaxRequestBodySize);
        Assert.False(applied.AddServerHeader);
        Assert.Equal(HttpProtocols.Http1, EndpointProtocols(applied));
        Assert.NotEqual(EndpointProtocols(kestrelDefaults), EndpointProtocols(applied));
    }

    [Fact]
    public async Task Configure_EveryServerLimitSet_AppliedToKestrel()
    {
        var applied = await ConfiguredKestrelAsync(
            "Ingress:Server:MaxRequestHeadersTotalSize=8000",
            "Ingress:Server:MaxRequestHeaderCount=30",
            "Ingress:Server:MaxRequestLineSize=2000",
            "Ingress:Server:RequestHeadersTimeout=00:00:04",
            "Ingress:Server:KeepAliveTimeout=00:00:20",
            "Ingress:Server:MinRequestBodyDataRate=4096",
            "Ingress:Server:MinRequestBodyDataRateGracePeriod=00:00:03",
            "Ingress:Server:MaxConcurrentConnections=500",
            "Ingress:Server:Http2=true");

        var limits = applied.Limits;
        Assert.Equal(8000, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(30, limits.MaxRequestHeaderCount);
        Assert.Equal(2000, limits.MaxRequestLineSize);
        Assert.Equal(TimeSpan.FromSeconds(4), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), limits.KeepAliveTimeout);
        Assert.Equal(4096, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(3), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.Equal(500, limits.MaxConcurrentConnections);
        Assert.Equal(HttpProtocols.Http1AndHttp2, EndpointProtocols(applied));
    }

    [Theory]
    [InlineData("", "", 1_048_576 + 16_384 + 65_536)]
    [InlineData("MaxBodyBytes=67108864", "", 67_108_864 + 16_384 + 65_536)]
    [InlineData("MaxBodyBytes=1000", "", 1_000_000)]
    [InlineData("", "Kafka:Producer:message.max.bytes=100000", 100_000)]
    [InlineData("", "Kafka:Client:message.max.bytes=200000", null)]
    public async Task Configure_LargestBody_ProducerLimitFitsItUnlessSet(
        string sourceSetting, string kafkaSetting, int? producerLimit)
    {
        string[] settings =
        [
            $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
            "--Ingress:Sources:a:Scheme=bearer",
            "--Ingress:Sources:a:Secrets:0=t",
            .. sourceSetting.Length == 0 ? [] : new[] { "--Ingress:Sources:a:" + sourceSetting },
            .. kafkaSetting.Length == 0 ? [] : new[] { "--" + kafkaSetting },
        ];
        await using var app = IngressApp.Build(settings);

        var kafka = app.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;

        int? applied = kafka.Producer.TryGetValue(RecordSizeLimit.Property, out var value)
            ? int.Parse(value, CultureInfo.InvariantCulture)
            : null;
        Assert.Equal(producerLimit, applied);
    }

    [Fact]
    public void Validate_EverySchemeConfiguredProperly_Succeeds()
    {
        var options = new IngressOptions { PublicBaseUrl = "https://hooks.example.com" };
        foreach (var scheme in SchemeDefaults.ByName.Keys)
        {
            var source = new SourceOptions { Scheme = scheme, Hmac = { Header = "X-Signature" } };
            source.Secrets["0"] = scheme == "basic" ? "user:pass" : "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            source.AllowedNetworks.Add("10.0.0.0/8");
            options.Sources[scheme] = source;
        }

        var result = new IngressOptionsValidator(TimeSpan.FromSeconds(5)).Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    // A fresh instance through the same configuration as the server's, without starting it.
    private static async Task<KestrelServerOptions> ConfiguredKestrelAsync(params string[] settings)
    {
        await using var app = IngressApp.Build(
            [$"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
                "--Ingress:Sources:a:Scheme=bearer", "--Ingress:Sources:a:Secrets:0=t",
                .. settings.Select(s => "--" + s)]);
        return app.Services.GetRequiredService<IOptionsFactory<KestrelServerOptions>>()
            .Create(Options.DefaultName);
    }

    // Listen applies the endpoint defaults, which is where the protocols are configured.
    private static HttpProtocols EndpointProtocols(KestrelServerOptions kestrel)
    {
        var protocols = HttpProtocols.None;
        kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => protocols = listen.Protocols);
        return protocols;
    }
}
