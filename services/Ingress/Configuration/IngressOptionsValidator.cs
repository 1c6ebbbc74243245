using System.Net;
using Gateway.Ingress.Events;
using Gateway.Ingress.Verification;
using Gateway.Kafka;
using Microsoft.Extensions.Options;

namespace Gateway.Ingress.Configuration;

/// <summary>Collects every configuration error of the ingress, each naming the key to set.</summary>
/// <param name="produceTimeout">The producer's delivery timeout, Kafka:ProduceTimeout.</param>
internal sealed class IngressOptionsValidator(TimeSpan produceTimeout)
    : IValidateOptions<IngressOptions>
{
    private const long MaxBodyCeiling = 64L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, IngressOptions options)
    {
        var errors = new List<string>();
        const string Section = IngressOptions.SectionName;

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                errors.Add($"{Section}:TrustedProxies:{i} must be a CIDR range such as 10.0.0.0/8.");
            }
        }

        if (options.PublicBaseUrl is { } baseUrl && !IsAbsoluteHttpUrl(baseUrl))
        {
            errors.Add($"{Section}:PublicBaseUrl must be an absolute http(s) URL.");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Section}:RetryAfter must be at least 00:00:01.");
        }

        foreach (var (sourceName, source) in options.Sources)
        {
            var key = $"{Section}:Sources:{sourceName}";
            ValidateSource(errors, key, sourceName, source, options);
            ValidateProduceTimeout(errors, key, source.ProduceTimeout);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSource(
        List<string> errors, string key, string name, SourceOptions source, IngressOptions ingress)
    {
        if (!IsName(name))
        {
            errors.Add($"{key}: a source name may hold only letters, digits, '.', '_' and '-'.");
        }

        if (string.IsNullOrWhiteSpace(source.Scheme)
            || !SchemeDefaults.ByName.TryGetValue(source.Scheme, out var scheme))
        {
            errors.Add($"{key}:Scheme must be one of: {string.Join(", ", SchemeDefaults.ByName.Keys)}.");
            return;
        }

        if (scheme.Kind == SchemeKind.None)
        {
            if (source.AllowedNetworks.Count == 0)
            {
                errors.Add($"{key}:AllowedNetworks is required when {key}:Scheme is none: "
                    + "a source without authentication must name its clients.");
            }
        }
        else if (source.Secrets.Count == 0 || source.Secrets.Values.Any(string.IsNullOrEmpty))
        {
            errors.Add($"{key}:Secrets needs at least one non-empty secret, e.g. {key}:Secrets:0.");
        }

        ValidateSecrets(errors, key, scheme.Kind, source);
        if (scheme.Kind == SchemeKind.Hmac)
        {
            ValidateHmac(errors, key + ":Hmac", source.Hmac);
        }

        if (scheme.Kind == SchemeKind.Twilio)
        {
            var url = SourceCatalog.PublicUrl(name, source, ingress);
            if (url is null)
            {
                errors.Add($"{key}:PublicUrl (or Ingress:PublicBaseUrl) is required for twilio: "
                    + "the signature covers the public URL.");
            }
            else if (!IsAbsoluteHttpUrl(url))
            {
                errors.Add($"{key}:PublicUrl must be an absolute http(s) URL.");
            }
        }

        if (source.Tolerance <= TimeSpan.Zero || source.Tolerance > TimeSpan.FromHours(1))
        {
            errors.Add($"{key}:Tolerance must be between 00:00:01 and 01:00:00.");
        }

        if (source.MaxBodyBytes is <= 0 or > MaxBodyCeiling)
        {
            errors.Add($"{key}:MaxBodyBytes must be between 1 and {MaxBodyCeiling}.");
        }

        if (source.Topic is { } topic && !IsTopic(topic))
        {
            errors.Add($"{key}:Topic must be 1 to 249 characters of letters, digits, '.', '_' and '-'.");
        }

        for (var i = 0; i < source.AllowedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(source.AllowedNetworks[i], out _))
            {
                errors.Add($"{key}:AllowedNetworks:{i} must be a CIDR range such as 203.0.113.0/24.");
            }
        }

        if (source.RateLimit is { } rate && (rate.PermitsPerSecond <= 0 || rate.Burst is <= 0))
        {
            errors.Add($"{key}:RateLimit:PermitsPerSecond (and Burst, when set) must be positive.");
        }

        if (source.RecentEvents is < 0 or > 1_000_000)
        {
            errors.Add($"{key}:RecentEvents must be between 0 and 1000000.");
        }

        ValidateField(errors, key + ":Id", source.Id);
        ValidateField(errors, key + ":Type", source.Type);
        ValidateField(errors, key + ":Subject", source.Subject);
        ValidateField(errors, key + ":Time", source.Time);
        ValidateField(errors, key + ":PartitionKey", source.PartitionKey);
    }

    // Waiting longer than the producer's own timeout would never happen: the produce fails first.
    private void ValidateProduceTimeout(List<string> errors, string key, TimeSpan? wait)
    {
        if (wait is { } value && (value <= TimeSpan.Zero || value > produceTimeout))
        {
            errors.Add($"{key}:ProduceTimeout must be positive and at most "
                + $"{KafkaOptions.SectionName}:ProduceTimeout ({produceTimeout:c}).");
        }
    }

    private static void ValidateSecrets(List<string> errors, string key, SchemeKind kind, SourceOptions source)
    {
        foreach (var (secretName, secret) in source.Secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            if (kind == SchemeKind.StandardWebhooks && StandardWebhooksVerifier.DecodeSecret(secret) is null)
            {
                errors.Add($"{key}:Secrets:{secretName} must be base64, optionally after whsec_.");
            }
            else if (kind == SchemeKind.Basic && !secret.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{key}:Secrets:{secretName} must be user:password for scheme basic.");
            }
        }
    }

    private static void ValidateHmac(List<string> errors, string key, HmacOptions hmac)
    {
        if (string.IsNullOrWhiteSpace(hmac.Header))
        {
            errors.Add($"{key}:Header is required for scheme hmac (the header carrying the signature).");
        }

        if (SourceCatalog.ParseAlgorithm(hmac.Algorithm) is null)
        {
            errors.Add($"{key}:Algorithm must be sha1, sha256 or sha512.");
        }

        if (hmac.Encoding is not ("hex" or "base64"))
        {
            errors.Add($"{key}:Encoding must be hex or base64.");
        }
    }

    private static void ValidateField(List<string> errors, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && FieldReference.Parse(value) is null)
        {
            errors.Add($"{key} must be header:<Name> or a JSON pointer such as /data/id.");
        }
    }

    private static bool IsAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 200 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsTopic(string topic) =>
        topic.Length is > 0 and < 250 && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
