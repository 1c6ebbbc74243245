using Gateway.Router.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests.Delivery;

public sealed class DeliveryRegistrationTests
{
    [Fact]
    public async Task Start_BadTransformLimit_RefusesNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:Transform:MaxStatements"] = "0",
        });
        builder.AddRouterDelivery();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Router:Transform:MaxStatements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SettingsFromConfiguration_AreBound()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:Transform:Timeout"] = "00:00:00.250",
            ["Router:Transform:MaxRecursionDepth"] = "16",
            ["Router:SchemaRegistry:Url"] = "http://registry:8081",
            ["Router:SchemaRegistry:Registration"] = "RequireExisting",
        });
        builder.AddRouterDelivery();
        using var host = builder.Build();

        await host.StartAsync();
        var transform = host.Services.GetRequiredService<IOptions<TransformOptions>>().Value;
        var registry = host.Services.GetRequiredService<IOptions<SchemaRegistryOptions>>().Value;
        await host.StopAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(250), transform.Timeout);
        Assert.Equal(16, transform.MaxRecursionDepth);
        Assert.Equal(1_000_000, transform.MaxStatements);
        Assert.Equal(SchemaRegistration.RequireExisting, registry.Registration);
    }

    [Fact]
    public async Task Start_BadRegistryUrl_RefusesNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Router:SchemaRegistry:Url"] = "registry:8081",
        });
        builder.AddRouterDelivery();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Router:SchemaRegistry:Url", error.Message, StringComparison.Ordinal);
    }
}
