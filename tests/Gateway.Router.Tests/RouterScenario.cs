using System.Text;
using Confluent.Kafka;
using Gateway.Contracts;
using Gateway.Router;
using Gateway.Testing;

namespace Gateway.Router.Tests;

/// <summary>
/// One test's private world: its own source, retry, dead-letter and replay topics, consumer
/// group and Redis key prefix, and the configuration that points a router at them.
/// </summary>
internal sealed class RouterScenario
{
    public RouterScenario(string name, int retryLevels = 2)
    {
        var id = Guid.NewGuid().ToString("N");
        Source = $"t{id}";
        SourceTopic = GatewayTopics.ForSource(Source);
        RetryPrefix = $"gateway.retry.t{id}.";
        DeadLetterTopic = $"gateway.dlq.t{id}";
        ReplayTopic = $"gateway.replay.t{id}";
        Group = TestKafka.UniqueGroup("router-" + name);
        RedisPrefix = TestRedis.UniquePrefix(name);
        RetryLevels = retryLevels;
    }

    public string Source { get; }

    public string SourceTopic { get; }

    public string RetryPrefix { get; }

    public string DeadLetterTopic { get; }

    public string ReplayTopic { get; }

    public string Group { get; }

    public string RedisPrefix { get; }

    public int RetryLevels { get; }

    public async Task CreateTopicsAsync(int sourcePartitions = 3)
    {
        await TestKafka.Shared.CreateTopicAsync(SourceTopic, sourcePartitions);
        await TestKafka.Shared.CreateTopicAsync(DeadLetterTopic, 1);
        await TestKafka.Shared.CreateTopicAsync(ReplayTopic, 1);
        for (var level = 1; level <= RetryLevels; level++)
        {
            await TestKafka.Shared.CreateTopicAsync(RetryPrefix + level, 1);
        }
    }

    /// <summary>The settings every router of this scenario needs, as configuration keys.</summary>
    public Dictionary<string, string> Settings(TimeSpan? retryDelay = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Kafka:BootstrapServers"] = TestKafka.Shared.BootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "6000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
            ["Redis:Configuration"] = TestRedis.Shared.Configuration,
            ["Redis:KeyPrefix"] = RedisPrefix,
            ["Router:Consumer:GroupId"] = Group,
            ["Router:Consumer:DrainTimeout"] = "00:00:05",
            ["Router:Consumer:Topics:0"] = SourceTopic,
            ["Router:Topics:RetryPrefix"] = RetryPrefix,
            ["Router:Topics:DeadLetter"] = DeadLetterTopic,
            ["Router:Topics:Replay"] = ReplayTopic,
            ["Router:Retry:Attempts"] = "2",
            ["Router:Retry:InitialBackoff"] = "00:00:00.100",
            ["Router:Retry:MaxBackoff"] = "00:00:01",
        };
        for (var level = 0; level < RetryLevels; level++)
        {
            settings[$"Router:Retry:Schedule:{level}"] = (retryDelay ?? TimeSpan.FromSeconds(2)).ToString();
        }

        return settings;
    }

    /// <summary>Adds an http destination that may reach the loopback downstream.</summary>
    public static void HttpDestination(
        Dictionary<string, string> settings,
        string name,
        Uri url,
        bool allowPrivate = true)
    {
        settings[$"Router:Destinations:{name}:Type"] = "http";
        settings[$"Router:Destinations:{name}:Url"] = url.ToString();
        settings[$"Router:Destinations:{name}:AllowPrivateNetworks"] = allowPrivate ? "true" : "false";
        settings[$"Router:Destinations:{name}:Timeout"] = "00:00:05";
    }

    public static void Route(Dictionary<string, string> settings, string name, params string[] destinations)
    {
        for (var i = 0; i < destinations.Length; i++)
        {
            settings[$"Router:Routes:{name}:Destinations:{i}"] = destinations[i];
        }
    }

    /// <summary>Starts the router as a process of its own, configured through environment variables.</summary>
    public static Task<RouterProcess> StartRouterAsync(Dictionary<string, string> settings) =>
        RouterProcess.StartAsync(settings);

    /// <summary>Starts the router inside the test process, for a test that must see its spans.</summary>
    public static Task<RunningApp> StartRouterInProcessAsync(Dictionary<string, string> settings) =>
        RunningApp.StartAsync(RouterApp.Build, [.. settings.Select(s => $"--{s.Key}={s.Value}")]);

    /// <summary>Waits until the router owns the source topic's partitions, so produced events are seen.</summary>
    public static Task WaitForAssignmentAsync(RouterProcess app) => WaitForAssignmentAsync(app.Client);

    public static async Task WaitForAssignmentAsync(HttpClient client)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                var body = await ready.Content.ReadAsStringAsync();
                return body.Contains("partitions assigned", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(60),
            "the router owns partitions");
    }

    public static Message<byte[]?, byte[]?> Event(
        string id,
        string type = "com.stripe.customer.created",
        string key = "cus_1",
        string body = "{\"hello\":\"world\"}",
        string source = "/webhooks/stripe")
    {
        var headers = new Headers();
        headers.Add(EventHeaders.SpecVersion, "1.0"u8.ToArray());
        headers.Add(EventHeaders.Id, Encoding.UTF8.GetBytes(id));
        headers.Add(EventHeaders.Source, Encoding.UTF8.GetBytes(source));
        headers.Add(EventHeaders.Type, Encoding.UTF8.GetBytes(type));
        headers.Add(EventHeaders.ContentType, "application/json"u8.ToArray());
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(key),
            Value = Encoding.UTF8.GetBytes(body),
            Headers = headers,
        };
    }

    public static IProducer<byte[]?, byte[]?> Producer() =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = TestKafka.Shared.BootstrapServers,
            EnableIdempotence = true,
        }).Build();

    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The settings as environment variables, the way operators set them.</summary>
    public static Dictionary<string, string> ProcessEnvironment(Dictionary<string, string> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    public static ServiceProcess StartRouterProcess(Dictionary<string, string> environment, out int port)
    {
        port = Ports.Free();
        var withUrl = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        };
        return ServiceProcess.Start("Gateway.Router", withUrl);
    }

    public static async Task WaitUntilProcessAssignedAsync(int port, ServiceProcess process)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    var body = await client.GetStringAsync(new Uri("/health/ready", UriKind.Relative));
                    return body.Contains("partitions assigned", StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.Process.HasExited, process.Output);
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the router process owns partitions");
    }
}
