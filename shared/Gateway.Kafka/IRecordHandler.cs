using Confluent.Kafka;

namespace Gateway.Kafka;

/// <summary>Handles one consumed record; the record's offset is stored only after this completes.</summary>
public interface IRecordHandler
{
    /// <summary>
    /// Finishes the record: delivers it, parks it or dead-letters it. Throwing means "not finished":
    /// the loop calls again after a backoff and never stores an offset past the record meanwhile.
    /// </summary>
    Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken);
}
