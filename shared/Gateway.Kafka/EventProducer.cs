using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Gateway.Kafka;

/// <summary>
/// The process's one long-lived Kafka producer: idempotent, acks=all, with the trace context
/// written into every record and a span per send.
/// </summary>
public sealed partial class EventProducer : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly ILogger<EventProducer> _logger;

    /// <summary>Creates the producer from the configuration; librdkafka logs go to <paramref name="logger"/>.</summary>
    public EventProducer(KafkaClientConfigs configs, ILogger<EventProducer> logger)
    {
        ArgumentNullException.ThrowIfNull(configs);

        _logger = logger;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(configs.Producer())
            .SetLogHandler((_, message) => KafkaLog.Write(logger, message))
            .SetErrorHandler((_, error) => LogClientError(error.Code, error.Reason, error.IsFatal))
            .Build();
    }

    /// <summary>The librdkafka handle, for admin clients that share the producer's connections.</summary>
    public Handle Handle => _producer.Handle;

    /// <summary>
    /// Writes a record and completes once the broker acknowledged it with acks=all; throws
    /// <see cref="ProduceException{TKey, TValue}"/> when it could not be written in time.
    /// </summary>
    public async Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(
        string topic,
        Message<byte[]?, byte[]?> message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        message.Headers ??= [];
        using var activity = KafkaTelemetry.StartSend(topic, null);
        KafkaTelemetry.Inject(activity?.Context ?? Activity.Current?.Context ?? default, message.Headers);
        try
        {
            var result = await _producer.ProduceAsync(topic, message, cancellationToken);
            activity?.SetTag(
                "messaging.destination.partition.id",
                result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
            return result;
        }
        catch (ProduceException<byte[]?, byte[]?> ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Error.Code.ToString());
            activity?.SetTag("error.type", ex.Error.Code.ToString());
            throw;
        }
    }

    /// <summary>
    /// Waits until every record in flight is acknowledged or <paramref name="timeout"/> passes;
    /// returns how many are still queued.
    /// </summary>
    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    /// <inheritdoc />
    public void Dispose()
    {
        var left = _producer.Flush(TimeSpan.FromSeconds(10));
        if (left > 0)
        {
            LogUnflushed(left);
        }

        _producer.Dispose();
    }

    [LoggerMessage(EventId = 1101, EventName = "KafkaProducerError", Level = LogLevel.Warning,
        Message = "Kafka producer error {Code} (fatal: {IsFatal}): {Reason}")]
    private partial void LogClientError(ErrorCode code, string reason, bool isFatal);

    [LoggerMessage(EventId = 1102, EventName = "KafkaProducerUnflushed", Level = LogLevel.Error,
        Message = "{Count} records were still unacknowledged when the producer closed")]
    private partial void LogUnflushed(int count);
}
