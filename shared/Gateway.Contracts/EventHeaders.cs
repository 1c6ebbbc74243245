namespace Gateway.Contracts;

/// <summary>Kafka record header names of the CloudEvents Kafka binding and of the gateway.</summary>
/// <remarks>
/// Binary content mode of the CloudEvents Kafka protocol binding 1.0:
/// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
/// </remarks>
public static class EventHeaders
{
    /// <summary>The prefix of every CloudEvents attribute header.</summary>
    public const string AttributePrefix = "ce_";

    /// <summary>The <c>specversion</c> attribute header.</summary>
    public const string SpecVersion = "ce_specversion";

    /// <summary>The <c>id</c> attribute header.</summary>
    public const string Id = "ce_id";

    /// <summary>The <c>source</c> attribute header.</summary>
    public const string Source = "ce_source";

    /// <summary>The <c>type</c> attribute header.</summary>
    public const string Type = "ce_type";

    /// <summary>The <c>time</c> attribute header.</summary>
    public const string Time = "ce_time";

    /// <summary>The <c>subject</c> attribute header.</summary>
    public const string Subject = "ce_subject";

    /// <summary>The content type of the value; maps to <c>datacontenttype</c>.</summary>
    public const string ContentType = "content-type";

    /// <summary>The W3C trace context parent header.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The W3C trace context state header.</summary>
    public const string TraceState = "tracestate";

    /// <summary>The verification scheme that authenticated the event at the ingress.</summary>
    public const string AuthScheme = "gateway-auth-scheme";

    /// <summary>The configured name of the secret that matched; never the secret itself.</summary>
    public const string AuthKey = "gateway-auth-key";

    /// <summary>The prefix of provider HTTP headers copied onto the record.</summary>
    public const string HttpPrefix = "http-";
}
