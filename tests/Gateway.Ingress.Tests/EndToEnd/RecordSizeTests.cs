using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.MockKafka;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class RecordSizeTests
{
    private const string Token = "size-token";

    [Fact]
    public async Task Post_BodyOverAnExplicitProducerLimit_Answers413AndWritesNothing()
    {
        var source = "size" + Guid.NewGuid().ToString("N")[..8];
        var topic = TestKafka.UniqueTopic("webhooks.size");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var outcomes = new ConcurrentBag<string>();
        using var listener = ListenForOutcomes(source, outcomes);
        await using var app = await StartAsync(
            "Kafka:Producer:message.max.bytes=100000",
            $"Ingress:Sources:{source}:Scheme=bearer",
            $"Ingress:Sources:{source}:Secrets:0={Token}",
            $"Ingress:Sources:{source}:Id=/id",
            $"Ingress:Sources:{source}:Topic={topic}");

        using var large = await SendAsync(app, source, Body("big", 200_000));
        using var small = await SendAsync(app, source, Body("small", 100));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("application/problem+json", large.Content.Headers.ContentType?.MediaType);
        Assert.Null(large.Headers.RetryAfter);
        Assert.Contains(Outcomes.RecordTooLarge, outcomes);
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);

        // The small event was sent after the large one, so reading it gives the large one its time.
        var records = TestKafka.Shared.ReadAll(topic, 2, TimeSpan.FromSeconds(5));
        var record = Assert.Single(records);
        Assert.Equal("small", KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.Id));
    }

    [Fact]
    public async Task Post_BodyAboveLibrdkafkasDefaultWithinTheSourceLimit_AcceptedAndWritten()
    {
        var topic = TestKafka.UniqueTopic("webhooks.size");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:bulk:Scheme=bearer",
            $"Ingress:Sources:bulk:Secrets:0={Token}",
            "Ingress:Sources:bulk:Id=/id",
            $"Ingress:Sources:bulk:Topic={topic}");
        var body = Body("bulk-1", 1_040_000);

        using var response = await SendAsync(app, "bulk", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(1_040_000, record.Message.Value!.Length);
        Assert.Equal("bulk-1", KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.Id));
    }

    [SkippableFact]
    public async Task Post_BrokerRefusesTheRecordAsTooLarge_Answers413AndTheNextEventIsWritten()
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");

        using var mock = MockCluster.Start(1);
        var topic = TestKafka.UniqueTopic("webhooks.size");
        mock.CreateTopic(topic, 1);
        await using var app = await StartOnAsync(
            mock.BootstrapServers,
            "Ingress:Sources:bulk:Scheme=bearer",
            $"Ingress:Sources:bulk:Secrets:0={Token}",
            "Ingress:Sources:bulk:Id=/id",
            $"Ingress:Sources:bulk:Topic={topic}");
        using var warm = await SendAsync(app, "bulk", Body("warm", 100));

        // Produce is Kafka API key 0; the broker answers the next produce request with this error.
        mock.PushRequestErrors(0, ErrorCode.MsgSizeTooLarge);
        using var refused = await SendAsync(app, "bulk", Body("refused", 5_000));
        using var next = await SendAsync(app, "bulk", Body("next", 100));

        Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Null(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var ids = TestKafka.ReadAll(mock.BootstrapServers, topic, 3, TimeSpan.FromSeconds(5))
            .Select(r => KafkaCloudEvent.GetString(r.Message.Headers, EventHeaders.Id));
        Assert.Equal(["warm", "next"], ids);
    }

    private static Task<HttpResponseMessage> SendAsync(
        RunningApp app, string source, string body) =>
        PostAsync(app.Client, source, body, "application/json",
            ("Authorization", "Bearer " + Token));

    private static string Body(string id, int length)
    {
        var head = "{\"id\":\"" + id + "\",\"pad\":\"";
        return head + new string('x', length - head.Length - 2) + "\"}";
    }

    private static MeterListener ListenForOutcomes(string source, ConcurrentBag<string> outcomes)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IngressTelemetry.Name
                    && instrument.Name == IngressTelemetry.Requests)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? tagged = null;
            string? outcome = null;
            foreach (var tag in tags)
            {
                tagged = tag.Key == "gateway.source" ? tag.Value as string : tagged;
                outcome = tag.Key == "gateway.outcome" ? tag.Value as string : outcome;
            }

            if (tagged == source && outcome is not null)
            {
                outcomes.Add(outcome);
            }
        });
        listener.Start();
        return listener;
    }
}
