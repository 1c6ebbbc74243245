using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Runs a gateway service and turns bad configuration into one clear message and exit code 2.</summary>
public static class GatewayHost
{
    /// <summary>The exit code of a service that refused to start on bad configuration.</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>Runs the application until shutdown; returns the process exit code.</summary>
    public static async Task<int> RunGatewayAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync(DescribeInvalidConfiguration(ex));
            return InvalidConfigurationExitCode;
        }
    }

    /// <summary>Lists every configuration failure, one per line, each naming the key to set.</summary>
    public static string DescribeInvalidConfiguration(OptionsValidationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        return "The configuration is invalid; the service did not start:" + Environment.NewLine
            + string.Join(Environment.NewLine, exception.Failures.Select(f => "  - " + f));
    }
}
