using Gateway.Kafka;
using Gateway.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Shared.Tests;

internal static class KafkaFactory
{
    public static KafkaClientConfigs Configs(TimeSpan? produceTimeout = null, string? bootstrapServers = null) =>
        new(
            Options.Create(new KafkaOptions
            {
                BootstrapServers = bootstrapServers ?? TestKafka.Shared.BootstrapServers,
                ProduceTimeout = produceTimeout ?? TimeSpan.FromSeconds(10),

                // The embedded broker's coordinator waits out a departed member's session before
                // it completes the next rebalance; a short session keeps group tests quick.
                Consumer = { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500" },
            }),
            new HostingEnvironment { ApplicationName = "shared-tests" });

    public static EventProducer Producer(TimeSpan? produceTimeout = null, string? bootstrapServers = null) =>
        new(Configs(produceTimeout, bootstrapServers), NullLogger<EventProducer>.Instance);
}
