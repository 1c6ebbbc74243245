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
                if (settings.Timeout <= TimeSpan.Zero)
                {
                    errors.Add($"{key}:Timeout must be positive.");
                }

                if (string.IsNullOrWhiteSpace(settings.Method))
                {
                    errors.Add($"{key}:Method must not be empty.");
                }

                break;
            case "KAFKA":
                if (string.IsNullOrWhiteSpace(settings.Topic))
                {
                    errors.Add($"{key}:Topic is required for a kafka destination.");
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
        if (string.IsNullOrWhiteSpace(options.Consumer.GroupId))
        {
            errors.Add($"{Section}:Consumer:GroupId must not be empty.");
        }

        if (options.Consumer.MaxInFlightPerPartition < 1)
        {
            errors.Add($"{Section}:Consumer:MaxInFlightPerPartition must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.Topics.RetryPrefix)
            || string.IsNullOrWhiteSpace(options.Topics.DeadLetter)
            || string.IsNullOrWhiteSpace(options.Topics.Replay))
        {
            errors.Add($"{Section}:Topics:RetryPrefix, DeadLetter and Replay must not be empty.");
        }

        if (options.Retry.Attempts < 1)
        {
            errors.Add($"{Section}:Retry:Attempts must be at least 1.");
        }

        for (var i = 0; i < options.Retry.Schedule.Count; i++)
        {
            if (options.Retry.Schedule[i] <= TimeSpan.Zero)
            {
                errors.Add($"{Section}:Retry:Schedule:{i} must be positive.");
            }
        }

        if (options.Retry.MaxHold <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:Retry:MaxHold must be positive.");
        }

        if (options.Dedup.Lease <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:Dedup:Lease must be positive.");
        }

        if (options.Dedup.Retention < options.Dedup.Lease)
        {
            errors.Add($"{Section}:Dedup:Retention must be at least {Section}:Dedup:Lease.");
        }
    }
}
