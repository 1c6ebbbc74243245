using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Kafka;

/// <summary>
/// Builds librdkafka configurations from <see cref="KafkaOptions"/> with the gateway's safe
/// defaults.
/// </summary>
public sealed class KafkaClientConfigs(IOptions<KafkaOptions> options, IHostEnvironment environment)
{
    private readonly KafkaOptions _options = options.Value;

    /// <summary>
    /// An idempotent, acks=all producer configuration whose delivery timeout is
    /// <see cref="KafkaOptions.ProduceTimeout"/>.
    /// </summary>
    public ProducerConfig Producer()
    {
        var config = new ProducerConfig(Common())
        {
            // Idempotence forces acks=all, at most five requests in flight and unlimited retries
            // inside the delivery timeout, so an acknowledged record is written once and in order.
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)_options.ProduceTimeout.TotalMilliseconds,
            LingerMs = _options.LingerMs,
            // Java clients hash keys with murmur2; matching them keeps key -> partition stable
            // for every producer of a topic.
            Partitioner = Partitioner.Murmur2Random,
            CompressionType = CompressionType.Lz4,
        };
        Apply(config, _options.Producer);
        return config;
    }

    /// <summary>
    /// A consumer configuration that never auto-stores offsets; the caller stores them after
    /// handling.
    /// </summary>
    public ConsumerConfig Consumer(string groupId)
    {
        var config = new ConsumerConfig(Common())
        {
            GroupId = groupId,
            EnableAutoOffsetStore = false,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            EnablePartitionEof = false,
            TopicMetadataRefreshIntervalMs = 10_000,
        };
        Apply(config, _options.Consumer);
        return config;
    }

    /// <summary>An admin client configuration.</summary>
    public AdminClientConfig Admin() => new(Common());

    private ClientConfig Common()
    {
        var config = new ClientConfig
        {
            BootstrapServers = _options.BootstrapServers,
            ClientId = _options.ClientId ?? environment.ApplicationName,
            SocketKeepaliveEnable = true,
        };
        Apply(config, _options.Client);
        return config;
    }

    private static void Apply(ClientConfig config, Dictionary<string, string> extra)
    {
        foreach (var (key, value) in extra)
        {
            config.Set(key, value);
        }
    }
}
