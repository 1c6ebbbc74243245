using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Gateway.Contracts;
using Gateway.MockKafka;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class BrokerOutageTests
{
    [SkippableFact]
    public async Task Post_AllBrokersDown_Answers503WithRetryAfterAndLosesNothingAcknowledged()
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");

        // A cluster of its own, so the outage touches no other test.
        using var mock = MockCluster.Start(3);
        var topic = TestKafka.UniqueTopic("webhooks.outage");
        mock.CreateTopic(topic, 3);
        await using var app = await StartOnAsync(
            mock.BootstrapServers,
            "Kafka:ProduceTimeout=00:00:03",
            "Ingress:Sources:billing:Scheme=bearer",
            "Ingress:Sources:billing:Secrets:0=billing-token",
            "Ingress:Sources:billing:Id=/id",
            $"Ingress:Sources:billing:Topic={topic}");
        var acknowledged = new ConcurrentBag<string>();
        var unavailable = new ConcurrentBag<HttpResponseMessage>();

        async Task SendAsync(int from, int count)
        {
            await Task.WhenAll(Enumerable.Range(from, count).Select(async i =>
            {
                var response = await PostAsync(app.Client, "billing", $$"""{"id":"evt-{{i}}"}""", "application/json",
                    ("Authorization", "Bearer billing-token"));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    acknowledged.Add(await AcceptedIdAsync(response));
                    response.Dispose();
                }
                else
                {
                    unavailable.Add(response);
                }
            }));
        }

        await SendAsync(0, 20);
        for (var broker = 1; broker <= mock.BrokerCount; broker++)
        {
            mock.SetBrokerDown(broker);
        }

        await SendAsync(20, 20);
        for (var broker = 1; broker <= mock.BrokerCount; broker++)
        {
            mock.SetBrokerUp(broker);
        }

        var probes = 0;
        await Eventually.TrueAsync(async () =>
        {
            probes++;
            using var probe = await PostAsync(app.Client, "billing", """{"id":"probe"}""", "application/json",
                ("Authorization", "Bearer billing-token"));
            return probe.StatusCode == HttpStatusCode.Accepted;
        }, TimeSpan.FromSeconds(60), "the ingress should accept again once the brokers are back");
        await SendAsync(40, 20);

        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(unavailable, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.All(unavailable, r =>
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} acknowledged");
        // Every request wrote at most one record; a 503 one may still have landed, so read them all.
        var stored = TestKafka.ReadAll(mock.BootstrapServers, topic, 60 + probes, TimeSpan.FromSeconds(30))
            .Select(r => KafkaCloudEvent.GetString(r.Message.Headers, EventHeaders.Id))
            .ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
        foreach (var response in unavailable)
        {
            response.Dispose();
        }
    }
}
