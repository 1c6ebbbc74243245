using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.Kafka;
using StackExchange.Redis;

namespace Gateway.Benchmarks;

/// <summary>
/// Minimal stand-ins for the ingress and the router that honour the same public interface (the
/// variables and headers in <see cref="ServiceContract"/>). They exist only to prove the harness
/// end to end (<c>--stand-ins</c>) while the real services are being written; their numbers say
/// nothing about the gateway, and the report is marked when they ran.
/// </summary>
internal static class StandIns
{
    public const string IngressRole = "stand-in-ingress";
    public const string RouterRole = "stand-in-router";

    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    public static async Task<int> IngressAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddGatewayKafka();
        var app = builder.Build();
        var producer = app.Services.GetRequiredService<EventProducer>();
        var secret = Encoding.UTF8.GetBytes(
            builder.Configuration["Ingress:Sources:bench:Secrets:0"] ?? throw new InvalidOperationException(
                "Ingress:Sources:bench:Secrets:0 is required"));
        app.MapGet(ServiceContract.HealthPath, () => Results.Ok());
        app.MapPost(ServiceContract.IngressPathPrefix + "{source}", async (
            string source, HttpRequest request, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var body = buffer.ToArray();
            if (!Verified(request.Headers[ServiceContract.StripeSignatureHeader].ToString(), body, secret))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            using var json = JsonDocument.Parse(body);
            var id = json.RootElement.GetProperty("id").GetString()!;
            var cloudEvent = new CloudEvent
            {
                Id = id,
                Source = new Uri(ServiceContract.IngressPathPrefix + source, UriKind.Relative),
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
            await producer.ProduceAsync(GatewayTopics.ForSource(source), message, ct);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> RouterAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddGatewayKafka();
        var app = builder.Build();
        app.MapGet(ServiceContract.HealthPath, () => Results.Ok());
        await app.StartAsync();

        var configuration = app.Configuration;
        var limit = int.Parse(configuration["Router:MaxInFlightPerPartition"] ?? "1", CultureInfo.InvariantCulture);
        var sink = new Uri(configuration["Router:Destinations:sink:Url"]!);
        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration["Redis:Configuration"]!);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 });
        var configs = app.Services.GetRequiredService<KafkaClientConfigs>();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(
            configs.Consumer(configuration["Router:GroupId"] ?? ServiceContract.RouterGroupValue)).Build();
        consumer.Subscribe(GatewayTopics.SourcePattern);

        // One queue per partition drained by `limit` workers: the in-flight limit per partition.
        var lanes = new ConcurrentDictionary<TopicPartition, Channel<ConsumeResult<byte[]?, byte[]?>>>();
        var database = redis.GetDatabase();
        while (true)
        {
            var record = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)));
            if (record is null)
            {
                continue;
            }

            var lane = lanes.GetOrAdd(record.TopicPartition, partition =>
            {
                var channel = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>();
                for (var i = 0; i < limit; i++)
                {
                    _ = Task.Run(() => DeliverAsync(channel.Reader, database, http, sink));
                }

                return channel;
            });
            await lane.Writer.WriteAsync(record);
        }
    }

    private static async Task DeliverAsync(
        ChannelReader<ConsumeResult<byte[]?, byte[]?>> reader, IDatabase database, HttpClient http, Uri sink)
    {
        await foreach (var record in reader.ReadAllAsync())
        {
            var id = KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.Id)!;
            if (!await database.StringSetAsync("standin:claim:" + id, "1", ClaimLease, When.NotExists))
            {
                continue;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, sink)
            {
                Content = new ByteArrayContent(record.Message.Value ?? []),
            };
            request.Headers.Add(ServiceContract.IdempotencyKeyHeader, id);
            using var response = await http.SendAsync(request);
        }
    }

    private static bool Verified(string header, byte[] body, byte[] secret)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToArray();
        var timestamp = parts.FirstOrDefault(p => p[0] == "t")?[1];
        var signature = parts.FirstOrDefault(p => p[0] == "v1")?[1];
        if (timestamp is null || signature is null)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
