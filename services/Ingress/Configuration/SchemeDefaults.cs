using Gateway.Ingress.Events;
using Gateway.Ingress.Verification;

namespace Gateway.Ingress.Configuration;

/// <summary>What each scheme reads by default, so a provider's retry keeps its CloudEvent id.</summary>
internal sealed record SchemeDefaults(
    SchemeKind Kind,
    string? TypePrefix,
    bool RequireJson,
    FieldReference? Id,
    FieldReference? Type,
    FieldReference? Subject,
    FieldReference? Time,
    FieldReference? PartitionKey,
    string[] Headers,
    TimeSpan? ProduceTimeout = null)
{
    public static readonly IReadOnlyDictionary<string, SchemeDefaults> ByName =
        new Dictionary<string, SchemeDefaults>(StringComparer.OrdinalIgnoreCase)
        {
            // https://docs.stripe.com/api/events/object
            ["stripe"] = new(SchemeKind.Stripe, "com.stripe", true,
                FieldReference.Parse("/id"), FieldReference.Parse("/type"), FieldReference.Parse("/data/object/id"),
                FieldReference.Parse("/created"), FieldReference.Parse("/data/object/id"),
                [StripeVerifier.Header]),
            ["github"] = new(SchemeKind.GitHub, "com.github", false,
                FieldReference.Header("X-GitHub-Delivery"), FieldReference.Header("X-GitHub-Event"), null, null, null,
                ["X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", "X-Hub-Signature-256"]),
            ["shopify"] = new(SchemeKind.Shopify, "com.shopify", true,
                FieldReference.Header("X-Shopify-Webhook-Id"), FieldReference.Header("X-Shopify-Topic"), null,
                FieldReference.Header("X-Shopify-Triggered-At"), null,
                ["X-Shopify-Topic", "X-Shopify-Webhook-Id", "X-Shopify-Shop-Domain", "X-Shopify-Event-Id",
                    "X-Shopify-Hmac-Sha256"]),
            // Slash commands and interactivity send forms, so JSON is not required; the Events API is JSON.
            // Slack counts a delivery as failed after 3 s; the answer leaves room for the network.
            ["slack"] = new(SchemeKind.Slack, "com.slack", false,
                FieldReference.Parse("/event_id"), FieldReference.Parse("/event/type"), null,
                FieldReference.Parse("/event_time"), null,
                ["X-Slack-Signature", "X-Slack-Request-Timestamp"],
                TimeSpan.FromMilliseconds(2500)),
            ["standard-webhooks"] = StandardWebhooks(),
            ["svix"] = StandardWebhooks(),
            ["twilio"] = new(SchemeKind.Twilio, "com.twilio", false,
                FieldReference.Header("I-Twilio-Idempotency-Token"), null, null, null, null,
                [TwilioVerifier.Header, "I-Twilio-Idempotency-Token"]),
            ["hmac"] = Plain(SchemeKind.Hmac),
            ["basic"] = Plain(SchemeKind.Basic),
            ["bearer"] = Plain(SchemeKind.Bearer),
            ["cloudevents"] = new(SchemeKind.CloudEvents, null, false,
                null, null, null, null, FieldReference.Header("ce-partitionkey"), []),
            ["none"] = Plain(SchemeKind.None),
        };

    private static SchemeDefaults StandardWebhooks() => new(SchemeKind.StandardWebhooks, null, true,
        FieldReference.Header(StandardWebhooksVerifier.IdHeaders),
        FieldReference.Parse("/type"),
        null,
        FieldReference.Header(StandardWebhooksVerifier.TimestampHeaders),
        null,
        [.. StandardWebhooksVerifier.IdHeaders, .. StandardWebhooksVerifier.TimestampHeaders,
            .. StandardWebhooksVerifier.SignatureHeaders]);

    private static SchemeDefaults Plain(SchemeKind kind) => new(kind, null, false, null, null, null, null, null, []);
}
