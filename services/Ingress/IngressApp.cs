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

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
