using Gateway.Kafka;
using Gateway.Router.Delivery;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>A configured destination with what guards it: its concurrency limit and breaker.</summary>
internal sealed class DestinationSlot(IDestination destination, DestinationOptions options, CircuitBreaker breaker)
    : IDisposable
{
    public IDestination Destination { get; } = destination;

    public DestinationOptions Options { get; } = options;

    public CircuitBreaker Breaker { get; } = breaker;

    public SemaphoreSlim InFlight { get; } = new(options.MaxInFlight, options.MaxInFlight);

    public void Dispose()
    {
        InFlight.Dispose();
        (Destination as IDisposable)?.Dispose();
    }
}

/// <summary>Every configured destination by name, built once at start.</summary>
internal sealed class DestinationCatalog : IDisposable
{
    private readonly Dictionary<string, DestinationSlot> _slots = new(StringComparer.Ordinal);
    private readonly Confluent.SchemaRegistry.CachedSchemaRegistryClient? _registryClient;

    public DestinationCatalog(
        IOptions<RouterOptions> options,
        IOptions<TransformOptions> limits,
        IHostEnvironment environment,
        EventProducer producer,
        TimeProvider time,
        ILoggerFactory loggers,
        IOptions<SchemaRegistryOptions> registry)
    {
        var router = options.Value;
        SchemaRegistryPublisher? publisher = null;
        foreach (var (name, settings) in router.Destinations)
        {
            var structured = settings.Format.Equals(
                DestinationFormats.StructuredJson,
                StringComparison.OrdinalIgnoreCase);
            if (structured && publisher is null)
            {
                // One registry client for every structured destination, so schema ids are cached once.
                var client = SchemaRegistryPublisher.CreateRegistryClient(registry.Value);
                _registryClient = client;
                publisher = new SchemaRegistryPublisher(producer, client, registry.Value.Registration);
            }

            IDestination destination = settings.Type.ToUpperInvariant() switch
            {
                "KAFKA" when structured => new StructuredKafkaDestination(name, settings.Topic!, publisher!),
                "KAFKA" => new KafkaDestination(name, settings.Topic!, producer),
                _ => new HttpDestination(
                    name,
                    settings,
                    DestinationTransform.Compile(settings, environment.ContentRootPath, limits.Value),
                    time,
                    loggers.CreateLogger<OAuth2ClientCredentialsHandler>()),
            };
            _slots[name] = new DestinationSlot(destination, settings, new CircuitBreaker(router.Breaker, time));
        }
    }

    public IEnumerable<string> Names => _slots.Keys;

    public DestinationSlot? Find(string name) => _slots.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }

        _registryClient?.Dispose();
    }
}
