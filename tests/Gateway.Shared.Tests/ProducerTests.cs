using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.Kafka;
using Gateway.MockKafka;
using Gateway.Testing;

namespace Gateway.Shared.Tests;

public sealed class ProducerTests
{
    [SkippableFact]
    public async Task ProduceAsync_BrokerDownThenUp_NoAcknowledgedRecordIsLost()
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");

        // A cluster of its own, so the outage touches no other test.
        using var mock = MockCluster.Start(3);
        var topic = TestKafka.UniqueTopic("producer.outage");
        mock.CreateTopic(topic, 3);
        var acknowledged = new ConcurrentBag<string>();
        using var producer = KafkaFactory.Producer(TimeSpan.FromSeconds(20), mock.BootstrapServers);

        async Task ProduceBatch(int from, int count)
        {
            var sends = Enumerable.Range(from, count).Select(async i =>
            {
                var value = $"record-{i}";
                try
                {
                    await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes($"key-{i}"),
                        Value = Encoding.UTF8.GetBytes(value),
                    }, CancellationToken.None);
                    acknowledged.Add(value);
                }
                catch (ProduceException<byte[]?, byte[]?>)
                {
                    // Not acknowledged: the sender would be told to retry; nothing to check.
                }
            });
            await Task.WhenAll(sends);
        }

        await ProduceBatch(0, 50);
        mock.SetBrokerDown(1);
        var during = ProduceBatch(50, 100);
        await Task.Delay(TimeSpan.FromSeconds(2));
        mock.SetBrokerUp(1);
        await during;
        await ProduceBatch(150, 50);

        var stored = TestKafka.ReadAll(mock.BootstrapServers, topic, acknowledged.Count, TimeSpan.FromSeconds(60))
            .Select(r => Encoding.UTF8.GetString(r.Message.Value!))
            .ToHashSet();
        Assert.True(acknowledged.Count >= 100, $"only {acknowledged.Count} acknowledged");
        Assert.All(acknowledged, v => Assert.Contains(v, stored));
    }

    [Fact]
    public async Task ProduceAsync_InsideActivity_ConsumerReadsTheSameTraceContext()
    {
        var topic = TestKafka.UniqueTopic("producer.trace");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "test" or KafkaTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        using var producer = KafkaFactory.Producer();

        ActivityTraceId traceId;
        using (var request = source.StartActivity("request"))
        {
            traceId = request!.TraceId;
            await producer.ProduceAsync(
                topic,
                new Message<byte[]?, byte[]?> { Value = [1, 2, 3] },
                CancellationToken.None);
        }

        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        var context = KafkaTelemetry.Extract(record.Message.Headers);
        Assert.Equal(traceId, context.TraceId);
        Assert.NotNull(KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.TraceParent));
        using var process = KafkaTelemetry.StartProcess(record, "group");
        Assert.Equal(traceId, process!.TraceId);
    }

    [Fact]
    public void StartProcess_RecordWithTraceContext_ContinuesItsTraceWhetherOrNotSpansAreRecorded()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var headers = new Headers { { "traceparent", Encoding.UTF8.GetBytes($"00-{traceId}-{spanId}-01") } };
        var record = new ConsumeResult<byte[]?, byte[]?>
        {
            Topic = "webhooks.trace",
            Partition = new Partition(0),
            Offset = new Offset(7),
            Message = new Message<byte[]?, byte[]?> { Headers = headers },
        };

        using var process = KafkaTelemetry.StartProcess(record, "group");

        Assert.NotNull(process);
        Assert.Equal(traceId, Activity.Current?.TraceId);
        Assert.Equal(spanId, process.ParentSpanId);
    }
}
