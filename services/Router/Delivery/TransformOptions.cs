using Microsoft.Extensions.Options;

namespace Gateway.Router.Delivery;

/// <summary>The sandbox limits of every destination transformation, bound from <c>Router:Transform</c>.</summary>
internal sealed class TransformOptions
{
    public const string SectionName = "Router:Transform";

    /// <summary>Wall-clock limit of one call; default one second.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Memory a call may allocate; default 16 MiB.</summary>
    public long MemoryLimitBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Statements a call may execute; default one million.</summary>
    public int MaxStatements { get; set; } = 1_000_000;

    /// <summary>Deepest call nesting; default 64.</summary>
    public int MaxRecursionDepth { get; set; } = 64;
}

/// <summary>Names the full key of each limit that is out of range.</summary>
internal sealed class TransformOptionsValidator : IValidateOptions<TransformOptions>
{
    public ValidateOptionsResult Validate(string? name, TransformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var errors = new List<string>();
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{TransformOptions.SectionName}:Timeout must be between 00:00:00.001 and 00:01:00.");
        }

        if (options.MemoryLimitBytes < 1024 * 1024)
        {
            errors.Add($"{TransformOptions.SectionName}:MemoryLimitBytes must be at least 1048576.");
        }

        if (options.MaxStatements < 1)
        {
            errors.Add($"{TransformOptions.SectionName}:MaxStatements must be positive.");
        }

        if (options.MaxRecursionDepth < 1)
        {
            errors.Add($"{TransformOptions.SectionName}:MaxRecursionDepth must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
