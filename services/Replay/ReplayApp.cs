namespace Gateway.Replay;

/// <summary>Builds the replay service: the dead-letter console, API and replays.</summary>
public static class ReplayApp
{
    /// <summary>Builds the application from command-line arguments and the usual configuration sources.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ReplayApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();
        builder.AddGatewayKafka();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
