using System.Text;
using Gateway.Router;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Router.Tests.Delivery;

/// <summary>The delivery building blocks through the real router: Kafka in, HTTP or Kafka out.</summary>
public sealed class RouterDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string[] Args(params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        $"--Kafka:BootstrapServers={TestKafka.Shared.BootstrapServers}",
        $"--Redis:Configuration={TestRedis.Shared.Configuration}",
        "--Router:Destinations:crm:Type=http",
        "--Router:Destinations:crm:Url=https://crm.example.com/contacts",
        "--Router:Routes:all:Destinations:0=crm",
        .. extra,
    ];

    [Fact]
    public async Task Deliver_RouteWithFilter_OnlyMatchingEventReachesDownstream()
    {
        var scenario = new RouterScenario("filter");
        await scenario.CreateTopicsAsync();
        await using var gold = await Downstream.StartAsync();
        await using var everything = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "gold", gold.Url("/gold"));
        RouterScenario.HttpDestination(settings, "everything", everything.Url("/all"));
        RouterScenario.Route(settings, "gold-only", "gold");
        settings["Router:Routes:gold-only:Filter"] =
            "{\"body\": {\"customer\": {\"tier\": {\"$in\": [\"gold\", \"platinum\"]}}}}";
        RouterScenario.Route(settings, "all", "everything");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_silver", body: "{\"customer\":{\"tier\":\"silver\"}}"));
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_gold", body: "{\"customer\":{\"tier\":\"gold\"}}"));
        }

        // The unfiltered route sees both, so by then the router has decided on each of them.
        await Eventually.TrueAsync(
            () => everything.Received.Any(r => r.EventId == "evt_silver")
                && everything.Received.Any(r => r.EventId == "evt_gold")
                && gold.Received.Any(r => r.EventId == "evt_gold"),
            Patience,
            "both events are routed");
        Assert.Equal(["evt_gold"], gold.Received.Select(r => r.EventId));
    }

    [Fact]
    public async Task Start_FilterThatDoesNotParse_RefusesNamingTheKey()
    {
        var app = RouterApp.Build(Args("--Router:Routes:all:Filter={\"body\": {\"amount\": {\"$greater\": 5}}}"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var message = GatewayHost.DescribeInvalidConfiguration(error);
        Assert.Contains("Router:Routes:all:Filter", message, StringComparison.Ordinal);
        Assert.Contains("$greater", message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("Router:Destinations:crm:Transform", "--Router:Destinations:crm:Transform=function transform(e) {")]
    [InlineData("Router:Destinations:crm:Transform", "--Router:Destinations:crm:Transform=var x = 1;")]
    [InlineData("Router:Destinations:crm:TransformFile", "--Router:Destinations:crm:TransformFile=samples/none.js")]
    public async Task Start_UnusableTransformation_RefusesNamingTheKey(string key, string setting)
    {
        var app = RouterApp.Build(Args(setting));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(key, GatewayHost.DescribeInvalidConfiguration(error), StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Deliver_CrmSampleTransformFile_CreatesContactAndSkipsOtherStripeEvents()
    {
        var scenario = new RouterScenario("crm-sample");
        await scenario.CreateTopicsAsync();
        await using var crm = await FakeCrm.StartAsync();
        var settings = scenario.Settings();
        settings["contentRoot"] = AppContext.BaseDirectory;
        RouterScenario.HttpDestination(settings, "hubspot", crm.Address);
        settings["Router:Destinations:hubspot:TransformFile"] = "samples/crm-hubspot.js";
        settings["Router:Destinations:hubspot:Auth:Type"] = "bearer";
        settings["Router:Destinations:hubspot:Auth:Token"] = FakeCrm.Token;
        RouterScenario.Route(settings, "customers", "hubspot");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        var invoice = Samples.StripeCustomerCreated.Replace(
            "\"type\": \"customer.created\"",
            "\"type\": \"invoice.paid\"",
            StringComparison.Ordinal);
        Assert.NotEqual(Samples.StripeCustomerCreated, invoice);
        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_invoice", type: "com.stripe.invoice.paid", body: invoice));
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_customer", body: Samples.StripeCustomerCreated));
        }

        await Eventually.TrueAsync(() => !crm.CreatedContacts.IsEmpty, Patience, "the contact is created");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var contact = Assert.Single(crm.CreatedContacts);
        Assert.Equal("ada.lovelace@example.com", (string?)contact["email"]);
        Assert.Equal("Augusta Ada", (string?)contact["firstname"]);
        Assert.Equal("Lovelace", (string?)contact["lastname"]);
        var headers = Assert.Single(crm.RequestHeaders);
        Assert.Equal("evt_customer", headers["Idempotency-Key"].ToString());
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_TransformationThatNeverEnds_IsStoppedAndDeadLettered()
    {
        var scenario = new RouterScenario("transform-loop");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:Transform"] = "function transform(event) { while (true) {} }";

        // Statements unlimited, so it is the clock that stops the loop.
        settings["Router:Transform:Timeout"] = "00:00:00.500";
        settings["Router:Transform:MaxStatements"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_loop", body: "{\"secret\":\"do-not-leak\"}"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("evt_loop", RouterScenario.Header(dead, Contracts.EventHeaders.Id));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal("1", RouterScenario.Header(dead, RouterHeaders.Attempts));
        var reason = RouterScenario.Header(dead, RouterHeaders.Error);
        Assert.NotNull(reason);
        Assert.Contains("transformation failed (Timeout)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-leak", reason, StringComparison.Ordinal);
        Assert.Equal("{\"secret\":\"do-not-leak\"}", Encoding.UTF8.GetString(dead.Message.Value!));
        Assert.Empty(crm.Received);
    }
}
