using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class WebhookFlowTests
{
    private const string StripeSecret = "whsec_e2e_0123456789";
    private const string StripeBody =
        """{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid","created":"""
        + """1700000000,"data":{"object":{"id":"in_42","object":"invoice"}}}""";

    [Fact]
    public async Task Post_SignedStripeEvent_RecordHasCloudEventHeadersKeyAndBody()
    {
        var topic = TestKafka.UniqueTopic("webhooks.stripe");
        await TestKafka.Shared.CreateTopicAsync(topic, 3);
        await using var app = await StartAsync(
            "Ingress:Sources:stripe:Scheme=stripe",
            $"Ingress:Sources:stripe:Secrets:current={StripeSecret}",
            $"Ingress:Sources:stripe:Topic={topic}");
        var t = UnixNow();
        var signature = $"t={t},v1={HexSha256(StripeSecret, $"{t}.{StripeBody}")}";

        using var response = await PostAsync(
            app.Client, "stripe", StripeBody, "application/json", ("Stripe-Signature", signature));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("evt_1NG8Du2eZvKYlo2CUI79vXWy", await AcceptedIdAsync(response));
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        var headers = record.Message.Headers;
        Assert.Equal(StripeBody, Encoding.UTF8.GetString(record.Message.Value!));
        Assert.Equal("in_42", Encoding.UTF8.GetString(record.Message.Key!));
        Assert.Equal("1.0", Header(headers, EventHeaders.SpecVersion));
        Assert.Equal("evt_1NG8Du2eZvKYlo2CUI79vXWy", Header(headers, EventHeaders.Id));
        Assert.Equal("/webhooks/stripe", Header(headers, EventHeaders.Source));
        Assert.Equal("com.stripe.invoice.paid", Header(headers, EventHeaders.Type));
        Assert.Equal("2023-11-14T22:13:20Z", Header(headers, EventHeaders.Time));
        Assert.Equal("in_42", Header(headers, EventHeaders.Subject));
        Assert.Equal("application/json", Header(headers, EventHeaders.ContentType));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", Header(headers, EventHeaders.TraceParent));
        Assert.Equal("stripe", Header(headers, EventHeaders.AuthScheme));
        Assert.Equal("current", Header(headers, EventHeaders.AuthKey));
        Assert.Equal(signature, Header(headers, "http-stripe-signature"));
        var cloudEvent = KafkaCloudEvent.ReadAttributes(headers);
        Assert.True(cloudEvent.IsValid);
        Assert.Equal("com.stripe.invoice.paid", cloudEvent.Type);
    }

    [Theory]
    [InlineData(10_000, 1)]
    [InlineData(0, 2)]
    public async Task Post_SameStripeEventRetried_BothAcceptedWithTheSameId(int recentEvents, int records)
    {
        var topic = TestKafka.UniqueTopic("webhooks.stripe");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:stripe:Scheme=stripe",
            $"Ingress:Sources:stripe:Secrets:0={StripeSecret}",
            $"Ingress:Sources:stripe:RecentEvents={recentEvents}",
            $"Ingress:Sources:stripe:Topic={topic}");

        var ids = new List<string>();
        foreach (var t in new[] { UnixNow() - 60, UnixNow() })
        {
            // Stripe re-signs a retry with a fresh timestamp; the event id stays.
            var signature = $"t={t},v1={HexSha256(StripeSecret, $"{t}.{StripeBody}")}";
            using var response = await PostAsync(
                app.Client, "stripe", StripeBody, "application/json", ("Stripe-Signature", signature));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(await AcceptedIdAsync(response));
        }

        Assert.Equal(ids[0], ids[1]);
        var stored = TestKafka.Shared.ReadAll(topic, 2, TimeSpan.FromSeconds(records == 2 ? 30 : 10));
        Assert.Equal(records, stored.Count);
        Assert.All(stored, r => Assert.Equal(ids[0], Header(r.Message.Headers, EventHeaders.Id)));
        Assert.All(stored, r => Assert.Equal("0", Header(r.Message.Headers, EventHeaders.AuthKey)));
    }

    [Fact]
    public async Task Post_SignedGitHubDelivery_IdAndTypeFromHeadersAndEventHeaderCopied()
    {
        var topic = TestKafka.UniqueTopic("webhooks.github");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:github:Scheme=github",
            "Ingress:Sources:github:Secrets:primary=gh-secret",
            $"Ingress:Sources:github:Topic={topic}");
        const string Body = """{"ref":"refs/heads/main","repository":{"full_name":"octo/repo"}}""";

        using var response = await PostAsync(app.Client, "github", Body, "application/json",
            ("X-Hub-Signature-256", "sha256=" + HexSha256("gh-secret", Body)),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ("X-GitHub-Event", "push"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", Header(record.Message.Headers, EventHeaders.Id));
        Assert.Equal("com.github.push", Header(record.Message.Headers, EventHeaders.Type));
        Assert.Equal("push", Header(record.Message.Headers, "http-x-github-event"));
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", Encoding.UTF8.GetString(record.Message.Key!));
    }

    [Fact]
    public async Task Post_GenericHmacWithoutIdField_IdIsTheBodyHashAndStableAcrossResends()
    {
        var topic = TestKafka.UniqueTopic("webhooks.crm");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:crm:Scheme=hmac",
            "Ingress:Sources:crm:Secrets:0=crm-secret",
            "Ingress:Sources:crm:Hmac:Header=X-Crm-Signature",
            $"Ingress:Sources:crm:Topic={topic}",
            "Ingress:Sources:crm:TypePrefix=com.example.crm",
            "Ingress:Sources:crm:Type=/event");
        const string Body = """{"event":"contact.updated","contact":7}""";
        var expected = Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Body)));
        var signature = ("X-Crm-Signature", HexSha256("crm-secret", Body));

        using var first = await PostAsync(app.Client, "crm", Body, "application/json", signature);
        using var second = await PostAsync(app.Client, "crm", Body, "application/json", signature);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(expected, await AcceptedIdAsync(first));
        Assert.Equal(expected, await AcceptedIdAsync(second));
        var record = TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30))[0];
        Assert.Equal("com.example.crm.contact.updated", Header(record.Message.Headers, EventHeaders.Type));
        Assert.Equal("hmac", Header(record.Message.Headers, EventHeaders.AuthScheme));
    }

    [Fact]
    public async Task Post_SlackUrlVerification_AnswersTheChallengeAndPublishesNothing()
    {
        var topic = TestKafka.UniqueTopic("webhooks.slack");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:slack:Scheme=slack",
            "Ingress:Sources:slack:Secrets:0=slack-signing-secret",
            $"Ingress:Sources:slack:Topic={topic}");
        const string ChallengeValue = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
        const string Challenge =
            $$"""{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"{{ChallengeValue}}","type":"url_verification"}""";
        const string Event = """
            {"type":"event_callback","event_id":"Ev08MFMKH6","event_time":1700000000,"event":{"type":"app_mention"}}
            """;
        var t = UnixNow().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var handshake = await PostAsync(app.Client, "slack", Challenge, "application/json",
            ("X-Slack-Signature", "v0=" + HexSha256("slack-signing-secret", $"v0:{t}:{Challenge}")),
            ("X-Slack-Request-Timestamp", t));
        using var unsigned = await PostAsync(
            app.Client, "slack", Challenge, "application/json", ("X-Slack-Request-Timestamp", t));
        using var mention = await PostAsync(app.Client, "slack", Event, "application/json",
            ("X-Slack-Signature", "v0=" + HexSha256("slack-signing-secret", $"v0:{t}:{Event}")),
            ("X-Slack-Request-Timestamp", t));

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        using var answer = JsonDocument.Parse(await handshake.Content.ReadAsStringAsync());
        Assert.Equal(ChallengeValue, answer.RootElement.GetProperty("challenge").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, mention.StatusCode);
        var records = TestKafka.Shared.ReadAll(topic, 2, TimeSpan.FromSeconds(10));
        var record = Assert.Single(records);
        Assert.Equal("Ev08MFMKH6", Header(record.Message.Headers, EventHeaders.Id));
        Assert.Equal("com.slack.app_mention", Header(record.Message.Headers, EventHeaders.Type));
    }

    [Fact]
    public async Task Post_SlackUrlVerificationWithAttributesFromHeaders_StillAnsweredNotPublished()
    {
        var topic = TestKafka.UniqueTopic("webhooks.slack");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:slack:Scheme=slack",
            "Ingress:Sources:slack:Secrets:0=slack-signing-secret",
            "Ingress:Sources:slack:Id=header:X-Request-Id",
            "Ingress:Sources:slack:Type=header:X-Event-Type",
            "Ingress:Sources:slack:Time=header:X-Slack-Request-Timestamp",
            $"Ingress:Sources:slack:Topic={topic}");
        const string Challenge = """{"challenge":"c-42","type":"url_verification"}""";
        var t = UnixNow().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var handshake = await PostAsync(app.Client, "slack", Challenge, "application/json",
            ("X-Slack-Signature", "v0=" + HexSha256("slack-signing-secret", $"v0:{t}:{Challenge}")),
            ("X-Slack-Request-Timestamp", t));

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        using var answer = JsonDocument.Parse(await handshake.Content.ReadAsStringAsync());
        Assert.Equal("c-42", answer.RootElement.GetProperty("challenge").GetString());
        Assert.Empty(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Post_StandardWebhooksWithSvixHeaders_AcceptedWithWebhookIdAsId()
    {
        var topic = TestKafka.UniqueTopic("webhooks.svix");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await using var app = await StartAsync(
            "Ingress:Sources:svix:Scheme=standard-webhooks",
            $"Ingress:Sources:svix:Secrets:0={Secret}",
            $"Ingress:Sources:svix:Topic={topic}");
        const string Body = """{"type":"invoice.created","data":{"id":"inv_1"}}""";
        var t = UnixNow().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signature = "v1," + Convert.ToBase64String(
            Mac(System.Security.Cryptography.HashAlgorithmName.SHA256, key, $"msg_2Lk.{t}.{Body}"));

        using var response = await PostAsync(app.Client, "svix", Body, "application/json",
            ("svix-id", "msg_2Lk"), ("svix-timestamp", t), ("svix-signature", signature));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("msg_2Lk", await AcceptedIdAsync(response));
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("svix.invoice.created", Header(record.Message.Headers, EventHeaders.Type));
        Assert.Equal(signature, Header(record.Message.Headers, "http-svix-signature"));
    }

    internal static string? Header(Headers headers, string name) => KafkaCloudEvent.GetString(headers, name);
}
