namespace Gateway.Router;

/// <summary>Builds the ingress service: events from Kafka to every destination that should have them, once.</summary>
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

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
