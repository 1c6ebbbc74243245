using System.Net;
using System.Threading.RateLimiting;
using Gateway.Ingress.Events;
using Gateway.Ingress.Verification;

namespace Gateway.Ingress;

internal enum SchemeKind
{
    Stripe,
    GitHub,
    Shopify,
    Slack,
    StandardWebhooks,
    Twilio,
    Hmac,
    Basic,
    Bearer,
    CloudEvents,
    None,
}

/// <summary>A configured source, compiled once at start-up into what each request needs.</summary>
internal sealed class WebhookSource
{
    public required string Name { get; init; }

    public required SchemeKind Scheme { get; init; }

    /// <summary>The scheme's configured name, recorded in the <c>gateway-auth-scheme</c> header.</summary>
    public required string SchemeName { get; init; }

    public required IWebhookVerifier Verifier { get; init; }

    public required string Topic { get; init; }

    public required string TypePrefix { get; init; }

    public required Uri CloudEventSource { get; init; }

    public required long MaxBodyBytes { get; init; }

    public required string[] ContentTypes { get; init; }

    public required bool RequireJson { get; init; }

    public required IPNetwork[] AllowedNetworks { get; init; }

    public required RateLimiter? RateLimiter { get; init; }

    public required RecentEvents Recent { get; init; }

    /// <summary>
    /// How long a request waits for the acknowledgement when that is shorter than the
    /// producer's own delivery timeout; null when the producer's timeout answers first.
    /// </summary>
    public TimeSpan? ProduceDeadline { get; init; }

    public FieldReference? Id { get; init; }

    public FieldReference? Type { get; init; }

    public FieldReference? Subject { get; init; }

    public FieldReference? Time { get; init; }

    public FieldReference? PartitionKey { get; init; }

    /// <summary>Request headers copied to the record, with their record header names.</summary>
    public required (string Request, string Record)[] CopiedHeaders { get; init; }

    /// <summary>Whether a field is read from the body, so the body must be parsed as JSON.</summary>
    public bool ReadsBody =>
        Id?.NeedsBody == true || Type?.NeedsBody == true || Subject?.NeedsBody == true
        || Time?.NeedsBody == true || PartitionKey?.NeedsBody == true;

    public bool AllowsClient(IPAddress? address)
    {
        if (AllowedNetworks.Length == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        foreach (var network in AllowedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    public bool AcceptsContentType(string? contentType)
    {
        if (ContentTypes.Length == 0)
        {
            return true;
        }

        var media = MediaType(contentType);
        foreach (var allowed in ContentTypes)
        {
            if (media.Equals(allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The media type without parameters, e.g. <c>application/json</c>.</summary>
    public static ReadOnlySpan<char> MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return [];
        }

        var text = contentType.AsSpan();
        var semicolon = text.IndexOf(';');
        return (semicolon < 0 ? text : text[..semicolon]).Trim();
    }
}
