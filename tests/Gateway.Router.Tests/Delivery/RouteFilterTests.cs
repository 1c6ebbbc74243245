using System.Text.Json;
using Gateway.Router.Delivery;

namespace Gateway.Router.Tests.Delivery;

public sealed class RouteFilterTests
{
    private const string Order = """
        {
          "type": "customer.created",
          "amount": 2500,
          "currency": "eur",
          "livemode": false,
          "coupon": null,
          "customer": { "email": "ada@example.com", "address": { "country": "DE" } },
          "tags": ["vip", "beta"],
          "items": [ { "sku": "A-1", "qty": 2 }, { "sku": "B-7", "qty": 1 } ],
          "created": "2026-03-01T10:00:00Z"
        }
        """;

    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["X-Shopify-Topic"] = "orders/create",
        ["user-agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    };

    [Theory]
    [InlineData("""{"body": {"type": "customer.created"}}""", true)]
    [InlineData("""{"body": {"type": "customer.deleted"}}""", false)]
    [InlineData("""{"body": {"amount": 2500}}""", true)]
    [InlineData("""{"body": {"amount": 2500.0}}""", true)]
    [InlineData("""{"body": {"amount": "2500"}}""", false)]
    [InlineData("""{"body": {"livemode": false}}""", true)]
    [InlineData("""{"body": {"livemode": true}}""", false)]
    [InlineData("""{"body": {"coupon": null}}""", true)]
    [InlineData("""{"body": {"customer": {"address": {"country": "DE"}}}}""", true)]
    [InlineData("""{"body": {"customer": {"address": {"country": "FR"}}}}""", false)]
    [InlineData("""{"body": {"customer": {"phone": "1"}}}""", false)]
    [InlineData("""{"body": {"missing": {"deeper": 1}}}""", false)]
    [InlineData("""{"body": {}}""", true)]
    [InlineData("""{}""", true)]
    public void Matches_EqualityAndNesting_FollowsTruthTable(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"body": {"currency": {"$eq": "eur"}}}""", true)]
    [InlineData("""{"body": {"currency": {"$eq": "EUR"}}}""", false)]
    [InlineData("""{"body": {"currency": {"$neq": "usd"}}}""", true)]
    [InlineData("""{"body": {"currency": {"$neq": "eur"}}}""", false)]
    [InlineData("""{"body": {"nothing": {"$neq": "eur"}}}""", true)]
    [InlineData("""{"body": {"currency": {"$in": ["usd", "eur"]}}}""", true)]
    [InlineData("""{"body": {"currency": {"$in": ["usd", "gbp"]}}}""", false)]
    [InlineData("""{"body": {"currency": {"$nin": ["usd", "gbp"]}}}""", true)]
    [InlineData("""{"body": {"currency": {"$nin": ["usd", "eur"]}}}""", false)]
    [InlineData("""{"body": {"amount": {"$gt": 2499}}}""", true)]
    [InlineData("""{"body": {"amount": {"$gt": 2500}}}""", false)]
    [InlineData("""{"body": {"amount": {"$gte": 2500}}}""", true)]
    [InlineData("""{"body": {"amount": {"$gte": 2500.01}}}""", false)]
    [InlineData("""{"body": {"amount": {"$lt": 2501}}}""", true)]
    [InlineData("""{"body": {"amount": {"$lt": 2500}}}""", false)]
    [InlineData("""{"body": {"amount": {"$lte": 2500}}}""", true)]
    [InlineData("""{"body": {"amount": {"$lte": 1e3}}}""", false)]
    [InlineData("""{"body": {"amount": {"$gte": 1000, "$lt": 5000}}}""", true)]
    [InlineData("""{"body": {"amount": {"$gte": 1000, "$lt": 2000}}}""", false)]
    [InlineData("""{"body": {"amount": {"$gt": "1000"}}}""", false)]
    [InlineData("""{"body": {"created": {"$gte": "2026-01-01"}}}""", true)]
    [InlineData("""{"body": {"created": {"$lt": "2026-01-01"}}}""", false)]
    [InlineData("""{"body": {"missing": {"$lt": 1}}}""", false)]
    public void Matches_ComparisonOperators_FollowsTruthTable(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"body": {"customer": {"email": {"$exist": true}}}}""", true)]
    [InlineData("""{"body": {"customer": {"email": {"$exist": false}}}}""", false)]
    [InlineData("""{"body": {"customer": {"phone": {"$exist": false}}}}""", true)]
    [InlineData("""{"body": {"customer": {"phone": {"$exist": true}}}}""", false)]
    [InlineData("""{"body": {"coupon": {"$exist": true}}}""", true)]
    [InlineData("""{"body": {"customer": {"email": {"$regex": "^[a-z]+@example\\.com$"}}}}""", true)]
    [InlineData("""{"body": {"customer": {"email": {"$regex": "@example\\.org$"}}}}""", false)]
    [InlineData("""{"body": {"amount": {"$regex": "25"}}}""", false)]
    [InlineData("""{"body": {"type": {"$startsWith": "customer."}}}""", true)]
    [InlineData("""{"body": {"type": {"$startsWith": "invoice."}}}""", false)]
    [InlineData("""{"body": {"type": {"$endsWith": ".created"}}}""", true)]
    [InlineData("""{"body": {"type": {"$endsWith": ".Created"}}}""", false)]
    public void Matches_ExistenceAndTextOperators_FollowsTruthTable(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"body": {"$and": [{"currency": "eur"}, {"amount": {"$gt": 100}}]}}""", true)]
    [InlineData("""{"body": {"$and": [{"currency": "eur"}, {"amount": {"$gt": 9999}}]}}""", false)]
    [InlineData("""{"body": {"$or": [{"currency": "usd"}, {"amount": {"$gt": 100}}]}}""", true)]
    [InlineData("""{"body": {"$or": [{"currency": "usd"}, {"amount": {"$gt": 9999}}]}}""", false)]
    [InlineData("""{"body": {"$not": {"currency": "usd"}}}""", true)]
    [InlineData("""{"body": {"$not": {"currency": "eur"}}}""", false)]
    [InlineData("""{"body": {"amount": {"$not": {"$lt": 1000}}}}""", true)]
    [InlineData("""{"body": {"amount": {"$or": [{"$lt": 10}, {"$gt": 2000}]}}}""", true)]
    [InlineData("""{"body": {"$or": [{"$and": [{"currency": "eur"}, {"livemode": true}]}, {"tags": "vip"}]}}""", true)]
    public void Matches_LogicalOperators_FollowsTruthTable(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"body": {"tags": "vip"}}""", true)]
    [InlineData("""{"body": {"tags": "gold"}}""", false)]
    [InlineData("""{"body": {"tags": {"$in": ["gold", "beta"]}}}""", true)]
    [InlineData("""{"body": {"tags": {"$neq": "gold"}}}""", true)]
    [InlineData("""{"body": {"tags": {"$neq": "vip"}}}""", false)]
    [InlineData("""{"body": {"tags": {"$nin": ["gold", "vip"]}}}""", false)]
    [InlineData("""{"body": {"tags": {"$startsWith": "be"}}}""", true)]
    [InlineData("""{"body": {"tags": ["beta", "vip"]}}""", true)]
    [InlineData("""{"body": {"tags": ["beta", "gold"]}}""", false)]
    [InlineData("""{"body": {"tags": {"$eq": ["vip", "beta"]}}}""", true)]
    [InlineData("""{"body": {"tags": {"$eq": ["beta", "vip"]}}}""", false)]
    [InlineData("""{"body": {"items": {"sku": "B-7"}}}""", true)]
    [InlineData("""{"body": {"items": {"sku": "C-9"}}}""", false)]
    [InlineData("""{"body": {"items": {"sku": "A-1", "qty": {"$gte": 2}}}}""", true)]
    [InlineData("""{"body": {"items": {"sku": "B-7", "qty": {"$gte": 2}}}}""", false)]
    [InlineData("""{"body": {"items": {"qty": {"$gt": 1}}}}""", true)]
    public void Matches_ArrayInEvent_AnyElementRule(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"headers": {"x-shopify-topic": "orders/create"}}""", true)]
    [InlineData("""{"headers": {"X-SHOPIFY-TOPIC": "orders/create"}}""", true)]
    [InlineData("""{"headers": {"x-shopify-topic": "orders/paid"}}""", false)]
    [InlineData("""{"headers": {"user-agent": {"$startsWith": "Stripe/"}}}""", true)]
    [InlineData("""{"headers": {"x-github-event": {"$exist": false}}}""", true)]
    [InlineData("""{"headers": {"x-github-event": {"$exist": true}}}""", false)]
    [InlineData("""{"headers": {"x-shopify-topic": {"$in": ["orders/paid", "orders/create"]}}}""", true)]
    [InlineData("""{"body": {"currency": "eur"}, "headers": {"x-shopify-topic": "orders/create"}}""", true)]
    [InlineData("""{"body": {"currency": "usd"}, "headers": {"x-shopify-topic": "orders/create"}}""", false)]
    [InlineData("""{"body": {"currency": "eur"}, "headers": {"x-shopify-topic": "orders/paid"}}""", false)]
    public void Matches_Headers_FollowsTruthTable(string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(filter));

    [Theory]
    [InlineData("""{"body": {"type": "customer.created"}}""", false)]
    [InlineData("""{"body": {"type": {"$exist": false}}}""", true)]
    [InlineData("""{"headers": {"x-shopify-topic": "orders/create"}}""", true)]
    public void Matches_BodyNotJson_OnlyAbsenceMatches(string filter, bool expected) =>
        Assert.Equal(expected, RouteFilter.Parse(filter).Matches(default, Headers));

    [Fact]
    public void Matches_CatastrophicRegex_TimesOutAsNoMatch()
    {
        var filter = RouteFilter.Parse("""{"body": {"text": {"$regex": "^(a+)+$"}}}""");
        using var body = JsonDocument.Parse($$"""{"text": "{{new string('a', 5000)}}!"}""");

        Assert.False(filter.Matches(body.RootElement, Headers));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"payload": {}}""", "'payload'")]
    [InlineData("""{"headers": "x"}""", "'headers' must be an object")]
    [InlineData("""{"body": {"amount": {"$greater": 1}}}""", "'$greater' at 'body.amount'")]
    [InlineData("""{"body": {"currency": {"$in": "eur"}}}""", "'body.currency.$in' needs an array")]
    [InlineData("""{"body": {"amount": {"$gt": true}}}""", "'body.amount.$gt' needs a number or a string")]
    [InlineData("""{"body": {"x": {"$exist": "yes"}}}""", "'body.x.$exist' needs true or false")]
    [InlineData("""{"body": {"x": {"$regex": "("}}}""", "regular expression at 'body.x.$regex'")]
    [InlineData("""{"body": {"x": {"$startsWith": 1}}}""", "'body.x.$startsWith' needs a string")]
    [InlineData("""{"body": {"$or": []}}""", "'body.$or' needs a non-empty array")]
    [InlineData("""{"body": {"$and": [{"a": {"$bad": 1}}]}}""", "'$bad' at 'body.$and[0].a'")]
    public void Parse_InvalidFilter_ThrowsFormatExceptionNamingThePlace(string filter, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RouteFilter.Parse(filter));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", Order, true)]
    [InlineData("application/json; charset=utf-8", Order, true)]
    [InlineData("application/cloudevents+json", Order, true)]
    [InlineData("text/plain", Order, false)]
    [InlineData("application/json", "{ not json", false)]
    [InlineData("application/json", "", false)]
    public void Matches_CloudEvent_ParsesDataOnlyWhenJson(string contentType, string data, bool expected)
    {
        var filter = RouteFilter.Parse(
            """{"body": {"currency": "eur"}, "headers": {"X-Shopify-Topic": "orders/create"}}""");
        var cloudEvent = new TransformEvent(
            "evt_1",
            "shopify",
            "com.shopify.orders/create",
            null,
            null,
            contentType,
            System.Text.Encoding.UTF8.GetBytes(data),
            new Dictionary<string, string> { ["x-shopify-topic"] = "orders/create" });

        Assert.Equal(expected, filter.Matches(cloudEvent));
    }

    [Fact]
    public void MatchAll_AnyEvent_Matches() =>
        Assert.True(RouteFilter.MatchAll.Matches(default, new Dictionary<string, string>()));

    [Theory]
    [InlineData("""{"body": {"name": "x"}}""", false)]
    [InlineData("""{"body": {"name": {"$neq": "x"}}}""", true)]
    [InlineData("""{"body": {"name": {"$gt": "a"}}}""", false)]
    [InlineData("""{"body": {"name": {"$startsWith": "x"}}}""", false)]
    [InlineData("""{"body": {"name": {"$regex": "."}}}""", false)]
    [InlineData("""{"body": {"name": {"$exist": true}}}""", true)]
    public void Matches_StringThatIsNotValidText_MatchesNoTextConditionAndNeverThrows(string filter, bool expected)
    {
        // JSON parsing accepts an escaped lone surrogate; reading it as a string throws.
        using var body = JsonDocument.Parse("""{"name": "\ud800x"}""");

        Assert.Equal(expected, RouteFilter.Parse(filter).Matches(body.RootElement, Headers));
    }

    private static bool Evaluate(string filter)
    {
        using var body = JsonDocument.Parse(Order);
        return RouteFilter.Parse(filter).Matches(body.RootElement, Headers);
    }
}
