using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Gateway.Router;

/// <summary>The router's spans and metrics (activity source and meter <c>Gateway.Router</c>).</summary>
internal sealed class RouterTelemetry : IDisposable
{
    public const string Name = "Gateway.Router";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _dedupHits;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _unmatched;
    private readonly UpDownCounter<long> _inFlight;

    public RouterTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _deliveries = _meter.CreateCounter<long>(
            "gateway.router.deliveries", "{delivery}", "Deliveries finished, by destination and outcome.");
        _attempts = _meter.CreateCounter<long>(
            "gateway.router.attempts", "{attempt}", "Delivery attempts, by destination and result.");
        _latency = _meter.CreateHistogram<double>(
            "gateway.router.delivery.duration", "s", "Duration of one delivery attempt.");
        _dedupHits = _meter.CreateCounter<long>(
            "gateway.router.dedup.hits", "{event}", "Events skipped because the destination already had them.");
        _deadLetters = _meter.CreateCounter<long>(
            "gateway.router.dead_letters", "{event}", "Events written to the dead-letter topic.");
        _retries = _meter.CreateCounter<long>(
            "gateway.router.retries.scheduled", "{event}", "Events sent to a retry topic.");
        _unmatched = _meter.CreateCounter<long>(
            "gateway.router.unmatched", "{event}", "Events that matched no route.");
        _inFlight = _meter.CreateUpDownCounter<long>(
            "gateway.router.in_flight", "{delivery}", "Delivery attempts running now.");
        _meter.CreateObservableGauge(
            "gateway.router.consumer.lag",
            ObserveLag,
            "{record}",
            "Records not finished, from the lowest unfinished to the end of each partition it owns.");
    }

    /// <summary>Reads the consumer lag per partition; set once the consumer runs.</summary>
    public Func<IReadOnlyDictionary<TopicPartition, long>>? Lag { get; set; }

    public static Activity? StartDelivery(string destination, string route, string eventId)
    {
        var activity = ActivitySource.StartActivity($"deliver {destination}", ActivityKind.Client);
        activity?.SetTag("gateway.destination", destination);
        activity?.SetTag("gateway.route", route);
        activity?.SetTag("cloudevents.event_id", eventId);
        return activity;
    }

    public void Delivery(string destination, string outcome) =>
        _deliveries.Add(1, new("destination", destination), new("outcome", outcome));

    public void Attempt(string destination, DeliveryResult result, TimeSpan duration)
    {
        var resultTag = new KeyValuePair<string, object?>("result", ResultName(result));
        _attempts.Add(1, new("destination", destination), resultTag);
        _latency.Record(duration.TotalSeconds, new("destination", destination), resultTag);
    }

    private static string ResultName(DeliveryResult result) => result switch
    {
        DeliveryResult.Delivered => "delivered",
        DeliveryResult.Transient => "transient",
        DeliveryResult.Permanent => "permanent",
        _ => "skipped",
    };

    public void DedupHit(string destination) =>
        _dedupHits.Add(1, new KeyValuePair<string, object?>("destination", destination));

    public void DeadLetter(string destination, string kind) =>
        _deadLetters.Add(1, new("destination", destination), new("kind", kind));

    public void RetryScheduled(string destination, int level) =>
        _retries.Add(1, new("destination", destination), new("level", level));

    public void Unmatched(string source) => _unmatched.Add(1, new KeyValuePair<string, object?>("source", source));

    public void InFlight(string destination, int change) =>
        _inFlight.Add(change, new KeyValuePair<string, object?>("destination", destination));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        var lag = Lag?.Invoke();
        if (lag is null)
        {
            return [];
        }

        return [.. lag.Select(p => new Measurement<long>(
            p.Value,
            new("topic", p.Key.Topic),
            new("partition", p.Key.Partition.Value)))];
    }
}
