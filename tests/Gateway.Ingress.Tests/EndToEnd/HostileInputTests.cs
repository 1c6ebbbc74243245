using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class HostileInputFixture : IAsyncLifetime
{
    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var topic = TestKafka.UniqueTopic("webhooks.hostile");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        App = await StartAsync(
            "Ingress:Sources:stripe:Scheme=stripe",
            "Ingress:Sources:stripe:Secrets:0=whsec_hostile",
            $"Ingress:Sources:stripe:Topic={topic}",
            "Ingress:Sources:slack:Scheme=slack",
            "Ingress:Sources:slack:Secrets:0=slack-hostile",
            $"Ingress:Sources:slack:Topic={topic}",
            "Ingress:Sources:events:Scheme=cloudevents",
            "Ingress:Sources:events:Secrets:0=token",
            $"Ingress:Sources:events:Topic={topic}");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    [Theory]
    [InlineData("stripe", """{"id":"evt\u0001\u0000x","type":"a"}""", "application/json", 400)]
    [InlineData("stripe", """{"id":{"nested":true},"type":["x"],"created":"not a time"}""", "application/json", 202)]
    [InlineData("stripe", """{"id":"e","created":99999999999999999999}""", "application/json", 202)]
    [InlineData("stripe", """{"id":"e","data":{"object":{"id":""}}}""", "application/json", 202)]
    [InlineData("stripe", """{"id":"\ud800","type":"a"}""", "application/json", 400)]
    [InlineData("stripe", """{"id":"e","type":"\udc00x"}""", "application/json", 400)]
    [InlineData("stripe", "deeply-nested", "application/json", 400)]
    [InlineData("stripe", "", "application/json", 400)]
    [InlineData("stripe", "{}", "application/json; charset=\"unterminated", 400)]
    [InlineData("slack", """{"type":"url_verification","challenge":"\ud800"}""", "application/json", 400)]
    [InlineData("events", "{}", "application/cloudevents+json; charset=\"x", 400)]
    [InlineData("events", """{"specversion":"9.9","id":"x"}""", "application/cloudevents+json", 400)]
    [InlineData("events", """[{"specversion":"1.0"},42,"x"]""", "application/cloudevents-batch+json", 400)]
    [InlineData("events", """{"specversion":"1.0","id":"x","source":"::not a uri::","type":"t"}""",
        "application/cloudevents+json", 202)]
    [InlineData("events", """{"n":1}""", "application/json", 400)]
    public async Task Post_HostileButSignedInput_AnswersItsStatusNever5xx(
        string source, string body, string contentType, int status)
    {
        // Deeper than JsonDocument's default limit of 64.
        body = body == "deeply-nested" ? new string('[', 100) + new string(']', 100) : body;
        var t = UnixNow();
        using var response = await PostAsync(fixture.App.Client, source, body, null,
            ("Content-Type", contentType),
            ("Stripe-Signature", $"t={t},v1={HexSha256("whsec_hostile", $"{t}.{body}")}"),
            ("X-Slack-Request-Timestamp", t.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("X-Slack-Signature", "v0=" + HexSha256("slack-hostile", $"v0:{t}:{body}")),
            ("Authorization", "Bearer token"),
            ("ce-specversion", "1.0"),
            ("ce-id", "x"),
            ("ce-source", "urn:x"),
            ("ce-type", "t"),
            ("ce-bad_name", "v"));

        Assert.Equal(status, (int)response.StatusCode);
    }
}
