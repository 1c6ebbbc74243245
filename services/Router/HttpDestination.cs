using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Contracts;
using Gateway.Router.Delivery;

namespace Gateway.Router;

/// <summary>
/// Delivers an event as one HTTP request in the CloudEvents HTTP binary mode: the body as it
/// came, the attributes as <c>ce-</c> headers, the event id as the idempotency key.
/// </summary>
internal sealed class HttpDestination : IDestination, IDisposable
{
    private const int MaxBodyInReason = 200;

    private readonly DestinationOptions _options;
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly HttpMethod _method;
    private readonly EventTransformer? _transformer;
    private readonly bool _signs;
    private readonly HttpClient? _tokenClient;

    public HttpDestination(
        string name,
        DestinationOptions options,
        EventTransformer? transformer = null,
        TimeProvider? time = null,
        ILogger? logger = null)
    {
        Name = name;
        _options = options;
        _transformer = transformer;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _method = new HttpMethod(options.Method.ToUpperInvariant());
        time ??= TimeProvider.System;

        // Outermost first: the token handler may resend, and each send is signed anew below it.
        HttpMessageHandler handler = GuardedHandler(options.AllowPrivateNetworks);
        if (options.SigningSecret is { } secrets)
        {
            var signer = StandardWebhooksSigner.Create(RouterOptionsValidator.SplitSecrets(secrets));
            handler = new WebhookSigningHandler(signer, time) { InnerHandler = handler };
            _signs = true;
        }

        if (options.Auth.Type.Equals("oauth2", StringComparison.OrdinalIgnoreCase))
        {
            // The token endpoint is reached under the same address rules as the destination.
            _tokenClient = new HttpClient(GuardedHandler(options.AllowPrivateNetworks))
            {
                Timeout = options.Timeout,
            };
            handler = new OAuth2ClientCredentialsHandler(
                options.Auth.ToOAuth2()!,
                _tokenClient,
                time,
                logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            {
                InnerHandler = handler,
            };
        }

        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name { get; }

    public async Task<DeliveryOutcome> DeliverAsync(RoutedEvent routedEvent, CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        if (_transformer is null)
        {
            request = BuildRequest(routedEvent);
        }
        else
        {
            var transformed = _transformer.Transform(
                TransformEvent.FromRecord(routedEvent.Headers, routedEvent.Record.Message.Value),
                cancellationToken);
            switch (transformed)
            {
                case TransformedRequest shaped:
                    request = shaped.ToHttpRequest(_url, _method);
                    AddRouterHeaders(request, routedEvent);
                    break;
                case TransformFailed failed:
                    // The reason names the failure only; the event itself stays in the dead-letter record.
                    return DeliveryOutcome.Permanent($"transformation failed ({failed.Error}): {failed.Message}");
                default:
                    return DeliveryOutcome.Skip;
            }
        }

        using var sent = request;
        if (_signs)
        {
            if (routedEvent.Id.Contains('.', StringComparison.Ordinal))
            {
                return DeliveryOutcome.Permanent("the event id contains '.', which Standard Webhooks cannot sign");
            }

            sent.Options.Set(WebhookSigningHandler.EventId, routedEvent.Id);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(
                sent,
                HttpCompletionOption.ResponseHeadersRead,
                timeout.Token);
            return await ClassifyAsync(response, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Transient(
                $"no answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refusal)
        {
            return DeliveryOutcome.Permanent("address refused: " + refusal.Message);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            // Only the token endpoint's refusals carry a status here; its message holds no secret.
            return Classify((int)status) == DeliveryResult.Transient
                ? DeliveryOutcome.Transient(ex.Message)
                : DeliveryOutcome.Permanent(ex.Message);
        }
        catch (HttpRequestException ex)
            when (_tokenClient is not null && ex.HttpRequestError == HttpRequestError.Unknown)
        {
            return DeliveryOutcome.Transient(ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryOutcome.Transient($"connection failed ({ex.HttpRequestError})");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _tokenClient?.Dispose();
    }

    internal static SocketsHttpHandler GuardedHandler(bool allowPrivate) => new()
    {
        // A redirect could lead anywhere, including past the address guard's intent.
        AllowAutoRedirect = false,

        // Through a proxy (HTTP_PROXY, HTTPS_PROXY) the guard would check the proxy's address,
        // and the proxy would reach whatever the URL names: destinations are reached directly.
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, ct) => AddressGuard.ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
    };

    /// <summary>Sorts a status into delivered, worth retrying, or never going to work.</summary>
    internal static DeliveryResult Classify(int status) => status switch
    {
        >= 200 and < 300 => DeliveryResult.Delivered,
        408 or 429 or >= 500 => DeliveryResult.Transient,
        _ => DeliveryResult.Permanent,
    };

    private HttpRequestMessage BuildRequest(RoutedEvent routedEvent)
    {
        var request = new HttpRequestMessage(_method, _url)
        {
            Content = new ByteArrayContent(routedEvent.Body),
        };
        if (routedEvent.ContentType is { } contentType
            && MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            request.Content.Headers.ContentType = mediaType;
        }

        // CloudEvents HTTP binding, binary mode: every ce_ record header becomes a ce- header.
        foreach (var header in routedEvent.Headers)
        {
            if (header.Key.StartsWith(EventHeaders.AttributePrefix, StringComparison.Ordinal))
            {
                request.Headers.TryAddWithoutValidation(
                    "ce-" + header.Key[EventHeaders.AttributePrefix.Length..],
                    Encoding.UTF8.GetString(header.GetValueBytes()));
            }
        }

        request.Headers.TryAddWithoutValidation(_options.IdempotencyHeader, routedEvent.Id);
        foreach (var (name, value) in _options.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        AddAuthentication(request);
        return request;
    }

    /// <summary>
    /// Adds the idempotency key, the configured headers the script did not set, and the
    /// authentication to a request a transformation shaped; the script decides the rest.
    /// </summary>
    private void AddRouterHeaders(HttpRequestMessage request, RoutedEvent routedEvent)
    {
        request.Headers.Remove(_options.IdempotencyHeader);
        request.Headers.TryAddWithoutValidation(_options.IdempotencyHeader, routedEvent.Id);
        foreach (var (name, value) in _options.Headers)
        {
            if (request.Headers.Contains(name) || request.Content?.Headers.Contains(name) == true)
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        AddAuthentication(request);
    }

    private void AddAuthentication(HttpRequestMessage request)
    {
        var auth = _options.Auth;
        switch (auth.Type.ToUpperInvariant())
        {
            case "BEARER":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth.Token);
                break;
            case "BASIC":
                var pair = Encoding.UTF8.GetBytes($"{auth.Username}:{auth.Password}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
                break;
            case "APIKEY":
                request.Headers.Remove(auth.HeaderName!);
                request.Headers.TryAddWithoutValidation(auth.HeaderName!, auth.Key);
                break;
            default:
                break;
        }
    }

    private static async Task<DeliveryOutcome> ClassifyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var result = Classify(status);
        if (result == DeliveryResult.Delivered)
        {
            return DeliveryOutcome.Success;
        }

        var reason = $"HTTP {status.ToString(CultureInfo.InvariantCulture)}";
        var excerpt = await ReadExcerptAsync(response, ct);
        if (excerpt.Length > 0)
        {
            reason += ": " + excerpt;
        }

        return result == DeliveryResult.Transient
            ? DeliveryOutcome.Transient(reason, status, RetryAfterOf(response))
            : DeliveryOutcome.Permanent(reason, status);
    }

    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxBodyInReason];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            {
                read += n;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, read);
            return new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return "";
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static AddressRefusedException? FindRefusal(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressRefusedException refusal)
            {
                return refusal;
            }
        }

        return null;
    }
}
