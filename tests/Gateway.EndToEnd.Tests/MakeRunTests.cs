using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Testing;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// <c>make run</c> as a newcomer runs it: the app host, the embedded broker, redis-server, the
/// three services and the demo downstream, on the addresses the README lists.
/// </summary>
public sealed class MakeRunTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task MakeRun_Started_EveryPartAnswersAndAWebhookReachesCrmAndErp()
    {
        using var run = MakeRun.Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            foreach (var url in new[]
            {
                "http://localhost:5080/health/ready",
                "http://localhost:5081/health/ready",
                "http://localhost:5082/health/ready",
                "http://localhost:5090/received",
                "http://localhost:18888/",
            })
            {
                await Eventually.TrueAsync(() => AnswersAsync(http, url, run), StartTimeout, url + " answers 200");
            }

            var id = Guid.NewGuid().ToString();
            var body = """{"ref":"refs/heads/main","repository":{"full_name":"acme/shop"}}"""u8.ToArray();
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost:5080/webhooks/github")
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-GitHub-Event", "push");
            request.Headers.Add("X-GitHub-Delivery", id);
            request.Headers.Add(
                "X-Hub-Signature-256",
                "sha256=" + Convert.ToHexStringLower(
                    HMACSHA256.HashData("demo-github-secret"u8.ToArray(), body)));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            string[] paths = [];
            await Eventually.TrueAsync(
                async () =>
                {
                    paths = await DeliveredPathsAsync(http, id);
                    return paths.Length >= 2;
                },
                TimeSpan.FromSeconds(60),
                "the demo downstream receives the webhook at /crm and /erp");
            Assert.Equal(["/crm", "/erp"], paths.Order());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException("make run output:\n" + run.OutputTail(), ex);
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url, MakeRun run)
    {
        Assert.False(run.HasExited, "make run exited:\n" + run.OutputTail());
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task<string[]> DeliveredPathsAsync(HttpClient http, string id)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("http://localhost:5090/received")));
        return
        [
            .. document.RootElement.EnumerateArray()
                .Where(r => r.GetProperty("headers").TryGetProperty("Idempotency-Key", out var key)
                    && key.GetString() == id)
                .Select(r => r.GetProperty("path").GetString()!),
        ];
    }

    /// <summary><c>make run</c> in a process group of its own, stopped as Ctrl+C would stop it.</summary>
    private sealed class MakeRun : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private MakeRun(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public static MakeRun Start()
        {
            var info = new ProcessStartInfo("setsid")
            {
                WorkingDirectory = RepositoryRoot(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("make");
            info.ArgumentList.Add("run");
            return new MakeRun(Process.Start(info) ?? throw new InvalidOperationException("make did not start"));
        }

        public string OutputTail()
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                // The whole group, as the terminal's Ctrl+C would: the app host then stops every
                // part it started (its orchestrator watches it and cleans up when it goes).
                var group = "-" + _process.Id.ToString(CultureInfo.InvariantCulture);
                using (var kill = Process.Start("bash", ["-c", "kill -TERM -- " + group]))
                {
                    kill.WaitForExit();
                }

                if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        private static string RepositoryRoot()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Gateway.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (Gateway.sln) was not found.");
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
