using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Gateway.Contracts;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Gateway.Kafka;

/// <summary>Spans and trace context for Kafka records, following the OpenTelemetry messaging conventions.</summary>
public static class KafkaTelemetry
{
    /// <summary>The name of the activity source and meter of the Kafka plumbing.</summary>
    public const string Name = "Gateway.Kafka";

    /// <summary>The activity source of produce and consume spans.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>The meter of the Kafka plumbing.</summary>
    public static readonly Meter Meter = new(Name);

    // W3C trace context plus baggage, written as record headers.
    private static readonly TextMapPropagator Propagator = new CompositeTextMapPropagator(
    [
        new TraceContextPropagator(),
        new BaggagePropagator(),
    ]);

    /// <summary>
    /// Writes the context as <c>traceparent</c>/<c>tracestate</c> headers; does nothing for a
    /// default context.
    /// </summary>
    public static void Inject(ActivityContext context, Headers headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (context == default)
        {
            return;
        }

        Propagator.Inject(
            new PropagationContext(context, Baggage.Current),
            headers,
            static (carrier, key, value) =>
            {
                carrier.Remove(key);
                carrier.Add(key, Encoding.UTF8.GetBytes(value));
            });
    }

    /// <summary>Reads the trace context from record headers; default when there is none.</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null)
        {
            return default;
        }

        var context = Propagator.Extract(
            default,
            headers,
            static (carrier, key) => carrier.TryGetLastBytes(key, out var bytes)
                ? [Encoding.UTF8.GetString(bytes)]
                : []);
        return context.ActivityContext;
    }

    /// <summary>Starts a producer span named <c>send {topic}</c>; null when nobody listens.</summary>
    public static Activity? StartSend(string topic, string? key)
    {
        var activity = ActivitySource.StartActivity($"send {topic}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "send");
            activity.SetTag("messaging.destination.name", topic);
            if (key is not null)
            {
                activity.SetTag("messaging.kafka.message.key", key);
            }
        }

        return activity;
    }

    /// <summary>
    /// Starts a consumer span named <c>process {topic}</c> that continues the record's trace; when
    /// nobody listens, an unrecorded activity that only carries the record's trace context, or null
    /// when the record has none.
    /// </summary>
    public static Activity? StartProcess<TKey, TValue>(ConsumeResult<TKey, TValue> result, string consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(result);

        var parent = Extract(result.Message.Headers);
        var activity = ActivitySource.StartActivity($"process {result.Topic}", ActivityKind.Consumer, parent);
        if (activity is null && parent != default)
        {
            // Nobody records spans, but the trace goes on: an unrecorded activity carries the
            // record's context, so outgoing requests and records still continue its trace.
            var carrier = new Activity("process");
            carrier.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            carrier.TraceStateString = parent.TraceState;
            return carrier.Start();
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.destination.name", result.Topic);
            activity.SetTag(
                "messaging.destination.partition.id",
                result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            activity.SetTag("messaging.consumer.group.name", consumerGroup);
            var id = KafkaCloudEvent.GetString(result.Message.Headers, EventHeaders.Id);
            if (id is not null)
            {
                activity.SetTag("messaging.message.id", id);
            }
        }

        return activity;
    }
}
