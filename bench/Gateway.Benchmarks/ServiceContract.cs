namespace Gateway.Benchmarks;

/// <summary>
/// Every setting the benchmark assumes about the services it measures, in one place, so a change
/// of a service's public interface is a change of this file only.
/// </summary>
internal static class ServiceContract
{
    public const string TargetFramework = "net10.0";

    public const string IngressProject = "services/Ingress";
    public const string IngressAssembly = "Gateway.Ingress";
    public const string RouterProject = "services/Router";
    public const string RouterAssembly = "Gateway.Router";

    /// <summary>The readiness endpoint every service and baseline answers once it can work.</summary>
    public const string HealthPath = "/health/ready";

    public const string UrlsVariable = "ASPNETCORE_URLS";
    public const string LogLevelVariable = "Logging__LogLevel__Default";
    public const string LogLevelValue = "Warning";
    public const string KafkaBootstrapVariable = "Kafka__BootstrapServers";
    public const string RedisConfigurationVariable = "Redis__Configuration";

    /// <summary>The webhook source the ingress is configured with; its records go to <c>webhooks.bench</c>.</summary>
    public const string IngressSource = "bench";
    public const string IngressPathPrefix = "/webhooks/";
    public const string IngressSchemeVariable = "Ingress__Sources__bench__Scheme";
    public const string IngressSchemeValue = "stripe";
    public const string IngressSecretVariable = "Ingress__Sources__bench__Secrets__0";
    public const string IngressSecretValue = "whsec_benchmarkSecretNotForProduction0123456789";

    /// <summary>The header a Stripe-signed request carries: <c>t=unix,v1=hex</c>.</summary>
    public const string StripeSignatureHeader = "Stripe-Signature";
    public const int IngressAcceptedStatus = 202;

    public const string RouterGroupVariable = "Router__Consumer__GroupId";
    public const string RouterGroupValue = "gateway-router";
    public const string RouterInFlightVariable = "Router__Consumer__MaxInFlightPerPartition";
    public const string RouterSinkTypeVariable = "Router__Destinations__sink__Type";
    public const string RouterSinkTypeValue = "http";
    public const string RouterSinkUrlVariable = "Router__Destinations__sink__Url";
    public const string RouterSinkPrivateVariable = "Router__Destinations__sink__AllowPrivateNetworks";

    /// <summary>The sink destination's in-flight limit, which the router applies per process.</summary>
    public const string RouterSinkInFlightVariable = "Router__Destinations__sink__MaxInFlight";

    /// <summary>
    /// The sink's per-process limit in scenarios 2 and 3: high enough never to bind, so they
    /// measure the router's own concurrency (partitions × the per-partition limit). The router's
    /// default is 64 per destination, which alone caps a 20 ms destination at 3,200 events/s.
    /// </summary>
    public const int RouterSinkInFlightUnbound = 4096;
    public const string RouterRouteVariable = "Router__Routes__all__Destinations__0";
    public const string RouterRouteValue = "sink";

    /// <summary>The path the router posts to on the sink.</summary>
    public const string SinkPath = "/sink";

    /// <summary>The delivery header that carries the CloudEvent id; the sink counts by it.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The in-flight limit per partition the router runs with in scenarios 2a, 2b and 3.</summary>
    public const int RouterInFlightPerPartition = 64;

    /// <summary>
    /// The in-flight limit per partition of each router in scenario 4: as in scenario 2, so the
    /// per-process limit below is the one that binds.
    /// </summary>
    public const int ScaleOutInFlightPerPartition = 64;

    /// <summary>
    /// The in-flight limit of each router process in scenario 4 (the sink destination's
    /// <c>MaxInFlight</c>, which the router applies per process). It stands in for routers on
    /// machines of their own: 16 at 20 ms is 800 events/s, well inside what one router's CPU
    /// serves here, so three routers sharing this machine's cores do not run out of CPU before
    /// one would. The figure then shows that the group splits the work and that each router's
    /// concurrency adds up; it cannot show more cores helping on a two-core machine.
    /// </summary>
    public const int ScaleOutInFlightPerRouter = 16;

    /// <summary>The CloudEvent type of the events pre-loaded for the router.</summary>
    public const string PreloadEventType = "stripe.payment_intent.succeeded";

    /// <summary>The CloudEvent source of the events pre-loaded for the router.</summary>
    public const string PreloadEventSource = "/webhooks/bench";
}
