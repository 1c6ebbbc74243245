using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Gateway.Router.Delivery;

namespace Gateway.Router;

/// <summary>
/// Publishes the event to a team topic as a structured JSON CloudEvent whose schema lives in the
/// Schema Registry, so teams read it with a Confluent JSON deserializer.
/// </summary>
internal sealed class StructuredKafkaDestination(string name, string topic, SchemaRegistryPublisher publisher)
    : IDestination
{
    public string Name { get; } = name;

    public async Task<DeliveryOutcome> DeliverAsync(RoutedEvent routedEvent, CancellationToken cancellationToken)
    {
        var cloudEvent = TransformEvent.FromRecord(routedEvent.Headers, routedEvent.Record.Message.Value);
        try
        {
            await publisher.PublishAsync(topic, cloudEvent, routedEvent.Key, cancellationToken);
            return DeliveryOutcome.Success;
        }
        catch (SchemaNotRegisteredException ex)
        {
            // Waiting does not register a schema; an operator has to.
            return DeliveryOutcome.Permanent(ex.Message);
        }
        catch (SchemaRegistryException ex)
        {
            return DeliveryOutcome.Transient(
                $"the Schema Registry answered {(int)ex.Status} (error code {ex.ErrorCode})");
        }
        catch (HttpRequestException ex)
        {
            return DeliveryOutcome.Transient($"the Schema Registry is unreachable ({ex.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Transient("the Schema Registry did not answer in time");
        }
        catch (ProduceException<byte[]?, byte[]?> ex) when (KafkaDestination.IsPermanent(ex.Error.Code))
        {
            return DeliveryOutcome.Permanent($"Kafka refused the record ({ex.Error.Code})");
        }
        catch (KafkaException ex)
        {
            return DeliveryOutcome.Transient($"Kafka did not take the record ({ex.Error.Code})");
        }
    }
}
