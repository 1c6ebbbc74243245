using Confluent.Kafka;
using Gateway.Kafka;

namespace Gateway.Router;

/// <summary>Publishes the event to a team topic as the same binary-mode CloudEvent record.</summary>
internal sealed class KafkaDestination(string name, string topic, EventProducer producer) : IDestination
{
    public string Name { get; } = name;

    public async Task<DeliveryOutcome> DeliverAsync(RoutedEvent routedEvent, CancellationToken cancellationToken)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = routedEvent.Key,
            Value = routedEvent.Body,
            Headers = routedEvent.CopyEventHeaders(),
        };
        try
        {
            await producer.ProduceAsync(topic, message, cancellationToken);
            return DeliveryOutcome.Success;
        }
        catch (ProduceException<byte[]?, byte[]?> ex) when (IsPermanent(ex.Error.Code))
        {
            return DeliveryOutcome.Permanent($"Kafka refused the record ({ex.Error.Code})");
        }
        catch (KafkaException ex)
        {
            return DeliveryOutcome.Transient($"Kafka did not take the record ({ex.Error.Code})");
        }
    }

    internal static bool IsPermanent(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge
        or ErrorCode.TopicAuthorizationFailed
        or ErrorCode.InvalidRecord
        or ErrorCode.TopicException;
}
