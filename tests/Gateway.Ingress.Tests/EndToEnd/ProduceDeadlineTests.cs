using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.MockKafka;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class ProduceDeadlineTests
{
    private const string SlackSecret = "slack-deadline-secret";
    private const string Token = "deadline-token";

    // The producer's own timeout is far beyond every deadline, so only the source's can answer.
    private const string ProduceTimeout = "Kafka:ProduceTimeout=00:00:15";

    [SkippableTheory]
    [InlineData("slack", "brokers-down", 2.5)]
    [InlineData("slack", "brokers-slow", 2.5)]
    [InlineData("partner", "brokers-slow", 1.5)]
    public async Task Post_BrokerUnavailableOrSlow_Answers503WithRetryAfterAtTheSourcesDeadline(
        string source, string fault, double deadlineSeconds)
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");

        using var mock = MockCluster.Start(1);
        var topic = TestKafka.UniqueTopic("webhooks.deadline");
        mock.CreateTopic(topic, 1);
        await using var app = await StartOnAsync(
            mock.BootstrapServers,
            ProduceTimeout,
            "Ingress:FlushTimeout=00:00:01",
            "Ingress:Sources:slack:Scheme=slack",
            $"Ingress:Sources:slack:Secrets:0={SlackSecret}",
            $"Ingress:Sources:slack:Topic={topic}",
            "Ingress:Sources:partner:Scheme=bearer",
            $"Ingress:Sources:partner:Secrets:0={Token}",
            "Ingress:Sources:partner:ProduceTimeout=00:00:01.500",
            $"Ingress:Sources:partner:Topic={topic}");
        using var warm = await SendAsync(app, source, "warm");
        Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);

        if (fault == "brokers-down")
        {
            mock.SetBrokerDown(1);
        }
        else
        {
            mock.SetBrokerRoundTrip(1, TimeSpan.FromSeconds(10));
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await SendAsync(app, source, "late");
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (fault == "brokers-down")
        {
            mock.SetBrokerUp(1);
        }
        else
        {
            mock.SetBrokerRoundTrip(1, TimeSpan.Zero);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // The source's deadline answered, not the producer's 15 s timeout; the upper bound is
        // generous because the machine may be busy.
        var deadline = TimeSpan.FromSeconds(deadlineSeconds);
        Assert.InRange(elapsed, deadline - TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10));
    }

    private static Task<HttpResponseMessage> SendAsync(RunningApp app, string source, string id)
    {
        var body = $$$"""{"type":"event_callback","event_id":"{{{id}}}","event":{"type":"message"}}""";
        if (source != "slack")
        {
            return PostAsync(app.Client, source, body, "application/json",
                ("Authorization", "Bearer " + Token));
        }

        var timestamp = UnixNow().ToString(CultureInfo.InvariantCulture);
        return PostAsync(app.Client, source, body, "application/json",
            ("X-Slack-Request-Timestamp", timestamp),
            ("X-Slack-Signature", "v0=" + HexSha256(SlackSecret, $"v0:{timestamp}:{body}")));
    }
}
