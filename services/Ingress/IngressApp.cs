using System.Globalization;
using Gateway.Ingress.Configuration;
using Gateway.Kafka;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Gateway.Ingress;

/// <summary>Builds the ingress service: webhooks in, CloudEvents on Kafka.</summary>
public static class IngressApp
{
    /// <summary>Builds the application from command-line arguments and the usual configuration sources.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(IngressApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();
        builder.AddGatewayKafka();
        builder.AddIngress();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapWebhooks();
        app.Lifetime.ApplicationStarted.Register(() => Started(app));
        app.Lifetime.ApplicationStopped.Register(() => Stopped(app));
        return app;
    }

    private static void Started(WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<SourceCatalog>();
        if (app.Logger.IsEnabled(LogLevel.Information))
        {
            app.Logger.SourcesConfigured(catalog.Names.Count, string.Join(", ", catalog.Names));
        }

        WarnOfLowRecordLimit(app);
    }

    // An operator's explicit message.max.bytes is kept, since it may mirror the broker's limit;
    // bodies above it are answered 413, which the operator should hear about once, at start.
    private static void WarnOfLowRecordLimit(WebApplication app)
    {
        var ingress = app.Services.GetRequiredService<IOptions<IngressOptions>>().Value;
        var kafka = app.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;
        var required = RecordSizeLimit.Required(ingress);
        if (ingress.Sources.Count > 0
            && RecordSizeLimit.Explicit(kafka) is { } limit
            && long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            && bytes < required)
        {
            var largest = ingress.Sources.MaxBy(s => s.Value.MaxBodyBytes).Key;
            app.Logger.RecordLimitBelowBodyLimit(limit, required, largest);
        }
    }

    // Kestrel has stopped accepting and finished in-flight requests by now; every 202 already
    // had its ack, so this flush only settles records whose senders were told 503 or left.
    private static void Stopped(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<IngressOptions>>();
        var remaining = app.Services.GetRequiredService<EventProducer>().Flush(options.Value.FlushTimeout);
        app.Logger.Flushed(remaining);
    }
}
