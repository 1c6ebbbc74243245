using Gateway.Ingress;
using Gateway.Ingress.Configuration;
using Gateway.Kafka;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the ingress: validated sources, the receiver and deliberate Kestrel limits.</summary>
internal static class IngressServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddIngress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngressOptions>()
            .BindConfiguration(IngressOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngressOptions>>(services =>
            new IngressOptionsValidator(ProduceTimeoutUnvalidated(
                services.GetRequiredService<IConfiguration>())));
        builder.Services.AddSingleton<SourceCatalog>();
        builder.Services.AddSingleton<WebhookReceiver>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IConfiguration>((kestrel, configuration) =>
                ApplyLimits(kestrel, BindUnvalidated(configuration)));

        // The one producer must be able to carry the largest body any source accepts.
        builder.Services.AddOptions<KafkaOptions>()
            .PostConfigure<IConfiguration>((kafka, configuration) =>
                RecordSizeLimit.Fit(kafka, BindUnvalidated(configuration)));
        return builder;
    }

    // Kestrel's options are read while the application is built, and Kafka's are validated at
    // start beside the ingress's; reading the validated ingress options from either would
    // throw first and bypass the report that names each wrong key. Limits from a section that
    // does not bind fall back to defaults, and the start-up validation stops the service anyway.
    private static IngressOptions BindUnvalidated(IConfiguration configuration)
    {
        var options = new IngressOptions();
        try
        {
            configuration.GetSection(IngressOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            return new IngressOptions();
        }

        return options;
    }

    // Source deadlines are checked against the producer's timeout; a wrong one is reported by
    // the Kafka options' own validation, so a default stands in for it here.
    private static TimeSpan ProduceTimeoutUnvalidated(IConfiguration configuration)
    {
        var kafka = new KafkaOptions();
        try
        {
            configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);
        }
        catch (InvalidOperationException)
        {
            return new KafkaOptions().ProduceTimeout;
        }

        return kafka.ProduceTimeout;
    }

    private static void ApplyLimits(KestrelServerOptions kestrel, IngressOptions ingress)
    {
        var server = ingress.Server;
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestHeadersTotalSize = server.MaxRequestHeadersTotalSize;
        kestrel.Limits.MaxRequestHeaderCount = server.MaxRequestHeaderCount;
        kestrel.Limits.MaxRequestLineSize = server.MaxRequestLineSize;
        kestrel.Limits.RequestHeadersTimeout = server.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = server.KeepAliveTimeout;
        kestrel.Limits.MaxConcurrentConnections = server.MaxConcurrentConnections;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(
            server.MinRequestBodyDataRate, server.MinRequestBodyDataRateGracePeriod);

        // Each source lowers this per request; the server-wide ceiling is the largest source limit.
        kestrel.Limits.MaxRequestBodySize = ingress.Sources.Count == 0
            ? 1024 * 1024
            : Math.Max(1, ingress.Sources.Values.Max(s => s.MaxBodyBytes));
        kestrel.ConfigureEndpointDefaults(listen =>
            listen.Protocols = server.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1);
    }
}
