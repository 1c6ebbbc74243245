using Microsoft.Extensions.Options;

namespace Gateway.Kafka;

internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var errors = new List<string>();
        const string Section = KafkaOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{Section}:BootstrapServers is required (host:port[,host:port...]).");
        }
        else if (options.BootstrapServers.Split(',').Any(s => !IsHostPort(s.Trim())))
        {
            errors.Add($"{Section}:BootstrapServers must be a comma-separated list of host:port.");
        }

        if (options.ProduceTimeout <= TimeSpan.Zero || options.ProduceTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:ProduceTimeout must be between 00:00:00.001 and 00:05:00.");
        }

        if (options.LingerMs is < 0 or > 1000)
        {
            errors.Add($"{Section}:LingerMs must be between 0 and 1000.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0
            && int.TryParse(value.AsSpan(colon + 1), out var port)
            && port is > 0 and < 65536;
    }
}
