namespace Gateway.Router;

/// <summary>Routes, destinations and the router's own behaviour; bound from the <c>Router</c> section.</summary>
public sealed class RouterOptions
{
    public const string SectionName = "Router";

    public Dictionary<string, RouteOptions> Routes { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, DestinationOptions> Destinations { get; init; } =
        new(StringComparer.Ordinal);

    public RouterConsumerOptions Consumer { get; init; } = new();

    public RouterTopicOptions Topics { get; init; } = new();

    public RetryOptions Retry { get; init; } = new();

    public DedupOptions Dedup { get; init; } = new();

    public BreakerOptions Breaker { get; init; } = new();

    public AdminOptions Admin { get; init; } = new();
}

/// <summary>Which events a route takes and where it sends them.</summary>
public sealed class RouteOptions
{
    /// <summary>Ingress source names (the end of <c>ce_source</c> or the topic); empty means all.</summary>
    public List<string> Sources { get; init; } = [];

    /// <summary>CloudEvent type patterns with <c>*</c> wildcards; empty means all.</summary>
    public List<string> Types { get; init; } = [];

    /// <summary>CloudEvent subject patterns with <c>*</c> wildcards; empty means all.</summary>
    public List<string> Subjects { get; init; } = [];

    /// <summary>Names of destinations under <c>Router:Destinations</c>; at least one.</summary>
    public List<string> Destinations { get; init; } = [];

    /// <summary>A JSON filter over the body and headers; null accepts every event.</summary>
    public string? Filter { get; set; }

    /// <summary>
    /// True keeps each key's events in order even across the retry lane: while one waits there,
    /// later events of its key follow it instead of overtaking it.
    /// </summary>
    public bool StrictOrdering { get; set; }
}

/// <summary>One system that receives events.</summary>
public sealed class DestinationOptions
{
    /// <summary><c>http</c> or <c>kafka</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>The absolute http(s) URL of an <c>http</c> destination.</summary>
    public string? Url { get; set; }

    public string Method { get; set; } = "POST";

    /// <summary>Extra request headers of an <c>http</c> destination.</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public HttpAuthOptions Auth { get; init; } = new();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The header that carries the event id so the receiver can drop repeats.</summary>
    public string IdempotencyHeader { get; set; } = "Idempotency-Key";

    /// <summary>Lets an <c>http</c> destination reach loopback, private and other reserved addresses.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The team topic of a <c>kafka</c> destination.</summary>
    public string? Topic { get; set; }

    /// <summary>
    /// How a <c>kafka</c> destination writes: <c>binary</c> (the record as it came) or
    /// <c>structured-json</c> (a JSON CloudEvent with its schema in the Schema Registry).
    /// </summary>
    public string Format { get; set; } = DestinationFormats.Binary;

    /// <summary>A JavaScript transformation of the event; null sends the event as it is.</summary>
    public string? Transform { get; set; }

    /// <summary>
    /// A file holding the transformation, relative to the content root; instead of <see cref="Transform"/>.
    /// </summary>
    public string? TransformFile { get; set; }

    /// <summary>
    /// Standard Webhooks secrets (<c>whsec_...</c>), newest first and space-separated during a
    /// rotation; null sends no signature.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>False delivers without the Redis claim and relies on the idempotency key alone.</summary>
    public bool Dedup { get; set; } = true;

    /// <summary>How many deliveries to this destination run at once in this process.</summary>
    public int MaxInFlight { get; set; } = 64;
}

/// <summary>The record formats of a <c>kafka</c> destination.</summary>
public static class DestinationFormats
{
    public const string Binary = "binary";

    public const string StructuredJson = "structured-json";
}

/// <summary>How an <c>http</c> destination authenticates.</summary>
public sealed class HttpAuthOptions
{
    /// <summary><c>none</c>, <c>bearer</c>, <c>basic</c>, <c>apikey</c> or <c>oauth2</c>.</summary>
    public string Type { get; set; } = "none";

    public string? Token { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The header of an <c>apikey</c> destination, e.g. <c>X-Api-Key</c>.</summary>
    public string? HeaderName { get; set; }

    public string? Key { get; set; }

    /// <summary>The token URL of an <c>oauth2</c> destination (client-credentials grant).</summary>
    public string? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes asked for; null asks for none.</summary>
    public string? Scope { get; set; }

    /// <summary>The <c>audience</c> parameter some authorization servers require.</summary>
    public string? Audience { get; set; }

    /// <summary><c>Basic</c> (HTTP Basic) or <c>Form</c> (id and secret in the form body).</summary>
    public string ClientAuthentication { get; set; } = "Basic";

    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The settings of the client-credentials handler; null when the client authentication is unknown.
    /// </summary>
    internal Delivery.OAuth2ClientCredentialsOptions? ToOAuth2()
    {
        if (!Enum.TryParse<Delivery.OAuth2ClientAuthentication>(
                ClientAuthentication, true, out var clientAuthentication)
            || !Enum.IsDefined(clientAuthentication))
        {
            return null;
        }

        return new Delivery.OAuth2ClientCredentialsOptions
        {
            TokenEndpoint = Uri.TryCreate(TokenEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            Scope = Scope,
            Audience = Audience,
            ClientAuthentication = clientAuthentication,
            RefreshBeforeExpiry = RefreshBeforeExpiry,
            DefaultLifetime = DefaultLifetime,
        };
    }
}

/// <summary>The router's consumer group.</summary>
public sealed class RouterConsumerOptions
{
    public string GroupId { get; set; } = "gateway-router";

    /// <summary>Source topics and patterns (starting with <c>^</c>); empty means <c>^webhooks\..+</c>.</summary>
    public List<string> Topics { get; init; } = [];

    // A slow destination needs many deliveries in flight per partition to keep up; 64 at 20 ms
    // each is over 3000 events a second from one partition.
    public int MaxInFlightPerPartition { get; set; } = 64;

    public int MaxBufferedPerPartition { get; set; } = 1000;

    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long after start a member may own no partition and still report ready.</summary>
    public TimeSpan AssignmentGrace { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>The names of the router's own topics.</summary>
public sealed class RouterTopicOptions
{
    /// <summary>The prefix of the retry topics; level <c>n</c> is <c>{RetryPrefix}{n}</c>.</summary>
    public string RetryPrefix { get; set; } = Contracts.GatewayTopics.RetryPrefix;

    public string DeadLetter { get; set; } = Contracts.GatewayTopics.DeadLetter;

    public string Replay { get; set; } = Contracts.GatewayTopics.Replay;
}

/// <summary>In-process retries and the delayed retry lane.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts in process before the event moves to the retry lane; default 3.</summary>
    public int Attempts { get; set; } = 3;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay of each retry level; empty means 1 min, 10 min, 1 h, 6 h, 24 h.</summary>
    public List<TimeSpan> Schedule { get; init; } = [];

    /// <summary>How long a retry record is held before it is written again to its level.</summary>
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The schedule in effect: the configured one or the default.</summary>
    public IReadOnlyList<TimeSpan> EffectiveSchedule => Schedule.Count > 0 ? Schedule : DefaultSchedule;

    internal static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1),
        TimeSpan.FromHours(6),
        TimeSpan.FromHours(24),
    ];
}

/// <summary>The Redis claim of each (destination, event) pair.</summary>
public sealed class DedupOptions
{
    /// <summary>How long a claim lives if its holder dies; must cover one delivery with its retries.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a finished delivery is remembered; default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>The circuit breaker of each destination.</summary>
public sealed class BreakerOptions
{
    /// <summary>Consecutive transient failures that open the breaker; 0 turns it off.</summary>
    public int FailureThreshold { get; set; } = 10;

    public TimeSpan OpenDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The admin endpoints.</summary>
public sealed class AdminOptions
{
    /// <summary>The bearer token of the admin endpoints; null turns them off.</summary>
    public string? Token { get; set; }

    /// <summary>How often the paused destinations are read again from Redis.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
