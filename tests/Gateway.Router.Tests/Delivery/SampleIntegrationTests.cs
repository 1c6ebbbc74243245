using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Router.Delivery;
using Microsoft.Extensions.Configuration;

namespace Gateway.Router.Tests.Delivery;

public sealed class SampleIntegrationTests
{
    private static readonly TransformOptions Limits = new();

    [Fact]
    public async Task CrmHubspot_StripeCustomerCreated_CreatesContactAtTheCrm()
    {
        await using var crm = await FakeCrm.StartAsync();
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);

        var outcome = transformer.Transform(StripeEvent(Samples.StripeCustomerCreated), default);
        using var response = await SendAsync(outcome, crm.Address, FakeCrm.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, crm.Created);
        var contact = Assert.Single(crm.Contacts);
        Assert.Equal("ada.lovelace@example.com", (string?)contact["email"]);
        Assert.Equal("Augusta Ada", (string?)contact["firstname"]);
        Assert.Equal("Lovelace", (string?)contact["lastname"]);
        Assert.Equal("+44 20 7946 0958", (string?)contact["phone"]);
        Assert.Equal("12 St James's Square, Flat 3", (string?)contact["address"]);
        Assert.Equal("London", (string?)contact["city"]);
        Assert.Equal("SW1Y 4JH", (string?)contact["zip"]);
        Assert.Equal("GB", (string?)contact["country"]);
        Assert.Equal("Analytical Engines Ltd", (string?)contact["company"]);
        Assert.Equal("evt_1", crm.RequestHeaders.Single()["X-Source-Event-Id"].ToString());
    }

    [Fact]
    public async Task CrmHubspot_SameCustomerInTwoEvents_UpdatesTheOneContact()
    {
        await using var crm = await FakeCrm.StartAsync();
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);
        var updated = Mutate(Samples.StripeCustomerCreated, o =>
        {
            o["type"] = "customer.updated";
            o["data"]!["object"]!["phone"] = "+44 20 7946 0000";
        });

        using var first = await SendAsync(
            transformer.Transform(StripeEvent(Samples.StripeCustomerCreated), default),
            crm.Address,
            FakeCrm.Token);
        using var second = await SendAsync(
            transformer.Transform(StripeEvent(updated, "evt_2"), default),
            crm.Address,
            FakeCrm.Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((1, 1), (crm.Created, crm.Updated));
        var contact = Assert.Single(crm.Contacts);
        Assert.Equal("ada.lovelace@example.com", (string?)contact["email"]);
        Assert.Equal("+44 20 7946 0000", (string?)contact["phone"]);
        Assert.Equal("Lovelace", (string?)contact["lastname"]);
    }

    [Fact]
    public void CrmHubspot_StripeCustomerCreated_SendsOneUpsertInputKeyedByEmail()
    {
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);

        var request = Assert.IsType<TransformedRequest>(
            transformer.Transform(StripeEvent(Samples.StripeCustomerCreated), default));

        Assert.Equal(FakeCrm.UpsertPath, request.Path);
        Assert.Equal(HttpMethod.Post, request.Method);
        var input = Assert.Single(JsonNode.Parse(request.Body.Span)!["inputs"]!.AsArray())!;
        Assert.Equal("email", (string?)input["idProperty"]);
        Assert.Equal("ada.lovelace@example.com", (string?)input["id"]);
        Assert.Equal("Augusta Ada", (string?)input["properties"]!["firstname"]);
    }

    [Fact]
    public async Task CrmHubspot_CustomerWithoutNameOrAddress_SendsOnlyWhatIsKnown()
    {
        await using var crm = await FakeCrm.StartAsync();
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);
        var body = Mutate(Samples.StripeCustomerCreated, o =>
        {
            var customer = o["data"]!["object"]!.AsObject();
            customer["name"] = null;
            customer["address"] = null;
            customer["phone"] = null;
            customer["metadata"] = new JsonObject();
        });

        var outcome = transformer.Transform(StripeEvent(body), default);
        using var response = await SendAsync(outcome, crm.Address, FakeCrm.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contact = Assert.Single(crm.Contacts);
        Assert.Equal(["email", "lifecyclestage"], contact.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CrmHubspot_CustomerWithoutEmail_FailsAsScriptError()
    {
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);
        var body = Mutate(Samples.StripeCustomerCreated, o => o["data"]!["object"]!["email"] = null);

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(StripeEvent(body), default));

        Assert.Equal(TransformError.ScriptError, failed.Error);
        Assert.Contains("cus_RkT4sLkdIwHu7i has no email", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrmHubspot_OtherStripeEventType_Skips()
    {
        var transformer = EventTransformer.Compile(Samples.Read("crm-hubspot.js"), Limits);
        var body = Mutate(Samples.StripeCustomerCreated, o => o["type"] = "customer.deleted");

        Assert.IsType<TransformSkipped>(transformer.Transform(StripeEvent(body), default));
    }

    [Theory]
    [InlineData("""{"inputs": [{"idProperty": "email", "properties": {"firstname": "Ada"}}]}""")]
    [InlineData("""{"inputs": [{"idProperty": "hs_object_id", "id": "a@b.example", "properties": {}}]}""")]
    [InlineData("""{"inputs": [{"idProperty": "email", "id": "a@b.example", "properties": {"age": "36"}}]}""")]
    [InlineData("""{"inputs": []}""")]
    [InlineData("""{"properties": {"email": "a@b.example"}}""")]
    public async Task CrmFake_InputHubSpotWouldRefuse_Answers400(string body)
    {
        await using var crm = await FakeCrm.StartAsync();
        var refused = new TransformedRequest(
            Encoding.UTF8.GetBytes(body),
            "application/json",
            new Dictionary<string, string>(),
            FakeCrm.UpsertPath,
            HttpMethod.Post);

        using var response = await SendAsync(refused, crm.Address, FakeCrm.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(crm.Contacts);
    }

    [Fact]
    public async Task ErpSalesOrder_ShopifyOrderCreated_CreatesSalesOrderAtTheErp()
    {
        await using var erp = await FakeErp.StartAsync();
        var transformer = EventTransformer.Compile(Samples.Read("erp-sales-order.js"), Limits);

        var outcome = transformer.Transform(ShopifyEvent(Samples.ShopifyOrderCreated, "orders/create"), default);
        using var response = await SendAsync(outcome, erp.Address, token: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = Assert.Single(erp.CreatedOrders);
        Assert.Equal("shopify-5823417892123", (string?)order["externalId"]);
        Assert.Equal("#1042", (string?)order["orderNumber"]);
        Assert.Equal("EUR", (string?)order["currency"]);
        Assert.Equal("grace@example.com", (string?)order["customer"]!["email"]);
        Assert.Equal("Grace Hopper", (string?)order["customer"]!["name"]);
        Assert.Equal("shopify-customer-7010233581599", (string?)order["customer"]!["externalId"]);
        var lines = order["lines"]!.AsArray();
        Assert.Equal(2, lines.Count);
        Assert.Equal("MUG-CMP-BLU", (string?)lines[0]!["sku"]);
        Assert.Equal("Compiler Mug (Blue / 350 ml)", (string?)lines[0]!["description"]);
        Assert.Equal(3, (int?)lines[0]!["quantity"]);
        Assert.Equal(1999, (int?)lines[0]!["unitPriceMinor"]);
        Assert.Equal(5997, (int?)lines[0]!["lineTotalMinor"]);
        Assert.Equal("shopify-variant-45213307760923", (string?)lines[1]!["sku"]);
        Assert.Equal(7950, (int?)lines[1]!["unitPriceMinor"]);
        Assert.Equal(13947, (int?)order["totals"]!["subtotalMinor"]);
        Assert.Equal(2650, (int?)order["totals"]!["taxMinor"]);
        Assert.Equal(495, (int?)order["totals"]!["shippingMinor"]);
        Assert.Equal(17092, (int?)order["totals"]!["totalMinor"]);
    }

    [Fact]
    public async Task ErpFake_TotalsThatDoNotAddUp_Answers422()
    {
        await using var erp = await FakeErp.StartAsync();
        var transformer = EventTransformer.Compile(Samples.Read("erp-sales-order.js"), Limits);
        var body = Mutate(Samples.ShopifyOrderCreated, o => o["total_price"] = "170.93");

        using var response = await SendAsync(
            transformer.Transform(ShopifyEvent(body, "orders/create"), default), erp.Address, token: null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("totalMinor", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(erp.CreatedOrders);
    }

    [Theory]
    [InlineData("orders/updated")]
    [InlineData("orders/cancelled")]
    public void ErpSalesOrder_OtherShopifyTopic_Skips(string topic)
    {
        var transformer = EventTransformer.Compile(Samples.Read("erp-sales-order.js"), Limits);

        var outcome = transformer.Transform(ShopifyEvent(Samples.ShopifyOrderCreated, topic), default);

        Assert.IsType<TransformSkipped>(outcome);
    }

    [Fact]
    public void ErpSalesOrder_OrderWithoutLines_FailsAsScriptError()
    {
        var transformer = EventTransformer.Compile(Samples.Read("erp-sales-order.js"), Limits);
        var body = Mutate(Samples.ShopifyOrderCreated, o => o["line_items"] = new JsonArray());

        var failed = Assert.IsType<TransformFailed>(
            transformer.Transform(ShopifyEvent(body, "orders/create"), default));

        Assert.Equal(TransformError.ScriptError, failed.Error);
    }

    [Fact]
    public void SampleConfiguration_EveryFilterAndTransform_IsValid()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Samples.PathOf("appsettings.Sample.json"))
            .Build();
        var routes = configuration.GetSection("Router:Routes").GetChildren().ToList();
        var destinations = configuration.GetSection("Router:Destinations").GetChildren().ToList();

        Assert.Equal(3, routes.Count);
        Assert.Equal(3, destinations.Count);
        foreach (var route in routes)
        {
            RouteFilter.Parse(route["Filter"]!);
            Assert.All(
                route.GetSection("Destinations").GetChildren(),
                d => Assert.Contains(destinations, known => known.Key == d.Value));
        }

        foreach (var destination in destinations)
        {
            Assert.Equal("http", destination["Type"]);
            var source = destination["TransformFile"] is { } file
                ? Samples.Read(Path.GetFileName(file))
                : destination["Transform"]!;
            EventTransformer.Compile(source, Limits);
        }
    }

    [Fact]
    public void SampleConfiguration_CrmRouteFilter_MatchesLiveCustomersWithEmailOnly()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Samples.PathOf("appsettings.Sample.json")).Build();
        var filter = RouteFilter.Parse(configuration["Router:Routes:stripe-customers-to-crm:Filter"]!);
        var noHeaders = new Dictionary<string, string>();

        using var live = JsonDocument.Parse(Samples.StripeCustomerCreated);
        using var test = JsonDocument.Parse(Mutate(Samples.StripeCustomerCreated, o => o["livemode"] = false));
        using var noEmail = JsonDocument.Parse(
            Mutate(Samples.StripeCustomerCreated, o => o["data"]!["object"]!.AsObject().Remove("email")));

        Assert.True(filter.Matches(live.RootElement, noHeaders));
        Assert.False(filter.Matches(test.RootElement, noHeaders));
        Assert.False(filter.Matches(noEmail.RootElement, noHeaders));
    }

    private static async Task<HttpResponseMessage> SendAsync(TransformOutcome outcome, Uri destination, string? token)
    {
        var transformed = Assert.IsType<TransformedRequest>(outcome);
        using var client = new HttpClient();
        using var request = transformed.ToHttpRequest(destination, HttpMethod.Post);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private static TransformEvent StripeEvent(string body, string id = "evt_1") =>
        new(
            id,
            "stripe",
            "com.stripe." + JsonNode.Parse(body)!["type"]!.GetValue<string>(),
            "cus_RkT4sLkdIwHu7i",
            "2026-03-01T10:00:00Z",
            "application/json; charset=utf-8",
            Encoding.UTF8.GetBytes(body),
            new Dictionary<string, string> { ["stripe-signature"] = "t=1772359200,v1=5257a869e7" });

    // The ingress joins the type prefix and the raw X-Shopify-Topic, so the slash stays in the type.
    private static TransformEvent ShopifyEvent(string body, string topic) =>
        new(
            "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            "shopify",
            "com.shopify." + topic,
            "5823417892123",
            "2026-03-01T10:15:43Z",
            "application/json",
            Encoding.UTF8.GetBytes(body),
            new Dictionary<string, string>
            {
                ["x-shopify-topic"] = topic,
                ["x-shopify-shop-domain"] = "hopper-supplies.myshopify.com",
            });

    private static string Mutate(string json, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change(root);
        return root.ToJsonString();
    }
}
