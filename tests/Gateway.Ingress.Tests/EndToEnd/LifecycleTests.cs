using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Contracts;
using Gateway.Kafka;
using Gateway.MockKafka;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class LifecycleTests
{
    [SkippableFact]
    public async Task Stop_WhileARequestWaitsForTheBroker_FinishesItAndTheRecordIsStored()
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");

        using var mock = MockCluster.Start(3);
        var topic = TestKafka.UniqueTopic("webhooks.shutdown");
        mock.CreateTopic(topic, 1);
        var source = "shutdown" + Guid.NewGuid().ToString("N")[..8];
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == IngressTelemetry.VerificationDuration)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "gateway.source" && Equals(tag.Value, source))
                {
                    reached.TrySetResult();
                }
            }
        });
        listener.Start();
        var app = await StartOnAsync(
            mock.BootstrapServers,
            $"Ingress:Sources:{source}:Scheme=bearer",
            $"Ingress:Sources:{source}:Secrets:0=t",
            "Ingress:Sources:" + source + ":Id=/id",
            $"Ingress:Sources:{source}:Topic={topic}");
        var bearer = ("Authorization", "Bearer t");
        using (var warm = await PostAsync(app.Client, source, """{"id":"warm"}""", "application/json", bearer))
        {
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        }

        for (var broker = 1; broker <= mock.BrokerCount; broker++)
        {
            mock.SetBrokerRoundTrip(broker, TimeSpan.FromMilliseconds(1500));
        }

        var inFlight = PostAsync(app.Client, source, """{"id":"in-flight"}""", "application/json", bearer);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await app.App.StopAsync();
        using var response = await inFlight;
        await app.DisposeAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = TestKafka.ReadAll(mock.BootstrapServers, topic, 2, TimeSpan.FromSeconds(30))
            .Select(r => KafkaCloudEvent.GetString(r.Message.Headers, EventHeaders.Id));
        Assert.Contains("in-flight", ids);
    }

    [Fact]
    public async Task Post_Accepted_RequestSpanTaggedAndParentOfTheProduceSpan()
    {
        var source = "traced" + Guid.NewGuid().ToString("N")[..8];
        var topic = TestKafka.UniqueTopic("webhooks.traced");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or KafkaTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await StartAsync(
            $"Ingress:Sources:{source}:Scheme=shopify",
            $"Ingress:Sources:{source}:Secrets:0=shp",
            $"Ingress:Sources:{source}:Topic={topic}");
        const string Body = """{"id":1}""";

        using var response = await PostAsync(app.Client, source, Body, "application/json",
            ("X-Shopify-Hmac-Sha256", Base64Sha256("shp", Body)),
            ("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
            ("X-Shopify-Topic", "orders/create"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(() => Snapshot(stopped).Any(a => Equals(a.GetTagItem("gateway.source"), source)),
            TimeSpan.FromSeconds(10), "the request span should stop");
        var spans = Snapshot(stopped);
        var request = spans.Single(a => Equals(a.GetTagItem("gateway.source"), source));
        var produce = spans.Single(a => a.Source.Name == KafkaTelemetry.Name && a.OperationName == $"send {topic}");
        Assert.Equal("accepted", request.GetTagItem("gateway.outcome"));
        Assert.Equal(request.SpanId, produce.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, produce.Kind);
        var signature = Base64Sha256("shp", Body);
        Assert.DoesNotContain(
            spans.SelectMany(s => s.TagObjects),
            t => t.Value?.ToString()?.Contains(signature, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Post_TwilioFormBehindAProxy_VerifiedAgainstTheConfiguredPublicUrl()
    {
        var topic = TestKafka.UniqueTopic("webhooks.twilio");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:PublicBaseUrl=https://hooks.example.com/",
            "Ingress:Sources:twilio:Scheme=twilio",
            "Ingress:Sources:twilio:Secrets:0=twilio-auth-token",
            $"Ingress:Sources:twilio:Topic={topic}");
        const string Form = "MessageSid=SM1&Body=Hello+there&From=%2B15550001111";
        var signed = "https://hooks.example.com/webhooks/twilio?tenant=7"
            + "BodyHello there" + "From+15550001111" + "MessageSidSM1";
        var signature = Convert.ToBase64String(
            Mac(HashAlgorithmName.SHA1, Encoding.UTF8.GetBytes("twilio-auth-token"), signed));

        using var request = new HttpRequestMessage(
            HttpMethod.Post, new Uri("/webhooks/twilio?tenant=7", UriKind.Relative))
        {
            Content = new StringContent(Form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Twilio-Signature", signature);
        request.Headers.Add("I-Twilio-Idempotency-Token", "idem-1");
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("idem-1", await AcceptedIdAsync(response));
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(Form, Encoding.UTF8.GetString(record.Message.Value!));
        Assert.Equal("com.twilio", KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.Type));
    }

    private static List<Activity> Snapshot(List<Activity> activities)
    {
        lock (activities)
        {
            return [.. activities];
        }
    }
}
