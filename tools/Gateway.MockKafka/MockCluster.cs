using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Gateway.MockKafka;

/// <summary>
/// An in-process Kafka cluster that speaks the real Kafka protocol over TCP on loopback:
/// librdkafka's mock cluster (produce, fetch, consumer groups, offsets, idempotent producer),
/// with fault injection for tests.
/// </summary>
public sealed class MockCluster : IDisposable
{
    private readonly IntPtr _client;
    private readonly IntPtr _cluster;
    private readonly Lock _gate = new();
    private bool _disposed;

    private MockCluster(IntPtr client, IntPtr cluster, int brokerCount)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(Librdkafka.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    /// <summary>The <c>host:port</c> list of the brokers, never null.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has; their ids are 1 to this number.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster of <paramref name="brokerCount"/> brokers (default 3) listening on loopback.</summary>
    public static MockCluster Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);

        var errors = new byte[512];
        var conf = Librdkafka.rd_kafka_conf_new();

        // The cluster's own client only hosts it; its log lines would be noise on stderr.
        _ = Librdkafka.rd_kafka_conf_set(conf, "log_level", "3", errors, (nuint)errors.Length);
        var client = Librdkafka.rd_kafka_new(Librdkafka.ProducerType, conf, errors, (nuint)errors.Length);
        if (client == IntPtr.Zero)
        {
            throw new InvalidOperationException("librdkafka refused to create the host client: " + Text(errors));
        }

        var cluster = Librdkafka.rd_kafka_mock_cluster_new(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            Librdkafka.rd_kafka_destroy(client);
            throw new InvalidOperationException("librdkafka could not create the mock cluster.");
        }

        return new MockCluster(client, cluster, brokerCount);
    }

    /// <summary>Creates a topic; the replication factor defaults to the broker count, at most 3.</summary>
    public void CreateTopic(string topic, int partitions, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);

        Check(Librdkafka.rd_kafka_mock_topic_create(
            Cluster(), topic, partitions, replicationFactor ?? Math.Min(3, BrokerCount)), $"create topic {topic}");
    }

    /// <summary>Disconnects a broker and refuses its new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(Librdkafka.rd_kafka_mock_broker_set_down(Cluster(), brokerId), $"set broker {brokerId} down");

    /// <summary>Lets a broker that was set down accept connections again.</summary>
    public void SetBrokerUp(int brokerId) =>
        Check(Librdkafka.rd_kafka_mock_broker_set_up(Cluster(), brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of a broker by <paramref name="roundTrip"/>.</summary>
    public void SetBrokerRoundTrip(int brokerId, TimeSpan roundTrip) =>
        Check(
            Librdkafka.rd_kafka_mock_broker_set_rtt(Cluster(), brokerId, (int)roundTrip.TotalMilliseconds),
            $"set broker {brokerId} rtt");

    /// <summary>Makes the next requests of one API (e.g. 0 = Produce) fail with these errors, in order.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        var codes = errors.Select(e => (int)e).ToArray();
        Librdkafka.rd_kafka_mock_push_request_errors_array(Cluster(), apiKey, (nuint)codes.Length, codes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Librdkafka.rd_kafka_mock_cluster_destroy(_cluster);
            Librdkafka.rd_kafka_destroy(_client);
        }
    }

    private IntPtr Cluster()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _cluster;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new KafkaException(new Error((ErrorCode)error, $"The mock cluster could not {what}."));
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
