using Gateway.Router.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>Builds the router service: events from Kafka to every destination that should have them, once.</summary>
public static class RouterApp
{
    /// <summary>Builds the application from command-line arguments and the usual configuration sources.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(RouterApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();
        builder.AddGatewayKafka();
        builder.AddGatewayRedis();
        builder.AddRouterDelivery();
        builder.AddRouter();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapRouterAdmin();
        return app;
    }

    private static void AddRouter(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RouterOptions>()
            .BindConfiguration(RouterOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RouterTelemetry>();
        services.AddSingleton<RouteTable>();
        services.AddSingleton<DestinationCatalog>();
        services.AddSingleton<DedupStore>();
        services.AddSingleton<ParkingLot>();
        services.AddSingleton<RetryLane>();
        services.AddSingleton<RouterHandler>();
        services.AddSingleton<PausedDestinations>();
        services.AddHostedService(sp => sp.GetRequiredService<PausedDestinations>());
        services.AddSingleton<RouterWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RouterWorker>());
        services.AddSingleton<RouterReadiness>();
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration(
                RouterReadiness.Name,
                sp => sp.GetRequiredService<RouterReadiness>(),
                HealthStatus.Unhealthy,
                ["ready"]));
    }
}
