using Gateway.Kafka;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Shared.Tests;

internal static class KafkaFactory
{
    public static KafkaClientConfigs Configs(TimeSpan? produceTimeout = null) =>
        new(
            Options.Create(new KafkaOptions
            {
                BootstrapServers = TestKafka.Shared.BootstrapServers,
                ProduceTimeout = produceTimeout ?? TimeSpan.FromSeconds(10),
            }),
            new HostingEnvironment { ApplicationName = "shared-tests" });

    public static EventProducer Producer(TimeSpan? produceTimeout = null) =>
        new(Configs(produceTimeout), NullLogger<EventProducer>.Instance);
}
