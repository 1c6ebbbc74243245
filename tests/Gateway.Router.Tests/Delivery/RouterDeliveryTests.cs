using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Gateway.Router;
using Gateway.Router.Delivery;
using Gateway.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Deliver_CrmSampleTransformFile_UpsertsContactAndSkipsOtherStripeEvents()
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

        await Eventually.TrueAsync(() => crm.Created == 1, Patience, "the contact is created");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var contact = Assert.Single(crm.Contacts);
        Assert.Equal("ada.lovelace@example.com", (string?)contact["email"]);
        Assert.Equal("Augusta Ada", (string?)contact["firstname"]);
        Assert.Equal("Lovelace", (string?)contact["lastname"]);
        var headers = Assert.Single(crm.RequestHeaders);
        Assert.Equal("evt_customer", headers["Idempotency-Key"].ToString());
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_CrmSampleSameCustomerInTwoEvents_UpdatesOneContactWithoutConflict()
    {
        var scenario = new RouterScenario("crm-upsert");
        await scenario.CreateTopicsAsync();
        await using var crm = await FakeCrm.StartAsync();
        var settings = scenario.Settings();
        settings["contentRoot"] = AppContext.BaseDirectory;
        RouterScenario.HttpDestination(settings, "hubspot", crm.Address);
        settings["Router:Destinations:hubspot:TransformFile"] = "samples/crm-hubspot.js";
        settings["Router:Destinations:hubspot:Auth:Type"] = "bearer";
        settings["Router:Destinations:hubspot:Auth:Token"] = FakeCrm.Token;
        SampleRoute(settings, "stripe-customers-to-crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        var updated = Samples.StripeCustomerCreated
            .Replace("customer.created", "customer.updated", StringComparison.Ordinal)
            .Replace("+44 20 7946 0958", "+44 20 7946 0000", StringComparison.Ordinal);
        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event(
                    "evt_created",
                    key: "cus_RkT4sLkdIwHu7i",
                    body: Samples.StripeCustomerCreated));
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event(
                    "evt_updated",
                    type: "com.stripe.customer.updated",
                    key: "cus_RkT4sLkdIwHu7i",
                    body: updated));
        }

        await Eventually.TrueAsync(() => crm.Updated == 1, Patience, "the second event updates the contact");
        var contact = Assert.Single(crm.Contacts);
        Assert.Equal("ada.lovelace@example.com", (string?)contact["email"]);
        Assert.Equal("+44 20 7946 0000", (string?)contact["phone"]);
        Assert.Equal(1, crm.Created);
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_ErpSampleRouteAndTransformFile_CreatesSalesOrderFromShopifyTraffic()
    {
        var scenario = new RouterScenario("erp-sample");
        await scenario.CreateTopicsAsync();
        await using var erp = await FakeErp.StartAsync();
        var settings = scenario.Settings();
        settings["contentRoot"] = AppContext.BaseDirectory;
        RouterScenario.HttpDestination(settings, "erp", erp.Address);
        settings["Router:Destinations:erp:TransformFile"] = "samples/erp-sales-order.js";
        SampleRoute(settings, "shopify-orders-to-erp");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        var testOrder = Samples.ShopifyOrderCreated
            .Replace("\"test\": false", "\"test\": true", StringComparison.Ordinal)
            .Replace("\"id\": 5823417892123,", "\"id\": 5823417892999,", StringComparison.Ordinal);
        Assert.NotEqual(Samples.ShopifyOrderCreated, testOrder);
        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, ShopifyEvent("evt_updated", "orders/updated"));
            await producer.ProduceAsync(scenario.SourceTopic, ShopifyEvent("evt_test", "orders/create", testOrder));
            await producer.ProduceAsync(scenario.SourceTopic, ShopifyEvent("evt_order", "orders/create"));
        }

        await Eventually.TrueAsync(() => !erp.CreatedOrders.IsEmpty, Patience, "the sales order is created");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var order = Assert.Single(erp.CreatedOrders);
        Assert.Equal("shopify-5823417892123", (string?)order["externalId"]);
        Assert.Equal("#1042", (string?)order["orderNumber"]);
        Assert.Equal(17092, (int?)order["totals"]!["totalMinor"]);
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
        settings["Router:Transform:MaxStatements"] =
            int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    [Fact]
    public async Task Deliver_OAuth2Destination_SendsTokenFromTheTokenEndpoint()
    {
        var scenario = new RouterScenario("oauth2");
        await scenario.CreateTopicsAsync();
        await using var server = await FakeAuthorizationServer.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "erp", server.Api);
        OAuth2(settings, "erp", server.TokenEndpoint);
        RouterScenario.Route(settings, "all", "erp");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_a", body: "{\"n\":1}"));
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_b", body: "{\"n\":2}"));
        }

        await Eventually.TrueAsync(() => server.ApiBodies.Count >= 2, Patience, "both requests arrive");

        // The API answers 401 to any token it did not issue, which the router would dead-letter.
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(3)));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], server.ApiBodies.Order(StringComparer.Ordinal));
        Assert.Equal(2, server.ApiCalls);
        Assert.Equal(1, server.TokenCalls);
        var form = Assert.Single(server.TokenForms);
        Assert.Equal("client_credentials", form["grant_type"].ToString());
        Assert.Equal("orders.write", form["scope"].ToString());
        Assert.Equal("https://erp.example.com", form["audience"].ToString());
        Assert.StartsWith("Basic ", Assert.Single(server.TokenAuthorizations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_TokenEndpointRefusesClient_DeadLettersWithoutTheSecret()
    {
        var scenario = new RouterScenario("oauth2-refused");
        await scenario.CreateTopicsAsync();
        await using var server = await FakeAuthorizationServer.StartAsync();
        server.TokenFailure = 401;
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "erp", server.Api);
        OAuth2(settings, "erp", server.TokenEndpoint);
        RouterScenario.Route(settings, "all", "erp");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_refused"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        var reason = RouterScenario.Header(dead, RouterHeaders.Error);
        Assert.NotNull(reason);
        Assert.Contains("401 (invalid_client)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAuthorizationServer.ClientSecret, reason, StringComparison.Ordinal);
        Assert.Equal(0, server.ApiCalls);
    }

    [Fact]
    public async Task Deliver_TokenEndpointOnLoopbackWithoutPermission_IsRefusedByTheAddressGuard()
    {
        var scenario = new RouterScenario("oauth2-guard");
        await scenario.CreateTopicsAsync();
        await using var server = await FakeAuthorizationServer.StartAsync();
        var settings = scenario.Settings();

        // A public destination, but the token endpoint it names is on loopback.
        RouterScenario.HttpDestination(settings, "erp", new Uri("http://93.184.216.34/api"), allowPrivate: false);
        OAuth2(settings, "erp", server.TokenEndpoint);
        RouterScenario.Route(settings, "all", "erp");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_guard"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.StartsWith(
            "address refused",
            RouterScenario.Header(dead, RouterHeaders.Error),
            StringComparison.Ordinal);
        Assert.Equal(0, server.TokenCalls);
    }

    [Theory]
    [InlineData("Router:Destinations:crm:Auth:TokenEndpoint", "--Router:Destinations:crm:Auth:ClientSecret=x")]
    [InlineData(
        "Router:Destinations:crm:Auth:ClientSecret",
        "--Router:Destinations:crm:Auth:TokenEndpoint=https://id.example.com/token")]
    [InlineData(
        "Router:Destinations:crm:Auth:ClientAuthentication",
        "--Router:Destinations:crm:Auth:ClientAuthentication=jwt")]
    public async Task Start_IncompleteOAuth2_RefusesNamingTheKey(string key, string setting)
    {
        var app = RouterApp.Build(Args(
            "--Router:Destinations:crm:Auth:Type=oauth2",
            "--Router:Destinations:crm:Auth:ClientId=router",
            setting));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(key, GatewayHost.DescribeInvalidConfiguration(error), StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Deliver_SigningSecret_DownstreamVerifiesEveryAttempt()
    {
        var scenario = new RouterScenario("signing");
        await scenario.CreateTopicsAsync();
        var key = RandomNumberGenerator.GetBytes(32);
        var verdicts = new System.Collections.Concurrent.ConcurrentQueue<bool>();
        await using var receiver = await Downstream.StartAsync((call, request) =>
        {
            var valid = SignatureVerifies(key, request);
            verdicts.Enqueue(valid);
            return !valid ? 401 : call == 1 ? 503 : 200;
        });
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "partner", receiver.Url("/hooks"));
        settings["Router:Destinations:partner:SigningSecret"] = "whsec_" + Convert.ToBase64String(key);
        RouterScenario.Route(settings, "all", "partner");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_signed", body: "{\"amount\":4200}"));
        }

        await Eventually.TrueAsync(() => receiver.Accepted.Count == 1, Patience, "the retry is accepted");
        Assert.Equal([true, true], verdicts);
        Assert.All(receiver.Received, r => Assert.Equal("evt_signed", r.Headers["webhook-id"]));
    }

    [Theory]
    [InlineData("whsec_c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    public async Task Start_BadSigningSecret_RefusesNamingTheKeyButNotTheSecret(string secret)
    {
        var app = RouterApp.Build(Args($"--Router:Destinations:crm:SigningSecret={secret}"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var message = GatewayHost.DescribeInvalidConfiguration(error);
        Assert.Contains("Router:Destinations:crm:SigningSecret", message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    /// <summary>
    /// Copies a route of the sample settings as it is: its events carry the sample's ingress
    /// source in <c>ce_source</c> (<c>/webhooks/shopify</c>), which names the source on any topic.
    /// </summary>
    private static void SampleRoute(Dictionary<string, string> settings, string route)
    {
        var sample = new ConfigurationBuilder().AddJsonFile(Samples.PathOf("appsettings.Sample.json")).Build();
        var section = $"Router:Routes:{route}";
        foreach (var (key, value) in sample.GetSection(section).AsEnumerable())
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }
    }

    /// <summary>A Shopify webhook as the ingress records it: type prefix + "." + the raw topic.</summary>
    private static Message<byte[]?, byte[]?> ShopifyEvent(
        string id,
        string topic,
        string body = Samples.ShopifyOrderCreated)
    {
        var message = RouterScenario.Event(
            id,
            type: "com.shopify." + topic,
            key: "5823417892123",
            body: body,
            source: "/webhooks/shopify");
        message.Headers.Add("http-X-Shopify-Topic", Encoding.UTF8.GetBytes(topic));
        message.Headers.Add("http-X-Shopify-Shop-Domain", "hopper-supplies.myshopify.com"u8.ToArray());
        return message;
    }

    private static void OAuth2(Dictionary<string, string> settings, string destination, Uri tokenEndpoint)
    {
        var auth = $"Router:Destinations:{destination}:Auth:";
        settings[auth + "Type"] = "oauth2";
        settings[auth + "TokenEndpoint"] = tokenEndpoint.ToString();
        settings[auth + "ClientId"] = FakeAuthorizationServer.ClientId;
        settings[auth + "ClientSecret"] = FakeAuthorizationServer.ClientSecret;
        settings[auth + "Scope"] = "orders.write";
        settings[auth + "Audience"] = "https://erp.example.com";
    }

    // Verified the way a receiver would, without the router's signer: HMAC-SHA256 over
    // "{id}.{timestamp}.{body}" with the decoded secret, compared with each v1 entry.
    private static bool SignatureVerifies(byte[] key, ReceivedRequest request)
    {
        if (!request.Headers.TryGetValue("webhook-id", out var id)
            || !request.Headers.TryGetValue("webhook-timestamp", out var timestamp)
            || !request.Headers.TryGetValue("webhook-signature", out var signature))
        {
            return false;
        }

        var expected = Convert.ToBase64String(
            HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{request.Body}")));
        return signature.Split(' ').Any(s => s == "v1," + expected);
    }

    [Fact]
    public async Task Deliver_StructuredKafkaDestination_TeamReadsItWithJsonDeserializer()
    {
        var scenario = new RouterScenario("structured");
        await scenario.CreateTopicsAsync();
        await using var registry = await FakeSchemaRegistry.StartAsync();
        var teamTopic = TestKafka.UniqueTopic("team.billing");
        await TestKafka.Shared.CreateTopicAsync(teamTopic, 1);
        var settings = scenario.Settings();
        Structured(settings, "billing", teamTopic, registry.Url);
        RouterScenario.Route(settings, "all", "billing");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_team", key: "cus_7", body: "{\"id\":\"cus_7\",\"amount\":12.5}"));
        }

        var record = Assert.Single(TestKafka.Shared.ReadAll(teamTopic, 1, Patience));
        Assert.Equal("cus_7", Encoding.UTF8.GetString(record.Message.Key!));
        Assert.Contains($"POST /subjects/{teamTopic}-value/versions", registry.Calls);
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var deserializer = new JsonDeserializer<StructuredCloudEvent>(client, new JsonDeserializerConfig());
        var read = await deserializer.DeserializeAsync(
            record.Message.Value,
            isNull: false,
            new SerializationContext(MessageComponentType.Value, teamTopic, record.Message.Headers));
        Assert.Equal("evt_team", read.Id);
        Assert.Equal("/webhooks/stripe", read.Source);
        Assert.Equal("com.stripe.customer.created", read.Type);
        Assert.Equal("application/json", read.DataContentType);
        Assert.Equal("cus_7", (string?)read.Data!["id"]);
        Assert.Equal(12.5m, (decimal)read.Data["amount"]!);
    }

    [Fact]
    public async Task Deliver_StructuredRequireExistingWithoutSchema_DeadLettersNamingTheSubject()
    {
        var scenario = new RouterScenario("structured-missing");
        await scenario.CreateTopicsAsync();
        await using var registry = await FakeSchemaRegistry.StartAsync();
        var teamTopic = TestKafka.UniqueTopic("team.billing");
        await TestKafka.Shared.CreateTopicAsync(teamTopic, 1);
        var settings = scenario.Settings();
        Structured(settings, "billing", teamTopic, registry.Url);
        settings["Router:SchemaRegistry:Registration"] = "RequireExisting";
        RouterScenario.Route(settings, "all", "billing");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_unregistered"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal("1", RouterScenario.Header(dead, RouterHeaders.Attempts));
        Assert.Contains(
            $"'{teamTopic}-value'",
            RouterScenario.Header(dead, RouterHeaders.Error),
            StringComparison.Ordinal);
        Assert.Empty(TestKafka.Shared.ReadAll(teamTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_SchemaRegistryUnreachable_RetriesThroughTheLaneBeforeDeadLettering()
    {
        var scenario = new RouterScenario("structured-down", retryLevels: 1);
        await scenario.CreateTopicsAsync();
        var teamTopic = TestKafka.UniqueTopic("team.billing");
        await TestKafka.Shared.CreateTopicAsync(teamTopic, 1);
        var settings = scenario.Settings(retryDelay: TimeSpan.FromSeconds(1));
        Structured(settings, "billing", teamTopic, $"http://127.0.0.1:{Ports.Free()}");
        settings["Router:SchemaRegistry:RequestTimeout"] = "00:00:02";
        RouterScenario.Route(settings, "all", "billing");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_no_registry"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("exhausted", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal("4", RouterScenario.Header(dead, RouterHeaders.Attempts));
        Assert.Contains("Schema Registry", RouterScenario.Header(dead, RouterHeaders.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StructuredWithoutRegistryUrl_RefusesNamingTheKey()
    {
        var app = RouterApp.Build(Args(
            "--Router:Destinations:team:Type=kafka",
            "--Router:Destinations:team:Topic=team.billing",
            "--Router:Destinations:team:Format=structured-json"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var message = GatewayHost.DescribeInvalidConfiguration(error);
        Assert.Contains("Router:SchemaRegistry:Url", message, StringComparison.Ordinal);
        Assert.Contains("Router:Destinations:team:Format", message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    private static void Structured(Dictionary<string, string> settings, string name, string topic, string registryUrl)
    {
        settings[$"Router:Destinations:{name}:Type"] = "kafka";
        settings[$"Router:Destinations:{name}:Topic"] = topic;
        settings[$"Router:Destinations:{name}:Format"] = "structured-json";
        settings["Router:SchemaRegistry:Url"] = registryUrl;
    }

    [Fact]
    public void Start_ShippedSampleSettingsWithSecrets_PassValidation()
    {
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "samples", "appsettings.Sample.json"))
            .Build();
        var args = sample.AsEnumerable()
            .Where(s => s.Value is not null)
            .Select(s => $"--{s.Key}={s.Value}")
            .Concat(
            [
                $"--contentRoot={AppContext.BaseDirectory}",
                "--Router:Destinations:hubspot:Auth:Token=pat-na1-0000",
                "--Router:Destinations:erp:Auth:ClientSecret=s3cret",
                "--Router:Destinations:erp:SigningSecret=whsec_" + Convert.ToBase64String(new byte[32]),
            ]);
        var app = RouterApp.Build([.. Args(), .. args]);

        var options = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value;

        Assert.Equal("samples/erp-sales-order.js", options.Destinations["erp"].TransformFile);
        Assert.Equal("oauth2", options.Destinations["erp"].Auth.Type);
        Assert.Equal(3, options.Routes.Values.Count(r => r.Filter is not null));
    }
}
