using System.Diagnostics;
using System.Globalization;

namespace Gateway.Benchmarks;

/// <summary>
/// A service or baseline run as its own <c>dotnet X.dll</c> process, so every contender pays the
/// same process costs; keeps the tail of its output for failure reasons.
/// </summary>
internal sealed class ChildService : IAsyncDisposable
{
    private const int OutputLinesKept = 40;

    private readonly Queue<string> _tail = new();
    private readonly List<Action<string>> _lineWatchers = [];
    private readonly Process _process;

    private ChildService(string name, Process process, int? port)
    {
        Name = name;
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int? Port { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts a service assembly; returns a failure reason instead when it is not built.</summary>
    public static ChildService Start(
        string name,
        string assemblyPath,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        bool listens = true)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new ScenarioFailedException($"{name}: {assemblyPath} is not built");
        }

        int? port = listens ? FreePort.Next() : null;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
        };
        info.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[ServiceContract.LogLevelVariable] = ServiceContract.LogLevelValue;
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (port is { } p)
        {
            info.Environment[ServiceContract.UrlsVariable] = $"http://127.0.0.1:{p}";
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new ScenarioFailedException($"{name}: dotnet did not start");
        return new ChildService(name, process, port);
    }

    /// <summary>Starts the benchmark executable itself in one of its baseline roles.</summary>
    public static ChildService StartSelf(
        string name,
        string role,
        IReadOnlyDictionary<string, string> environment,
        bool listens = true) =>
        Start(name, typeof(ChildService).Assembly.Location, ["--serve-baseline", role], environment, listens);

    /// <summary>Waits until the health endpoint answers 200; fails with the output's tail otherwise.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new ScenarioFailedException(
                    $"{Name} exited with code {_process.ExitCode} at start: {OutputTail()}");
            }

            try
            {
                using var response = await client.GetAsync(ServiceContract.HealthPath, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"health answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "health timed out";
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new ScenarioFailedException($"{Name} was not ready in {timeout.TotalSeconds:0} s ({last})");
    }

    /// <summary>Completes with the first output line that starts with <paramref name="prefix"/>.</summary>
    public Task<string> WaitForLineAsync(string prefix)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_tail)
        {
            _lineWatchers.Add(line =>
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.TrySetResult(line);
                }
            });
        }

        return found.Task;
    }

    /// <summary>The peak resident set (VmHWM) of the process so far, in MiB; null off Linux or after exit.</summary>
    public double? PeakWorkingSetMiB()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kib = long.Parse(
                        line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kib / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
            // The process is gone or /proc does not exist: no figure rather than a wrong one.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above: another platform's /proc rules.
        }

        return null;
    }

    public string OutputTail()
    {
        lock (_tail)
        {
            return _tail.Count == 0 ? "(no output)" : string.Join(" | ", _tail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        catch (TimeoutException)
        {
            // A process that ignores SIGKILL for 10 s is the kernel's problem, not the run's.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        var text = line.Length > 300 ? line[..300] : line;
        lock (_tail)
        {
            _tail.Enqueue(text);
            while (_tail.Count > OutputLinesKept)
            {
                _tail.Dequeue();
            }

            foreach (var watcher in _lineWatchers)
            {
                watcher(line);
            }
        }
    }
}
