using System.Text;
using System.Text.Json;
using Gateway.Benchmarks;

namespace Gateway.Benchmarks.Tests;

public sealed class StripeEventsTests
{
    [Theory]
    [InlineData("evt_0123456789abcdef0123456789abcdef")]
    [InlineData("evt_ffffffffffffffffffffffffffffffff")]
    public void Body_AnyEventId_IsOneKilobyteOfJsonCarryingThatId(string eventId)
    {
        var body = StripeEvents.Body(eventId, 1_700_000_000);

        Assert.Equal(StripeEvents.BodySize, body.Length);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(eventId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("event", json.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public void NewEventId_TwoCalls_AreDistinctStripeIds()
    {
        var first = StripeEvents.NewEventId();
        var second = StripeEvents.NewEventId();

        Assert.StartsWith("evt_", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Signature_KnownVector_MatchesStripeScheme()
    {
        // Expected value computed outside .NET: HMAC-SHA256(key "whsec_test", "1700000000.{body}").
        var events = new StripeEvents("whsec_test");

        var signature = events.Signature(1_700_000_000, Encoding.UTF8.GetBytes("{\"id\":\"evt_1\"}"));

        Assert.Equal("t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925", signature);
    }

    [Fact]
    public async Task Request_NewEvent_CarriesJsonBodyAndSignatureOverIt()
    {
        var events = new StripeEvents("whsec_test");

        using var request = events.Request("/webhooks/bench", "evt_0123456789abcdef0123456789abcdef");
        var body = await request.Content!.ReadAsByteArrayAsync();
        var header = Assert.Single(request.Headers.GetValues(ServiceContract.StripeSignatureHeader));
        var timestamp = long.Parse(
            header.Split(',')[0]["t=".Length..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("application/json", request.Content.Headers.ContentType?.MediaType);
        Assert.Equal(events.Signature(timestamp, body), header);
    }
}
