using Gateway.Ingress.Configuration;
using Gateway.Kafka;
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
    }

    // Kestrel has stopped accepting and finished in-flight requests by now; every 202 already
    // had its ack, so this flush only settles records whose senders were told 503 or left.
    private static void Stopped(WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngressOptions>>();
        var remaining = app.Services.GetRequiredService<EventProducer>().Flush(options.Value.FlushTimeout);
        app.Logger.Flushed(remaining);
    }
}
