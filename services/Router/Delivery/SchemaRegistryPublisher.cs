using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Gateway.Contracts;
using Gateway.Kafka;

namespace Gateway.Router.Delivery;

/// <summary>
/// Publishes events to a team topic as structured JSON CloudEvents in the Confluent wire format
/// (magic byte 0, 4-byte schema id, JSON), the schema living under the subject <c>{topic}-value</c>,
/// so that any Confluent JSON deserializer reads them. Safe to share between threads.
/// </summary>
/// <remarks>
/// Serialization happens here rather than in a serializing producer so that the process keeps
/// its one byte-array <see cref="EventProducer"/> (idempotent, acks=all, trace context).
/// </remarks>
internal sealed class SchemaRegistryPublisher
{
    private const string StructuredContentType = "application/cloudevents+json; charset=utf-8";

    private readonly EventProducer _producer;
    private readonly JsonSerializer<StructuredCloudEvent> _serializer;
    private readonly SchemaRegistration _registration;

    /// <summary>Creates a publisher; <paramref name="registry"/> is shared and not disposed here.</summary>
    public SchemaRegistryPublisher(
        EventProducer producer, ISchemaRegistryClient registry, SchemaRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(registry);

        _producer = producer;
        _registration = registration;
        var config = new JsonSerializerConfig
        {
            AutoRegisterSchemas = registration == SchemaRegistration.AutoRegister,
            UseLatestVersion = false,
            SubjectNameStrategy = SubjectNameStrategy.Topic,
        };
        _serializer = new JsonSerializer<StructuredCloudEvent>(
            registry, new Schema(StructuredCloudEvent.JsonSchema, SchemaType.Json), config);
    }

    /// <summary>Creates the registry client the options describe; the caller owns and disposes it.</summary>
    public static CachedSchemaRegistryClient CreateRegistryClient(SchemaRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var config = new SchemaRegistryConfig
        {
            Url = options.Url,
            RequestTimeoutMs = (int)options.RequestTimeout.TotalMilliseconds,
        };
        if (options.BasicAuthUserInfo is { } userInfo)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = userInfo;
        }

        return new CachedSchemaRegistryClient(config);
    }

    /// <summary>
    /// Serializes the event against the registry and writes it with <paramref name="key"/>; throws
    /// <see cref="SchemaNotRegisteredException"/> when the schema must exist and does not, and
    /// <see cref="SchemaRegistryException"/> or <see cref="HttpRequestException"/> when the registry fails.
    /// </summary>
    public async Task<DeliveryResult<byte[]?, byte[]?>> PublishAsync(
        string topic, TransformEvent cloudEvent, byte[]? key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(cloudEvent);

        var headers = new Headers();
        KafkaCloudEvent.SetString(headers, EventHeaders.ContentType, StructuredContentType);
        byte[] value;
        try
        {
            value = await _serializer.SerializeAsync(
                StructuredCloudEvent.From(cloudEvent),
                new SerializationContext(MessageComponentType.Value, topic, headers)).ConfigureAwait(false);
        }
        catch (SchemaRegistryException ex) when (_registration == SchemaRegistration.RequireExisting
            && ex.ErrorCode is 40401 or 40403)
        {
            throw new SchemaNotRegisteredException(topic + "-value", ex);
        }

        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };
        return await _producer.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The destination requires an existing schema and its subject has none, or not this one.</summary>
internal sealed class SchemaNotRegisteredException(string subject, Exception inner) : InvalidOperationException(
    $"The Schema Registry has no CloudEvent JSON schema under subject '{subject}', and this destination "
    + $"requires it to exist ({SchemaRegistryOptions.SectionName}:Registration = RequireExisting). "
    + "Register the schema, or set Registration to AutoRegister.",
    inner)
{
    public string Subject { get; } = subject;
}
