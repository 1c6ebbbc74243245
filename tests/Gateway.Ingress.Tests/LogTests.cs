using System.Net;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests;

public sealed class LogTests
{
    [Fact]
    public async Task Process_RejectedRequests_LoggedWithReasonButNeverSecretSignatureOrBody()
    {
        const string Secret = "log-test-secret-7f3a";
        const string Body = """{"card":"4242-body-marker"}""";
        var topic = TestKafka.UniqueTopic("webhooks.logged");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var port = Ports.Free();
        using var process = ServiceProcess.Start(
            "Gateway.Ingress",
            new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = TestKafka.Shared.BootstrapServers,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Logging__LogLevel__Default"] = "Debug",
                ["Ingress__Sources__logged__Scheme"] = "github",
                ["Ingress__Sources__logged__Secrets__0"] = Secret,
                ["Ingress__Sources__logged__Topic"] = topic,
            });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
                return live.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the service should start");
        var wrong = "sha256=" + HexSha256("not-" + Secret, Body);
        var right = "sha256=" + HexSha256(Secret, Body);

        using var rejected = await PostAsync(
            client, "logged", Body, "application/json", ("X-Hub-Signature-256", wrong));
        using var accepted = await PostAsync(client, "logged", Body, "application/json",
            ("X-Hub-Signature-256", right), ("X-GitHub-Delivery", "log-delivery-1"));
        using var unknown = await PostAsync(client, "nope", Body, "application/json");
        process.Kill();
        process.Process.WaitForExit();

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var output = process.Output;
        Assert.Contains("failed verification: signature_mismatch", output, StringComparison.Ordinal);
        Assert.Contains("with 404: unknown_source", output, StringComparison.Ordinal);
        Assert.Contains("log-delivery-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong["sha256=".Length..], output, StringComparison.Ordinal);
        Assert.DoesNotContain(right["sha256=".Length..], output, StringComparison.Ordinal);
        Assert.DoesNotContain("4242-body-marker", output, StringComparison.Ordinal);
    }
}
