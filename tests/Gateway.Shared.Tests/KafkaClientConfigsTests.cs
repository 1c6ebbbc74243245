using Confluent.Kafka;
using Gateway.Kafka;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Gateway.Shared.Tests;

public sealed class KafkaClientConfigsTests
{
    private static KafkaClientConfigs Configs(Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions { BootstrapServers = "broker:9092", ProduceTimeout = TimeSpan.FromSeconds(4) };
        configure?.Invoke(options);
        return new KafkaClientConfigs(Options.Create(options), new HostingEnvironment { ApplicationName = "svc" });
    }

    [Fact]
    public void Producer_Defaults_IdempotentAcksAllWithinTheProduceTimeout()
    {
        var producer = Configs().Producer();

        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal(4000, producer.MessageTimeoutMs);
        Assert.Equal(Partitioner.Murmur2Random, producer.Partitioner);
        Assert.Equal("svc", producer.ClientId);
    }

    [Fact]
    public void Consumer_Defaults_CooperativeStickyAndOffsetsStoredOnlyByTheCaller()
    {
        var consumer = Configs().Consumer("group-1");

        Assert.Equal("group-1", consumer.GroupId);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, consumer.PartitionAssignmentStrategy);
        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
    }

    [Fact]
    public void Configs_ClientAndConsumerProperties_PassedThroughToLibrdkafka()
    {
        var configs = Configs(o =>
        {
            o.Client["security.protocol"] = "SASL_SSL";
            o.Consumer["session.timeout.ms"] = "6000";
            o.Producer["linger.ms"] = "7";
        });

        Assert.Equal("SASL_SSL", configs.Consumer("g").Get("security.protocol"));
        Assert.Equal("6000", configs.Consumer("g").Get("session.timeout.ms"));
        Assert.Equal("7", configs.Producer().Get("linger.ms"));
        Assert.Null(configs.Producer().Get("session.timeout.ms"));
    }
}
