using System.Globalization;
using Gateway.Testing;

namespace Gateway.Router.Tests;

/// <summary>
/// The shipped router run as its own process, configured through environment variables the
/// way operators configure it, on a free loopback port.
/// </summary>
internal sealed class RouterProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private RouterProcess(ServiceProcess process, int port)
    {
        Process = process;
        Client = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public ServiceProcess Process { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the router and waits until it answers <c>/health/live</c>.</summary>
    public static async Task<RouterProcess> StartAsync(Dictionary<string, string> settings)
    {
        var process = RouterScenario.StartRouterProcess(RouterScenario.ProcessEnvironment(settings), out var port);
        var router = new RouterProcess(process, port);
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    Assert.False(process.Process.HasExited, "the router exited: " + process.Output);
                    try
                    {
                        using var live = await router.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
                        return live.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "the router process answers");
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the router as Kubernetes would: SIGTERM, then SIGKILL if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.Process.HasExited)
        {
            // The shell's own kill: no procps package needed.
            using (var kill = System.Diagnostics.Process.Start(
                "bash", ["-c", "kill -TERM " + Process.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await Process.Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // It did not stop in time; Dispose below ends it.
            }
        }

        Process.Dispose();
    }
}
