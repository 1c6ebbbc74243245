using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using Gateway.Contracts;
using Gateway.Ingress.Events;
using Gateway.Ingress.Verification;
using Gateway.Kafka;
using Microsoft.Extensions.Options;

namespace Gateway.Ingress.Configuration;

/// <summary>The configured sources by name (case-insensitive), compiled once from validated options.</summary>
internal sealed class SourceCatalog : IDisposable
{
    private readonly Dictionary<string, WebhookSource> _sources;

    public SourceCatalog(IOptions<IngressOptions> options, IOptions<KafkaOptions> kafka)
    {
        var ingress = options.Value;
        var produceTimeout = kafka.Value.ProduceTimeout;
        _sources = new Dictionary<string, WebhookSource>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in ingress.Sources)
        {
            _sources[name] = Compile(name, source, ingress, produceTimeout);
        }

        TrustedProxies = [.. ingress.TrustedProxies.Select(IPNetwork.Parse)];
    }

    public IReadOnlyCollection<string> Names => _sources.Keys;

    public IPNetwork[] TrustedProxies { get; }

    public bool TryGet(string name, out WebhookSource source) => _sources.TryGetValue(name, out source!);

    public void Dispose()
    {
        foreach (var source in _sources.Values)
        {
            source.RateLimiter?.Dispose();
        }
    }

    /// <summary>The full public URL of a source for URL-signing schemes; null when none is configured.</summary>
    public static string? PublicUrl(string name, SourceOptions source, IngressOptions ingress) =>
        !string.IsNullOrWhiteSpace(source.PublicUrl) ? source.PublicUrl
        : string.IsNullOrWhiteSpace(ingress.PublicBaseUrl) ? null
        : ingress.PublicBaseUrl.TrimEnd('/') + "/webhooks/" + name;

    private static WebhookSource Compile(
        string name, SourceOptions options, IngressOptions ingress, TimeSpan produceTimeout)
    {
        var defaults = SchemeDefaults.ByName[options.Scheme!];
        var layout = defaults.Kind == SchemeKind.Hmac ? GenericLayout(options.Hmac) : null;
        string[] signatureHeaders = layout is null ? []
            : layout.TimestampHeader is null ? [layout.Header]
            : [layout.Header, layout.TimestampHeader];
        var headers = defaults.Headers
            .Concat(options.Headers)
            .Concat(signatureHeaders)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(h => (h, EventHeaders.HttpPrefix + h.ToLowerInvariant()))
            .ToArray();
        return new WebhookSource
        {
            Name = name,
            Scheme = defaults.Kind,
            SchemeName = options.Scheme!.ToLowerInvariant(),
            Verifier = Verifier(defaults.Kind, name, options, ingress, layout),
            Topic = string.IsNullOrWhiteSpace(options.Topic) ? GatewayTopics.ForSource(name) : options.Topic,
            TypePrefix = options.TypePrefix ?? defaults.TypePrefix ?? name,
            CloudEventSource = new Uri("/webhooks/" + name, UriKind.Relative),
            MaxBodyBytes = options.MaxBodyBytes,
            ContentTypes = [.. options.ContentTypes],
            RequireJson = options.RequireJson ?? defaults.RequireJson,
            AllowedNetworks = [.. options.AllowedNetworks.Select(IPNetwork.Parse)],
            RateLimiter = Limiter(options.RateLimit),
            Recent = new RecentEvents(options.RecentEvents),
            ProduceDeadline = ProduceDeadline(options, defaults, produceTimeout),
            Id = Field(options.Id) ?? defaults.Id,
            Type = Field(options.Type) ?? defaults.Type,
            Subject = Field(options.Subject) ?? defaults.Subject,
            Time = Field(options.Time) ?? defaults.Time,
            PartitionKey = Field(options.PartitionKey) ?? defaults.PartitionKey,
            CopiedHeaders = headers,
        };
    }

    // A scheme's default never outlasts the producer's own timeout, which answers first anyway.
    private static TimeSpan? ProduceDeadline(
        SourceOptions options, SchemeDefaults defaults, TimeSpan produceTimeout)
    {
        var wait = options.ProduceTimeout ?? defaults.ProduceTimeout ?? produceTimeout;
        return wait < produceTimeout ? wait : null;
    }

    private static IWebhookVerifier Verifier(
        SchemeKind kind, string name, SourceOptions options, IngressOptions ingress, HmacLayout? layout)
    {
        var utf8 = options.Secrets.Select(s => new SecretKey(s.Key, Encoding.UTF8.GetBytes(s.Value))).ToArray();
        return kind switch
        {
            SchemeKind.Stripe => new StripeVerifier(utf8, options.Tolerance),
            SchemeKind.GitHub => new HmacVerifier(utf8, HmacLayout.GitHub, options.Tolerance),
            SchemeKind.Shopify => new HmacVerifier(utf8, HmacLayout.Shopify, options.Tolerance),
            SchemeKind.Slack => new HmacVerifier(utf8, HmacLayout.Slack, options.Tolerance),
            SchemeKind.Hmac => new HmacVerifier(utf8, layout!, options.Tolerance),
            SchemeKind.StandardWebhooks => new StandardWebhooksVerifier(
                [.. options.Secrets.Select(s => new SecretKey(s.Key, StandardWebhooksVerifier.DecodeSecret(s.Value)!))],
                options.Tolerance),
            SchemeKind.Twilio => new TwilioVerifier(utf8, PublicUrl(name, options, ingress)!),
            SchemeKind.Basic => new CredentialVerifier(Digests(options), basic: true),
            SchemeKind.Bearer or SchemeKind.CloudEvents => new CredentialVerifier(Digests(options), basic: false),
            _ => new NoVerifier(),
        };
    }

    private static SecretKey[] Digests(SourceOptions options) =>
        [.. options.Secrets.Select(s => CredentialVerifier.Digest(s.Key, s.Value))];

    public static HmacLayout GenericLayout(HmacOptions hmac) => new(
        hmac.Header ?? "",
        ParseAlgorithm(hmac.Algorithm) ?? MacAlgorithm.Sha256,
        string.Equals(hmac.Encoding, "base64", StringComparison.OrdinalIgnoreCase),
        hmac.Prefix ?? "",
        string.IsNullOrWhiteSpace(hmac.TimestampHeader) ? null : hmac.TimestampHeader,
        "",
        hmac.Separator);

    public static MacAlgorithm? ParseAlgorithm(string? text) => text?.ToLowerInvariant() switch
    {
        "sha1" or "sha-1" => MacAlgorithm.Sha1,
        "sha256" or "sha-256" => MacAlgorithm.Sha256,
        "sha512" or "sha-512" => MacAlgorithm.Sha512,
        _ => null,
    };

    private static FieldReference? Field(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : FieldReference.Parse(text);

    private static TokenBucketRateLimiter? Limiter(RateLimitOptions? rate) =>
        rate is null || rate.PermitsPerSecond <= 0 ? null : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.Burst ?? rate.PermitsPerSecond,
            TokensPerPeriod = rate.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
