namespace Gateway.Router.Delivery;

/// <summary>How the client proves its identity to the token endpoint (RFC 6749 section 2.3.1).</summary>
internal enum OAuth2ClientAuthentication
{
    /// <summary>HTTP Basic with the form-encoded id and secret; every RFC 6749 server supports it.</summary>
    Basic,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body, for servers that want them there.</summary>
    Form,
}

/// <summary>
/// One destination's OAuth2 client-credentials settings, bound from
/// <c>Router:Destinations:&lt;name&gt;:Auth</c>; the core validates them with <see cref="Validate"/>.
/// </summary>
internal sealed class OAuth2ClientCredentialsOptions
{
    public Uri? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes; null sends none.</summary>
    public string? Scope { get; set; }

    /// <summary>The <c>audience</c> parameter some servers (Auth0, Okta) require; null sends none.</summary>
    public string? Audience { get; set; }

    public OAuth2ClientAuthentication ClientAuthentication { get; set; } = OAuth2ClientAuthentication.Basic;

    /// <summary>How long before <c>expires_in</c> a cached token is replaced; default 60 seconds.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The lifetime assumed when the token response has no <c>expires_in</c>; default 5 minutes.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Returns one message per invalid setting, each naming its full key under
    /// <paramref name="section"/>.
    /// </summary>
    public IEnumerable<string> Validate(string section)
    {
        if (TokenEndpoint is not { IsAbsoluteUri: true } endpoint || endpoint.Scheme is not ("https" or "http"))
        {
            yield return $"{section}:TokenEndpoint must be an absolute http(s) URL.";
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return $"{section}:ClientId is required.";
        }

        if (string.IsNullOrEmpty(ClientSecret))
        {
            yield return $"{section}:ClientSecret is required.";
        }

        if (RefreshBeforeExpiry < TimeSpan.Zero)
        {
            yield return $"{section}:RefreshBeforeExpiry must not be negative.";
        }

        if (DefaultLifetime <= TimeSpan.Zero)
        {
            yield return $"{section}:DefaultLifetime must be positive.";
        }
    }
}
