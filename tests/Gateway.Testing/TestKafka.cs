using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Gateway.MockKafka;

namespace Gateway.Testing;

/// <summary>
/// The Kafka cluster of a test run: the cluster named by <c>GATEWAY_TEST_KAFKA</c>
/// (bootstrap servers) when it is set, otherwise one embedded mock cluster of three brokers
/// per test process.
/// </summary>
public sealed class TestKafka
{
    public const string Variable = "GATEWAY_TEST_KAFKA";

    private static readonly Lazy<TestKafka> Instance = new(Create);

    private TestKafka(string bootstrapServers, MockCluster? mock)
    {
        BootstrapServers = bootstrapServers;
        Mock = mock;
    }

    public static TestKafka Shared => Instance.Value;

    public string BootstrapServers { get; }

    /// <summary>The embedded cluster, or null against a real cluster (fault injection is then skipped).</summary>
    public MockCluster? Mock { get; }

    /// <summary>A topic name no other test uses.</summary>
    public static string UniqueTopic(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    /// <summary>A consumer group id no other test uses.</summary>
    public static string UniqueGroup(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async Task CreateTopicAsync(string topic, int partitions)
    {
        if (Mock is not null)
        {
            Mock.CreateTopic(topic, partitions);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions }]);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            // Another run made it; the test uses unique names, so the topic is empty enough.
        }
    }

    /// <summary>
    /// Reads records from the start of a topic until <paramref name="count"/> arrived or the
    /// timeout passed.
    /// </summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic, int count, TimeSpan timeout) =>
        ReadAll(BootstrapServers, topic, count, timeout);

    /// <summary>
    /// Reads records from the start of a topic of any cluster until <paramref name="count"/>
    /// arrived or the timeout passed.
    /// </summary>
    /// <remarks>
    /// The reader is assigned every partition instead of joining a group, so it reads from the
    /// first moment: a short timeout that finds nothing means there is nothing, not that a group
    /// join took longer than the wait.
    /// </remarks>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(
        string bootstrapServers,
        string topic,
        int count,
        TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = UniqueGroup("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Partitions(bootstrapServers, topic)
            .Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not null)
            {
                records.Add(result);
            }
        }

        consumer.Close();
        return records;
    }

    private static List<Partition> Partitions(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.Single(t => t.Topic == topic).Partitions;
        if (partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic {topic} has no partitions; create it before reading.");
        }

        return [.. partitions.Select(p => new Partition(p.PartitionId))];
    }

    private static TestKafka Create()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestKafka(external, null);
        }

        var mock = MockCluster.Start(3);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => mock.Dispose();
        return new TestKafka(mock.BootstrapServers, mock);
    }
}
