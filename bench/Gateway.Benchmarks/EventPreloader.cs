using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.MockKafka;

namespace Gateway.Benchmarks;

/// <summary>Writes events onto a source topic the way the ingress does, before a router drains them.</summary>
internal static class EventPreloader
{
    public static async Task<IReadOnlyList<string>> PreloadAsync(
        MockCluster cluster, string topic, int partitions, int count, CancellationToken cancellationToken)
    {
        cluster.CreateTopic(topic, partitions);
        var config = new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            Partitioner = Partitioner.Murmur2Random,
            CompressionType = CompressionType.Lz4,
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        var ids = new List<string>(count);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var id = StripeEvents.NewEventId();
            ids.Add(id);
            var cloudEvent = new CloudEvent
            {
                Id = id,
                Source = new Uri(ServiceContract.PreloadEventSource, UriKind.Relative),
                Type = ServiceContract.PreloadEventType,
                Time = DateTimeOffset.UtcNow,
                DataContentType = "application/json",
            };
            var message = new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes("pi_" + id[4..]),
                Value = StripeEvents.Body(id, created),
                Headers = [],
            };
            KafkaCloudEvent.WriteAttributes(cloudEvent, message.Headers);
            producer.Produce(topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }

        await Task.Run(() => producer.Flush(cancellationToken), cancellationToken);
        if (Volatile.Read(ref failed) > 0)
        {
            throw new ScenarioFailedException($"{failed} of {count} events could not be pre-loaded on {topic}");
        }

        return ids;
    }
}
