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
        return await ProduceAsync(cluster.BootstrapServers, topic, count, cancellationToken);
    }

    /// <summary>Writes <paramref name="count"/> events as fast as the producer batches them; returns the ids.</summary>
    public static async Task<IReadOnlyList<string>> ProduceAsync(
        string bootstrapServers, string topic, int count, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
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
            var message = Event(id, created);
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

    /// <summary>One event as the ingress writes it: Stripe JSON value, binary-mode CloudEvent headers.</summary>
    public static Message<byte[]?, byte[]?> Event(string id, long created)
    {
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
        return message;
    }
}
