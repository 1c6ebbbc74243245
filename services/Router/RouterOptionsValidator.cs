using System.Globalization;
using Gateway.Router.Delivery;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>Checks the whole <c>Router</c> section and names the key of every error.</summary>
internal sealed class RouterOptionsValidator(
    IHostEnvironment environment,
    IOptions<TransformOptions> limits,
    IOptions<SchemaRegistryOptions> registry)
    : IValidateOptions<RouterOptions>
{
    private const string Routes = RouterOptions.SectionName + ":Routes";
    private const string Destinations = RouterOptions.SectionName + ":Destinations";
    private const int MaxTopicName = 249;
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        var errors = new List<string>();
        foreach (var (destination, settings) in options.Destinations)
        {
            ValidateDestination($"{Destinations}:{destination}", settings, errors);
            ValidateTransform($"{Destinations}:{destination}", settings, errors);
        }

        foreach (var (route, settings) in options.Routes)
        {
            var key = $"{Routes}:{route}";
            if (settings.Destinations.Count == 0)
            {
                errors.Add($"{key}:Destinations must name at least one destination.");
            }

            if (!string.IsNullOrWhiteSpace(settings.Filter))
            {
                try
                {
                    _ = RouteFilter.Parse(settings.Filter);
                }
                catch (FormatException ex)
                {
                    errors.Add($"{key}:Filter is not a valid filter: {ex.Message}");
                }
            }

            for (var i = 0; i < settings.Destinations.Count; i++)
            {
                if (!options.Destinations.ContainsKey(settings.Destinations[i]))
                {
                    errors.Add($"{key}:Destinations:{i} names '{settings.Destinations[i]}', "
                        + $"which is not configured under {Destinations}.");
                }
            }
        }

        ValidateRest(options, errors);
        ValidateLease(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateDestination(string key, DestinationOptions settings, List<string> errors)
    {
        switch (settings.Type.ToUpperInvariant())
        {
            case "HTTP":
                if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url)
                    || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"{key}:Url must be an absolute http or https URL.");
                }

                ValidateAuth(key + ":Auth", settings.Auth, errors);
                if (settings.SigningSecret is { } secrets)
                {
                    try
                    {
                        _ = StandardWebhooksSigner.Create(SplitSecrets(secrets));
                    }
                    catch (FormatException ex)
                    {
                        // The signer's message never repeats the secret.
                        errors.Add($"{key}:SigningSecret is not usable: {ex.Message}");
                    }
                }
                CheckTimer($"{key}:Timeout", settings.Timeout, errors);
                if (!IsToken(settings.Method))
                {
                    errors.Add($"{key}:Method must be an HTTP method such as POST or PUT.");
                }

                ValidateHeaders(key, settings, errors);
                break;
            case "KAFKA":
                if (string.IsNullOrWhiteSpace(settings.Topic))
                {
                    errors.Add($"{key}:Topic is required for a kafka destination.");
                }
                else
                {
                    CheckTopicName($"{key}:Topic", settings.Topic, errors);
                }

                if (settings.Format.Equals(DestinationFormats.StructuredJson, StringComparison.OrdinalIgnoreCase))
                {
                    if (string.IsNullOrWhiteSpace(registry.Value.Url))
                    {
                        errors.Add($"{SchemaRegistryOptions.SectionName}:Url is required by {key}:Format "
                            + $"'{DestinationFormats.StructuredJson}'.");
                    }
                }
                else if (!settings.Format.Equals(DestinationFormats.Binary, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{key}:Format must be '{DestinationFormats.Binary}' or "
                        + $"'{DestinationFormats.StructuredJson}'.");
                }

                break;
            default:
                errors.Add($"{key}:Type must be 'http' or 'kafka'.");
                break;
        }

        if (settings.MaxInFlight < 1)
        {
            errors.Add($"{key}:MaxInFlight must be at least 1.");
        }
    }

    private static void ValidateHeaders(string key, DestinationOptions settings, List<string> errors)
    {
        // Each request sets and removes these; a malformed name would throw on every delivery.
        if (!IsRequestHeaderName(settings.IdempotencyHeader))
        {
            errors.Add($"{key}:IdempotencyHeader must be a request header name, e.g. Idempotency-Key.");
        }

        foreach (var (name, value) in settings.Headers)
        {
            if (!IsHeaderName(name))
            {
                errors.Add($"{key}:Headers:{name} is not a valid header name.");
            }
            else if (HasLineBreak(value))
            {
                errors.Add($"{key}:Headers:{name} must not contain line breaks.");
            }
        }
    }

    private void ValidateTransform(string key, DestinationOptions settings, List<string> errors)
    {
        if (settings.Transform is null && settings.TransformFile is null)
        {
            return;
        }

        if (!settings.Type.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:Transform and {key}:TransformFile apply to http destinations only.");
            return;
        }

        if (settings.Transform is not null && settings.TransformFile is not null)
        {
            errors.Add($"{key}:Transform and {key}:TransformFile cannot both be set.");
            return;
        }

        var setting = key + (settings.Transform is null ? ":TransformFile" : ":Transform");
        try
        {
            _ = DestinationTransform.Compile(settings, environment.ContentRootPath, limits.Value);
        }
        catch (FormatException ex)
        {
            errors.Add($"{setting} is not a usable transformation: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{setting} names a file that cannot be read ({ex.GetType().Name}).");
        }
    }

    /// <summary>The secrets of a <c>SigningSecret</c> value, newest first.</summary>
    internal static string[] SplitSecrets(string value) =>
        value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void ValidateAuth(string key, HttpAuthOptions auth, List<string> errors)
    {
        switch (auth.Type.ToUpperInvariant())
        {
            case "NONE":
                break;
            case "BEARER" when string.IsNullOrEmpty(auth.Token):
                errors.Add($"{key}:Token is required for bearer authentication.");
                break;
            case "BASIC" when string.IsNullOrEmpty(auth.Username):
                errors.Add($"{key}:Username is required for basic authentication.");
                break;
            case "APIKEY" when string.IsNullOrEmpty(auth.HeaderName) || string.IsNullOrEmpty(auth.Key):
                errors.Add($"{key}:HeaderName and {key}:Key are required for API-key authentication.");
                break;
            case "APIKEY" when !IsRequestHeaderName(auth.HeaderName):
                errors.Add($"{key}:HeaderName must be a request header name, e.g. X-Api-Key.");
                break;
            case "BEARER" or "BASIC" or "APIKEY":
                break;
            case "OAUTH2":
                if (auth.ToOAuth2() is { } oauth2)
                {
                    errors.AddRange(oauth2.Validate(key));
                }
                else
                {
                    errors.Add($"{key}:ClientAuthentication must be Basic or Form.");
                }

                break;
            default:
                errors.Add($"{key}:Type must be none, bearer, basic, apikey or oauth2.");
                break;
        }
    }

    private static void ValidateLease(RouterOptions options, List<string> errors)
    {
        // A claim that ran out during a delivery would let a second router deliver the same
        // event at the same time, so the lease must outlast one delivery with its retries.
        foreach (var (destination, settings) in options.Destinations)
        {
            var longest = (settings.Timeout + options.Retry.MaxBackoff) * options.Retry.Attempts;
            if (settings.Dedup && options.Dedup.Lease < longest)
            {
                errors.Add($"{RouterOptions.SectionName}:Dedup:Lease ({options.Dedup.Lease}) must be at least "
                    + $"{longest}, the longest delivery to {Destinations}:{destination} "
                    + "(Attempts × (Timeout + MaxBackoff)).");
            }
        }
    }

    private static void ValidateRest(RouterOptions options, List<string> errors)
    {
        const string Section = RouterOptions.SectionName;
        ValidateConsumer(options.Consumer, errors);
        ValidateTopics(options, errors);
        ValidateRetry(options.Retry, errors);
        if (options.Dedup.Lease <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:Dedup:Lease must be positive.");
        }

        if (options.Dedup.Retention < options.Dedup.Lease)
        {
            errors.Add($"{Section}:Dedup:Retention must be at least {Section}:Dedup:Lease.");
        }

        if (options.Breaker.FailureThreshold < 0)
        {
            errors.Add($"{Section}:Breaker:FailureThreshold must be 0 (off) or more.");
        }

        if (options.Breaker.OpenDuration <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:Breaker:OpenDuration must be positive.");
        }

        CheckTimer($"{Section}:Admin:RefreshInterval", options.Admin.RefreshInterval, errors);
    }

    private static void ValidateConsumer(RouterConsumerOptions consumer, List<string> errors)
    {
        const string Key = RouterOptions.SectionName + ":Consumer";
        if (string.IsNullOrWhiteSpace(consumer.GroupId))
        {
            errors.Add($"{Key}:GroupId must not be empty.");
        }

        for (var i = 0; i < consumer.Topics.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(consumer.Topics[i]))
            {
                errors.Add($"{Key}:Topics:{i} must name a topic or a pattern.");
            }
        }

        if (consumer.MaxInFlightPerPartition < 1)
        {
            errors.Add($"{Key}:MaxInFlightPerPartition must be at least 1.");
        }

        // Fewer buffered than in flight would pause a partition before its slots are used.
        if (consumer.MaxBufferedPerPartition < consumer.MaxInFlightPerPartition)
        {
            errors.Add($"{Key}:MaxBufferedPerPartition must be at least {Key}:MaxInFlightPerPartition "
                + $"({consumer.MaxInFlightPerPartition.ToString(CultureInfo.InvariantCulture)}).");
        }

        CheckTimer($"{Key}:DrainTimeout", consumer.DrainTimeout, errors);
        if (consumer.AssignmentGrace < TimeSpan.Zero)
        {
            errors.Add($"{Key}:AssignmentGrace must not be negative.");
        }
    }

    private static void ValidateTopics(RouterOptions options, List<string> errors)
    {
        const string Key = RouterOptions.SectionName + ":Topics";
        var topics = options.Topics;
        if (string.IsNullOrWhiteSpace(topics.RetryPrefix)
            || string.IsNullOrWhiteSpace(topics.DeadLetter)
            || string.IsNullOrWhiteSpace(topics.Replay))
        {
            errors.Add($"{Key}:RetryPrefix, DeadLetter and Replay must not be empty.");
            return;
        }

        // Kafka refuses other names only when the first record is written, long after start.
        var levels = options.Retry.EffectiveSchedule.Count.ToString(CultureInfo.InvariantCulture);
        CheckTopicName($"{Key}:RetryPrefix", topics.RetryPrefix + levels, errors);
        CheckTopicName($"{Key}:DeadLetter", topics.DeadLetter, errors);
        CheckTopicName($"{Key}:Replay", topics.Replay, errors);
    }

    private static void ValidateRetry(RetryOptions retry, List<string> errors)
    {
        const string Key = RouterOptions.SectionName + ":Retry";
        if (retry.Attempts < 1)
        {
            errors.Add($"{Key}:Attempts must be at least 1.");
        }

        CheckTimer($"{Key}:InitialBackoff", retry.InitialBackoff, errors);
        CheckTimer($"{Key}:MaxBackoff", retry.MaxBackoff, errors);
        if (retry.MaxBackoff < retry.InitialBackoff)
        {
            errors.Add($"{Key}:MaxBackoff must be at least {Key}:InitialBackoff.");
        }

        for (var i = 0; i < retry.Schedule.Count; i++)
        {
            if (retry.Schedule[i] <= TimeSpan.Zero)
            {
                errors.Add($"{Key}:Schedule:{i} must be positive.");
            }
        }

        CheckTimer($"{Key}:MaxHold", retry.MaxHold, errors);
    }

    /// <summary>A duration a timer or a cancellation waits for: positive, and at most a day.</summary>
    private static void CheckTimer(string key, TimeSpan value, List<string> errors)
    {
        // Timers refuse delays past about 49 days; a day is far beyond any sensible setting.
        if (value <= TimeSpan.Zero || value > MaxTimer)
        {
            errors.Add($"{key} must be positive and at most {MaxTimer}.");
        }
    }

    private static void CheckTopicName(string key, string name, List<string> errors)
    {
        if (name.Length > MaxTopicName || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add($"{key} must make Kafka topic names: letters, digits, '.', '_' and '-', "
                + $"at most {MaxTopicName.ToString(CultureInfo.InvariantCulture)} characters.");
        }
    }

    /// <summary>True for a name the request's headers accept (not a content header, not malformed).</summary>
    private static bool IsRequestHeaderName(string? name)
    {
        using var probe = new HttpRequestMessage();
        return !string.IsNullOrEmpty(name) && probe.Headers.TryAddWithoutValidation(name, "x");
    }

    private static bool IsHeaderName(string name)
    {
        using var content = new ByteArrayContent([]);
        return IsRequestHeaderName(name) || content.Headers.TryAddWithoutValidation(name, "x");
    }

    // An HTTP method is a token (RFC 9110, section 5.6.2), as header names are.
    private static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static bool HasLineBreak(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;
}
