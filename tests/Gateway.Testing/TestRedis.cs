using System.Diagnostics;
using StackExchange.Redis;

namespace Gateway.Testing;

/// <summary>
/// The Redis of a test run: the server named by <c>GATEWAY_TEST_REDIS</c> (a StackExchange.Redis
/// configuration string) when it is set, otherwise a real <c>redis-server</c> started on a free
/// port for this test process and stopped when it exits.
/// </summary>
public sealed class TestRedis
{
    public const string Variable = "GATEWAY_TEST_REDIS";

    private static readonly Lazy<TestRedis> Instance = new(Create);

    private TestRedis(string configuration, Process? server)
    {
        Configuration = configuration;
        Server = server;
        Multiplexer = ConnectionMultiplexer.Connect(configuration);
    }

    public static TestRedis Shared => Instance.Value;

    public string Configuration { get; }

    /// <summary>The local server process, or null against an external Redis.</summary>
    public Process? Server { get; }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string name) => $"test:{name}:{Guid.NewGuid():N}:";

    private static TestRedis Create()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestRedis(external, null);
        }

        var port = Ports.Free();
        Process server;
        try
        {
            server = StartServer(port);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "redis-server could not be started: install the redis-server package (make test "
                + $"does so as root), or point {Variable} at a Redis the tests may use.",
                ex);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(server);

        var configuration = $"127.0.0.1:{port}";
        Ports.WaitUntilListening(port, TimeSpan.FromSeconds(10));
        return new TestRedis(configuration, server);
    }

    private static Process StartServer(int port)
    {
        var server = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start; install the redis-server package.");
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static void Stop(Process server)
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
        }
    }
}
