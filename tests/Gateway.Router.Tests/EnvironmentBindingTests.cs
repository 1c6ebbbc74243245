using Gateway.Router;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests;

/// <summary>
/// Tests that set process-wide environment variables. They run alone: a router process started
/// by a parallel test would inherit the variables and route its events by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup
{
    public const string Name = "process environment";
}

[Collection(ProcessEnvironmentGroup.Name)]
public sealed class EnvironmentBindingTests
{
    private static string[] Args() =>
    [
        "--urls", "http://127.0.0.1:0",
        $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
        $"--Redis:Configuration={TestRedis.Shared.Configuration}",
    ];

    [Fact]
    public void Process_EnvironmentKeys_BindAsDocumented()
    {
        var environment = new Dictionary<string, string>
        {
            ["Router__Destinations__crm__Type"] = "http",
            ["Router__Destinations__crm__Url"] = "http://127.0.0.1:9/contacts",
            ["Router__Destinations__crm__AllowPrivateNetworks"] = "true",
            ["Router__Routes__r1__Sources__0"] = "stripe",
            ["Router__Routes__r1__Types__0"] = "com.stripe.customer.*",
            ["Router__Routes__r1__Destinations__0"] = "crm",
        };
        using var scope = new EnvironmentScope(environment);
        var app = RouterApp.Build(Args());

        var options = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value;

        var crm = options.Destinations["crm"];
        Assert.Equal("http", crm.Type);
        Assert.Equal("http://127.0.0.1:9/contacts", crm.Url);
        Assert.True(crm.AllowPrivateNetworks);
        var route = options.Routes["r1"];
        Assert.Equal(["stripe"], route.Sources);
        Assert.Equal(["com.stripe.customer.*"], route.Types);
        Assert.Equal(["crm"], route.Destinations);
        Assert.Equal("gateway-router", options.Consumer.GroupId);
        Assert.Equal(5, options.Retry.EffectiveSchedule.Count);
        Assert.Equal(TimeSpan.FromDays(1), options.Retry.EffectiveSchedule[^1]);
    }

    private sealed class EnvironmentScope : IDisposable
    {
        private readonly IReadOnlyDictionary<string, string> _values;

        public EnvironmentScope(IReadOnlyDictionary<string, string> values)
        {
            _values = values;
            foreach (var (key, value) in values)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }

        public void Dispose()
        {
            foreach (var key in _values.Keys)
            {
                Environment.SetEnvironmentVariable(key, null);
            }
        }
    }
}
