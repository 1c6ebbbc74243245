using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Router.Delivery;

/// <summary>
/// Adds a bearer token from the OAuth2 client-credentials grant (RFC 6749 section 4.4) to every
/// request, caches it until shortly before it expires, and on a 401 fetches a new one and
/// resends once. Neither the client secret nor a token is ever logged or put in an exception.
/// </summary>
/// <remarks>
/// The request is sent a second time after a 401, so its content must be buffered (byte array
/// or memory content), which is what the router sends. Token endpoint failures throw
/// <see cref="HttpRequestException"/> with the endpoint's status code, so the caller can tell a
/// refused client (4xx, permanent) from an unreachable server (no status, transient).
/// </remarks>
internal sealed class OAuth2ClientCredentialsHandler : DelegatingHandler
{
    private readonly OAuth2ClientCredentialsOptions _options;
    private readonly HttpMessageInvoker _tokenClient;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedToken? _token;

    /// <summary>
    /// Creates the handler; <paramref name="tokenClient"/> sends the token requests and is not
    /// disposed here.
    /// </summary>
    public OAuth2ClientCredentialsHandler(
        OAuth2ClientCredentialsOptions options, HttpMessageInvoker tokenClient, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenClient);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);

        var errors = options.Validate("Auth").ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _tokenClient = tokenClient;
        _time = time;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var token = await GetTokenAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // The token may have been revoked or rotated before its expiry; one fresh try tells a stale
        // token from credentials the destination does not accept at all.
        DeliveryLog.AccessTokenRejected(_logger, request.RequestUri?.Host ?? "?");
        response.Dispose();
        token = await GetTokenAsync(rejected: token, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refresh.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<CachedToken> GetTokenAsync(CachedToken? rejected, CancellationToken cancellationToken)
    {
        var current = _token;
        if (IsUsable(current, rejected))
        {
            return current!;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed while this one waited.
            current = _token;
            if (IsUsable(current, rejected))
            {
                return current!;
            }

            var fresh = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
            _token = fresh;
            return fresh;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsUsable(CachedToken? token, CachedToken? rejected) =>
        token is not null && !ReferenceEquals(token, rejected) && _time.GetUtcNow() < token.RefreshAt;

    private async Task<CachedToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var endpoint = _options.TokenEndpoint!;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = TokenForm() };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_options.ClientAuthentication == OAuth2ClientAuthentication.Basic)
        {
            var pair = $"{FormEncode(_options.ClientId!)}:{FormEncode(_options.ClientSecret!)}";
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        var requestedAt = _time.GetUtcNow();
        using var response = await _tokenClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = ReadOAuthError(body);
            DeliveryLog.AccessTokenRequestFailed(_logger, endpoint.Host, (int)response.StatusCode, error);
            throw new HttpRequestException(
                $"The token endpoint {endpoint.Host} answered {(int)response.StatusCode} ({error}).",
                inner: null,
                response.StatusCode);
        }

        var (accessToken, lifetime) = ReadToken(body, endpoint.Host);
        var margin = _options.RefreshBeforeExpiry < lifetime / 2 ? _options.RefreshBeforeExpiry : lifetime / 2;
        DeliveryLog.AccessTokenAcquired(_logger, endpoint.Host, (int)lifetime.TotalSeconds);
        return new CachedToken(accessToken, requestedAt + lifetime - margin);
    }

    private FormUrlEncodedContent TokenForm()
    {
        var fields = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (_options.ClientAuthentication == OAuth2ClientAuthentication.Form)
        {
            fields.Add(new("client_id", _options.ClientId!));
            fields.Add(new("client_secret", _options.ClientSecret!));
        }

        if (!string.IsNullOrWhiteSpace(_options.Scope))
        {
            fields.Add(new("scope", _options.Scope));
        }

        if (!string.IsNullOrWhiteSpace(_options.Audience))
        {
            fields.Add(new("audience", _options.Audience));
        }

        return new FormUrlEncodedContent(fields);
    }

    private (string AccessToken, TimeSpan Lifetime) ReadToken(byte[] body, string host)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(token.GetString()))
            {
                throw new HttpRequestException($"The token endpoint {host} answered without an access_token.");
            }

            var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds)
                && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : _options.DefaultLifetime;
            return (token.GetString()!, lifetime);
        }
        catch (JsonException)
        {
            throw new HttpRequestException($"The token endpoint {host} answered with a body that is not JSON.");
        }
    }

    // Only the standard error code is kept: error_description is free text that may echo input.
    private static string ReadOAuthError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                && error.GetString()!.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? error.GetString()!
                : "no error code";
        }
        catch (JsonException)
        {
            return "no error code";
        }
    }

    // RFC 6749 section 2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
    private static string FormEncode(string value) => WebUtility.UrlEncode(value);

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt)
    {
        // The token must never reach a log through a record's generated ToString.
        public override string ToString() => $"access token, refresh at {RefreshAt:O}";
    }
}
