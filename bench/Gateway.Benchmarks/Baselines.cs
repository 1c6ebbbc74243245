using System.Diagnostics;
using System.Globalization;
using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.Kafka;
using StackExchange.Redis;

namespace Gateway.Benchmarks;

/// <summary>
/// The physical limits the services are measured against, each run as its own process by the
/// benchmark executable (<c>--serve-baseline kestrel|produce|consume</c>).
/// </summary>
internal static class Baselines
{
    public const string Kestrel = "kestrel";
    public const string Produce = "produce";
    public const string Consume = "consume";

    /// <summary>The topic baseline (b) produces to; the same kind as <c>webhooks.bench</c>.</summary>
    public const string TopicVariable = "BENCH_TOPIC";
    public const string GroupVariable = "BENCH_GROUP";
    public const string CountVariable = "BENCH_COUNT";

    /// <summary>How many events the consume baseline handles before it starts its clock.</summary>
    public const string WarmupVariable = "BENCH_WARMUP";

    /// <summary>
    /// When set, the consume baseline also posts each event to this sink and marks its claim
    /// done: the least an HTTP-delivering router must do per event.
    /// </summary>
    public const string SinkUrlVariable = "BENCH_SINK_URL";

    /// <summary>The line the consume baseline prints when it has claimed every event.</summary>
    public const string ConsumedLinePrefix = "BENCH-CONSUMED ";

    /// <summary>How long the consume baseline's claims live, like a dedup lease.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    private const int ClaimsInFlight = 256;

    public static Task<int> RunAsync(string role) => role switch
    {
        Kestrel => ServeKestrelAsync(),
        Produce => ServeProduceAsync(),
        Consume => ConsumeAsync(),
        StandIns.IngressRole => StandIns.IngressAsync(),
        StandIns.RouterRole => StandIns.RouterAsync(),
        _ => Task.FromResult(64),
    };

    /// <summary>Baseline (a): read the whole body, answer 202; what Kestrel alone costs.</summary>
    private static async Task<int> ServeKestrelAsync()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGet(ServiceContract.HealthPath, () => Results.Ok());
        app.MapPost(ServiceContract.IngressPathPrefix + "{source}", async (HttpRequest request, CancellationToken ct) =>
        {
            await ReadBodyAsync(request, ct);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Baseline (b): read the body and await the shared producer (idempotent, acks=all) writing it
    /// as a binary-mode CloudEvent; what Kestrel plus the Kafka round trip cost.
    /// </summary>
    private static async Task<int> ServeProduceAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddGatewayKafka();
        var app = builder.Build();
        var producer = app.Services.GetRequiredService<EventProducer>();
        var topic = Required(TopicVariable);
        app.MapGet(ServiceContract.HealthPath, () => Results.Ok());
        app.MapPost(ServiceContract.IngressPathPrefix + "{source}", async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            var id = Guid.NewGuid().ToString("N");
            var cloudEvent = new CloudEvent
            {
                Id = id,
                Source = new Uri(ServiceContract.PreloadEventSource, UriKind.Relative),
                Type = ServiceContract.PreloadEventType,
                Time = DateTimeOffset.UtcNow,
                DataContentType = "application/json",
            };
            var message = new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(id),
                Value = body,
                Headers = [],
            };
            KafkaCloudEvent.WriteAttributes(cloudEvent, message.Headers);
            try
            {
                await producer.ProduceAsync(topic, message, ct);
                return Results.StatusCode(StatusCodes.Status202Accepted);
            }
            catch (ProduceException<byte[]?, byte[]?>)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// The router's baseline: consume every source topic in a group with the gateway's consumer
    /// settings and make one Redis claim (SET NX PX) per event; no HTTP delivery.
    /// </summary>
    private static async Task<int> ConsumeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddGatewayKafka();
        using var host = builder.Build();
        var configs = host.Services.GetRequiredService<KafkaClientConfigs>();
        var expected = int.Parse(Required(CountVariable), CultureInfo.InvariantCulture);
        var warmup = int.Parse(
            Environment.GetEnvironmentVariable(WarmupVariable) ?? "0", CultureInfo.InvariantCulture);
        var sink = Environment.GetEnvironmentVariable(SinkUrlVariable) is { Length: > 0 } url
            ? new Uri(url)
            : null;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false });
        using var redis = await ConnectionMultiplexer.ConnectAsync(
            Required(ServiceContract.RedisConfigurationVariable));
        var database = redis.GetDatabase();

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(configs.Consumer(Required(GroupVariable)))
            .Build();
        consumer.Subscribe(GatewayTopics.SourcePattern);
        var pending = new List<(Task Work, ConsumeResult<byte[]?, byte[]?> Record)>(ClaimsInFlight);
        var handled = 0;
        long first = 0;
        long warm = 0;
        var skipped = 0;
        while (handled < expected)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null)
            {
                if (first == 0)
                {
                    first = Stopwatch.GetTimestamp();
                }

                var id = KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.Id)
                    ?? record.TopicPartitionOffset.ToString();
                var work = sink is null
                    ? database.StringSetAsync("bench:claim:" + id, "1", ClaimLease, When.NotExists)
                    : ClaimPostMarkAsync(database, http, sink, id, record.Message.Value ?? []);
                pending.Add((work, record));
            }

            if (pending.Count >= ClaimsInFlight || (record is null && pending.Count > 0))
            {
                handled += await SettleAsync(consumer, pending);
                if (warm == 0 && warmup > 0 && handled >= warmup)
                {
                    // Only what is handled after this moment counts.
                    warm = Stopwatch.GetTimestamp();
                    skipped = handled;
                    expected -= handled;
                    handled = 0;
                }
            }
        }

        var from = warm != 0 ? warm : first;
        var seconds = (Stopwatch.GetTimestamp() - from) / (double)Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ConsumedLinePrefix}count={handled} seconds={seconds:0.######} total={handled + skipped}"));
        consumer.Close();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    /// <summary>Claim, one POST with the idempotency key, then the done mark: no more, no less.</summary>
    private static async Task ClaimPostMarkAsync(
        IDatabase database, HttpClient http, Uri sink, string id, byte[] body)
    {
        var key = "bench:claim:" + id;
        await database.StringSetAsync(key, "1", ClaimLease, When.NotExists);
        using var request = new HttpRequestMessage(HttpMethod.Post, sink) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation(ServiceContract.IdempotencyKeyHeader, id);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await database.StringSetAsync(key, "done", ClaimLease);
    }

    private static async Task<int> SettleAsync(
        IConsumer<byte[]?, byte[]?> consumer,
        List<(Task Work, ConsumeResult<byte[]?, byte[]?> Record)> pending)
    {
        await Task.WhenAll(pending.Select(p => p.Work));
        foreach (var (_, record) in pending)
        {
            consumer.StoreOffset(record);
        }

        var count = pending.Count;
        pending.Clear();
        return count;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 1024));
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable)
        ?? throw new InvalidOperationException($"The baseline needs the environment variable {variable}.");
}
