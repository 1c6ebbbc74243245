using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Gateway.MockKafka;
using Gateway.Testing;

namespace Gateway.Shared.Tests;

public sealed class MockClusterProcessTests
{
    [Fact]
    public async Task InProcess_ClusterAndClient_ShareOneLibrdkafka()
    {
        using var cluster = MockCluster.Start(1);
        using var producer = new ProducerBuilder<Null, string>(
            new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await producer.ProduceAsync("shared.library", new Message<Null, string> { Value = "one" });

        // Two copies would each keep their own state: the cluster would not be the one the
        // client's fault injection and topic calls reach.
        var loaded = File.ReadLines("/proc/self/maps")
            .Where(line => line.Contains("librdkafka", StringComparison.Ordinal)
                && line.Contains('/', StringComparison.Ordinal))
            .Select(line => line[line.IndexOf('/', StringComparison.Ordinal)..])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Single(loaded);
    }

    [Fact]
    public async Task Process_Started_PrintsBootstrapServersThatTakeRecords()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.MockKafka.dll"));
        info.ArgumentList.Add("--brokers");
        info.ArgumentList.Add("2");
        info.ArgumentList.Add("--topic");
        info.ArgumentList.Add("tool.demo:4");
        using var process = Process.Start(info)!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("bootstrap.servers=", first, StringComparison.Ordinal);
            var bootstrap = first!["bootstrap.servers=".Length..];
            Assert.Equal(2, bootstrap.Split(',').Length);

            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
            {
                BootstrapServers = bootstrap,
                EnableIdempotence = true,
            }).Build();
            var result = await producer.ProduceAsync("tool.demo", new Message<Null, string> { Value = "hello" });
            var read = TestKafka.ReadAll(bootstrap, "tool.demo", 1, TimeSpan.FromSeconds(30));

            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            Assert.Equal("hello", Encoding.UTF8.GetString(Assert.Single(read).Message.Value!));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [SkippableFact]
    public async Task PushRequestErrors_ProduceFailsOnce_IdempotentProducerRetriesAndSucceeds()
    {
        Skip.If(TestKafka.Shared.Mock is null, "fault injection needs the embedded broker");
        using var cluster = MockCluster.Start(1);
        cluster.CreateTopic("faults", 1);
        cluster.PushRequestErrors(0, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);
        using var producer = KafkaFactory.Producer(TimeSpan.FromSeconds(20), cluster.BootstrapServers);

        var result = await producer.ProduceAsync(
            "faults",
            new Message<byte[]?, byte[]?> { Value = [42] },
            CancellationToken.None);

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Single(TestKafka.ReadAll(cluster.BootstrapServers, "faults", 1, TimeSpan.FromSeconds(30)));
    }
}
