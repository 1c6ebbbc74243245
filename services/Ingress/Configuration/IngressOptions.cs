namespace Gateway.Ingress.Configuration;

/// <summary>The ingress: its webhook sources, trusted proxies and server limits.</summary>
internal sealed class IngressOptions
{
    public const string SectionName = "Ingress";

    /// <summary>The webhook sources by name; each is reached at <c>POST /webhooks/{name}</c>.</summary>
    public Dictionary<string, SourceOptions> Sources { get; init; } =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>CIDR ranges of reverse proxies whose <c>X-Forwarded-For</c> is believed.</summary>
    public List<string> TrustedProxies { get; init; } = [];

    /// <summary>The public base URL senders call (scheme, host, port), for URL-signing schemes.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The Retry-After sent with 503 and 429 answers that have no better estimate.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for the producer to flush what was accepted.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public ServerLimitsOptions Server { get; init; } = new();
}

/// <summary>Kestrel limits; each default is chosen for webhook traffic, not left to chance.</summary>
internal sealed class ServerLimitsOptions
{
    public int MaxRequestHeadersTotalSize { get; set; } = 16 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 64;

    public int MaxRequestLineSize { get; set; } = 4 * 1024;

    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Bytes per second a body must keep up after the grace period, or the request is closed.</summary>
    public double MinRequestBodyDataRate { get; set; } = 1024;

    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>HTTP/2 is off unless set: providers send HTTP/1.1 and h2c adds attack surface.</summary>
    public bool Http2 { get; set; }
}

/// <summary>One webhook source: how it is verified, limited and turned into CloudEvents.</summary>
internal sealed class SourceOptions
{
    /// <summary>The verification scheme, e.g. <c>stripe</c>, <c>github</c>, <c>hmac</c>, <c>none</c>.</summary>
    public string? Scheme { get; set; }

    /// <summary>The secrets by name; any one that verifies is accepted (rotation).</summary>
    public Dictionary<string, string> Secrets { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The topic; default <c>webhooks.{name}</c>.</summary>
    public string? Topic { get; set; }

    /// <summary>The CloudEvent type prefix, e.g. <c>com.stripe</c>; default per scheme.</summary>
    public string? TypePrefix { get; set; }

    /// <summary>How far a signed timestamp may be from now, in both directions; default 5 minutes.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted, in bytes; default 1 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Accepted media types; empty accepts any.</summary>
    public List<string> ContentTypes { get; init; } = [];

    /// <summary>Whether the body must be JSON (400 otherwise); default per scheme.</summary>
    public bool? RequireJson { get; set; }

    /// <summary>CIDR ranges clients must come from; empty allows any (not with scheme <c>none</c>).</summary>
    public List<string> AllowedNetworks { get; init; } = [];

    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>
    /// How long a request waits for Kafka's acknowledgement before it is answered 503; at most
    /// <c>Kafka:ProduceTimeout</c>. Default 2.5 seconds for <c>slack</c>, which expects an answer
    /// within 3, else <c>Kafka:ProduceTimeout</c>.
    /// </summary>
    public TimeSpan? ProduceTimeout { get; set; }

    /// <summary>How many acknowledged ids this process remembers to absorb retries; 0 turns it off.</summary>
    public int RecentEvents { get; set; } = 10_000;

    /// <summary>Where the event id is: <c>header:Name</c> or a JSON pointer such as <c>/id</c>.</summary>
    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Subject { get; set; }

    public string? Time { get; set; }

    public string? PartitionKey { get; set; }

    /// <summary>Provider headers copied to the record as <c>http-{name}</c>, beyond the scheme's own.</summary>
    public List<string> Headers { get; init; } = [];

    /// <summary>The full public URL of this source, for URL-signing schemes; default from PublicBaseUrl.</summary>
    public string? PublicUrl { get; set; }

    public HmacOptions Hmac { get; init; } = new();
}

internal sealed class RateLimitOptions
{
    /// <summary>Requests per second admitted on average.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests admitted at once above the average; default the per-second rate.</summary>
    public int? Burst { get; set; }
}

/// <summary>The generic HMAC scheme: which header, which algorithm, what is signed.</summary>
internal sealed class HmacOptions
{
    public string? Header { get; set; }

    /// <summary><c>sha1</c>, <c>sha256</c> (default) or <c>sha512</c>.</summary>
    public string Algorithm { get; set; } = "sha256";

    /// <summary><c>hex</c> (default) or <c>base64</c>.</summary>
    public string Encoding { get; set; } = "hex";

    /// <summary>Text before the signature in the header, e.g. <c>sha256=</c>.</summary>
    public string? Prefix { get; set; }

    /// <summary>When set, the signed text is the timestamp, the separator, then the body.</summary>
    public string? TimestampHeader { get; set; }

    public string Separator { get; set; } = ".";
}
