using System.Text.RegularExpressions;
using Gateway.Kafka;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>Runs the router's consumer group over the source, retry and replay topics.</summary>
internal sealed partial class RouterWorker(
    KafkaClientConfigs configs,
    RouterHandler handler,
    RouterTelemetry telemetry,
    IOptions<RouterOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly RouterOptions _options = options.Value;
    private volatile ConsumerLoop? _loop;

    /// <summary>When the worker was created; the assignment grace period counts from here.</summary>
    public DateTimeOffset CreatedAt { get; } = time.GetUtcNow();

    /// <summary>True once the consumer has stopped for good (shutdown or a fatal error).</summary>
    public bool Stopped { get; private set; }

    /// <summary>The partitions the consumer owns now; empty before it runs.</summary>
    public IReadOnlyList<Confluent.Kafka.TopicPartition> Assignment => _loop?.Assignment ?? [];

    /// <summary>Everything the group subscribes to: the sources, every retry level and the replay topic.</summary>
    internal static List<string> Subscription(RouterOptions options)
    {
        var sources = options.Consumer.Topics.Count > 0
            ? options.Consumer.Topics
            : [Contracts.GatewayTopics.SourcePattern];
        return
        [
            .. sources,
            "^" + Regex.Escape(options.Topics.RetryPrefix) + "[0-9]+$",
            "^" + Regex.Escape(options.Topics.Replay) + "$",
        ];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumer = _options.Consumer;
        var loopOptions = new ConsumerLoopOptions
        {
            GroupId = consumer.GroupId,
            Topics = Subscription(_options),
            MaxInFlightPerPartition = consumer.MaxInFlightPerPartition,
            MaxBufferedPerPartition = consumer.MaxBufferedPerPartition,
            DrainTimeout = consumer.DrainTimeout,
        };
        using var loop = new ConsumerLoop(configs, loopOptions, handler, loggers.CreateLogger<ConsumerLoop>());
        telemetry.Lag = loop.Lag;
        _loop = loop;
        try
        {
            await loop.RunAsync(stoppingToken);
        }
        finally
        {
            _loop = null;
            Stopped = true;
            telemetry.Lag = null;
        }
    }
}
