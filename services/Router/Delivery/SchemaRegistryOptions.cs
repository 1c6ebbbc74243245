using Microsoft.Extensions.Options;

namespace Gateway.Router.Delivery;

/// <summary>What a structured-mode <c>kafka</c> destination does when its subject has no schema yet.</summary>
internal enum SchemaRegistration
{
    /// <summary>Register the CloudEvent schema under <c>{topic}-value</c> on first use.</summary>
    AutoRegister,

    /// <summary>Refuse to publish unless the exact schema is already registered under <c>{topic}-value</c>.</summary>
    RequireExisting,
}

/// <summary>
/// The Schema Registry that structured <c>kafka</c> destinations use, bound from
/// <c>Router:SchemaRegistry</c>.
/// </summary>
internal sealed class SchemaRegistryOptions
{
    public const string SectionName = "Router:SchemaRegistry";

    /// <summary>The registry's base URL (several may be comma-separated); null when no destination needs one.</summary>
    public string? Url { get; set; }

    /// <summary><c>user:password</c> for HTTP Basic authentication; null for none.</summary>
    public string? BasicAuthUserInfo { get; set; }

    public SchemaRegistration Registration { get; set; } = SchemaRegistration.AutoRegister;

    /// <summary>Timeout of one registry request; default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Names the full key of each Schema Registry setting that is wrong.</summary>
internal sealed class SchemaRegistryOptionsValidator : IValidateOptions<SchemaRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, SchemaRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var errors = new List<string>();
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        var urls = options.Url?.Split(',', split) ?? [];
        if (urls.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"{SchemaRegistryOptions.SectionName}:Url must be absolute http(s) URLs, comma-separated.");
        }

        if (options.BasicAuthUserInfo is { } userInfo && !userInfo.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{SchemaRegistryOptions.SectionName}:BasicAuthUserInfo must be 'user:password'.");
        }

        if (!Enum.IsDefined(options.Registration))
        {
            errors.Add($"{SchemaRegistryOptions.SectionName}:Registration must be AutoRegister or RequireExisting.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SchemaRegistryOptions.SectionName}:RequestTimeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
