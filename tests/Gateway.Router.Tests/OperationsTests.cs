using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Router;
using Gateway.Testing;

namespace Gateway.Router.Tests;

public sealed class OperationsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pause_DestinationPaused_EventWaitsInRetryLaneUntilResumed()
    {
        var scenario = new RouterScenario("pause");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings(TimeSpan.FromSeconds(1));
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        settings["Router:Admin:Token"] = "admin-secret";
        settings["Router:Admin:RefreshInterval"] = "00:00:00.500";
        await using var router = await RouterScenario.StartRouterAsync(settings);
        var otherSettings = new Dictionary<string, string>(settings)
        {
            ["Router:Consumer:GroupId"] = TestKafka.UniqueGroup("router-pause-other"),
            ["Router:Consumer:Topics:0"] = TestKafka.UniqueTopic("webhooks.unused"),
        };
        await using var other = await RouterScenario.StartRouterAsync(otherSettings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var paused = await Admin(router, HttpMethod.Post, "/admin/destinations/crm/pause", "admin-secret"))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        }

        await Eventually.TrueAsync(
            async () => (await ListAsync(other)).Contains("\"paused\":true", StringComparison.Ordinal),
            Patience,
            "the other instance sees the pause");
        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_paused"));
        }

        var waiting = TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 2, Patience);
        Assert.Equal(2, waiting.Count);
        Assert.All(waiting, r => Assert.Equal("evt_paused", RouterScenario.Header(r, "ce_id")));
        Assert.All(waiting, r => Assert.Equal("0", RouterScenario.Header(r, RouterHeaders.Attempts)));
        Assert.Empty(crm.Received);

        using (var resumed = await Admin(router, HttpMethod.Post, "/admin/destinations/crm/resume", "admin-secret"))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the event arrives after resume");
        Assert.Equal("evt_paused", crm.Accepted[0].EventId);
    }

    [Fact]
    public async Task HealthReady_NoPartitionAfterGrace_Answers503NamingTheRouter()
    {
        var scenario = new RouterScenario("idle");
        var settings = scenario.Settings();
        settings["Router:Consumer:AssignmentGrace"] = "00:00:01";
        await using var router = await RouterScenario.StartRouterAsync(settings);

        var body = "";
        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await router.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                body = await ready.Content.ReadAsStringAsync();
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            Patience,
            "readiness fails without partitions");
        Assert.Contains("\"router\":{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Admin_MissingOrWrongToken_Answers401(string? token)
    {
        var scenario = new RouterScenario("admin");
        var settings = scenario.Settings();
        settings["Router:Admin:Token"] = "admin-secret";
        await using var router = await RouterScenario.StartRouterAsync(settings);

        using var response = await Admin(router, HttpMethod.Get, "/admin/destinations", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Admin_NoTokenConfigured_Answers404()
    {
        var scenario = new RouterScenario("noadmin");
        await using var router = await RouterScenario.StartRouterAsync(scenario.Settings());

        using var response = await Admin(router, HttpMethod.Post, "/admin/destinations/crm/pause", "anything");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Deliver_RedisUnreachable_WaitsThenDeliversOnceWhenRedisReturns()
    {
        var scenario = new RouterScenario("redisdown");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var port = Ports.Free();
        var settings = scenario.Settings();
        settings["Redis:Configuration"] = $"127.0.0.1:{port},connectTimeout=500,syncTimeout=1000,asyncTimeout=1000";
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_redis", key: "a"));
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_redis", key: "b"));
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(crm.Received);

        using var redis = StartRedis(port);
        try
        {
            await Eventually.TrueAsync(() => !crm.Received.IsEmpty, Patience, "delivery resumes with Redis");
            await Task.Delay(TimeSpan.FromSeconds(2));

            Assert.Single(crm.Received);
            Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(1)));
        }
        finally
        {
            redis.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Deliver_KafkaDestination_PublishesTheSameCloudEventToTheTeamTopic()
    {
        var scenario = new RouterScenario("team");
        await scenario.CreateTopicsAsync();
        var teamTopic = TestKafka.UniqueTopic("team.billing");
        await TestKafka.Shared.CreateTopicAsync(teamTopic, 1);
        var settings = scenario.Settings();
        settings["Router:Destinations:billing:Type"] = "kafka";
        settings["Router:Destinations:billing:Topic"] = teamTopic;
        RouterScenario.Route(settings, "all", "billing");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_team", key: "cus_7", body: "{\"amount\":5}"));
        }

        var record = Assert.Single(TestKafka.Shared.ReadAll(teamTopic, 1, Patience));
        Assert.Equal("cus_7", Encoding.UTF8.GetString(record.Message.Key!));
        Assert.Equal("{\"amount\":5}", Encoding.UTF8.GetString(record.Message.Value!));
        Assert.Equal("evt_team", RouterScenario.Header(record, "ce_id"));
        Assert.Equal("1.0", RouterScenario.Header(record, "ce_specversion"));
        Assert.Equal("com.stripe.customer.created", RouterScenario.Header(record, "ce_type"));
        Assert.Equal("application/json", RouterScenario.Header(record, "content-type"));
    }

    [Fact]
    public async Task Deliver_RecordWithTraceContext_DeliverySpanContinuesTheTrace()
    {
        var scenario = new RouterScenario("trace");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Gateway.Router" or "Gateway.Kafka",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // In this process, where the listener sees the spans; other tests run the shipped process.
        await using var router = await RouterScenario.StartRouterInProcessAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router.Client);

        using (var producer = RouterScenario.Producer())
        {
            var message = RouterScenario.Event("evt_trace");
            var parent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
            message.Headers.Add("traceparent", Encoding.UTF8.GetBytes(parent));
            await producer.ProduceAsync(scenario.SourceTopic, message);
        }

        await Eventually.TrueAsync(
            () => spans.Any(s => s.OperationName == "deliver crm")
                && spans.Any(s => s.OperationName.StartsWith("process ", StringComparison.Ordinal)),
            Patience,
            "the consume and delivery spans end");
        var process = spans.Single(s => s.OperationName == $"process {scenario.SourceTopic}");
        var delivery = spans.Single(s => s.OperationName == "deliver crm");
        Assert.Equal(process.SpanId, delivery.ParentSpanId);
        Assert.Equal("evt_trace", delivery.GetTagItem("cloudevents.event_id"));
        Assert.Equal(traceId.ToHexString(), crm.Received.Single().Headers["traceparent"].Split('-')[1]);
    }

    [Fact]
    public async Task Metrics_AfterDeliveryAndDuplicate_ExposedByDestinationAndOutcome()
    {
        var scenario = new RouterScenario("metrics");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        var destination = "crm" + Guid.NewGuid().ToString("N")[..8];
        RouterScenario.HttpDestination(settings, destination, crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", destination);
        settings["Router:Routes:all:Types:0"] = "com.stripe.customer.*";

        // A process of its own: meters are per process, so other tests' routers stay out.
        using var router = RouterScenario.StartRouterProcess(RouterScenario.ProcessEnvironment(settings), out var port);
        await RouterScenario.WaitUntilProcessAssignedAsync(port, router);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_m", key: "k"));
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_m", key: "k"));
            await producer.ProduceAsync(
                scenario.SourceTopic, RouterScenario.Event("evt_other", type: "com.stripe.invoice.paid"));
        }

        var label = $"destination=\"{destination}\"";
        string[] lines = [];
        await Eventually.TrueAsync(
            async () =>
            {
                var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
                lines = text.Split('\n');
                return HasSample(lines, "gateway_router_dedup_hits_total", label)
                    && HasSample(lines, "gateway_router_unmatched_total");
            },
            Patience,
            "the duplicate is counted");
        Assert.True(HasSample(lines, "gateway_router_deliveries_total", label, "outcome=\"delivered\""));
        Assert.True(HasSample(lines, "gateway_router_deliveries_total", label, "outcome=\"duplicate\""));
        Assert.True(HasSample(lines, "gateway_router_delivery_duration_seconds_bucket", label));
        Assert.True(HasSample(lines, "gateway_router_attempts_total", label, "result=\"delivered\""));
        Assert.True(HasSample(lines, "gateway_router_in_flight", label));
        Assert.True(HasSample(lines, "gateway_router_unmatched_total", "source=\"stripe\""));
        Assert.True(HasSample(lines, "gateway_router_consumer_lag", $"topic=\"{scenario.SourceTopic}\""));
    }

    [Fact]
    public async Task Metrics_RedisDownMidStream_LagCountsTheWaitingRecordsThenEachIsDeliveredOnce()
    {
        var scenario = new RouterScenario("lag");
        await scenario.CreateTopicsAsync(sourcePartitions: 1);
        await using var crm = await Downstream.StartAsync();
        var redisPort = Ports.Free();
        var settings = scenario.Settings();
        settings["Redis:Configuration"] =
            $"127.0.0.1:{redisPort},connectTimeout=500,syncTimeout=1000,asyncTimeout=1000";
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        using var redis = StartRedis(redisPort);
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);
        using var producer = RouterScenario.Producer();
        await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_lag0", key: "k0"));
        await Eventually.TrueAsync(() => crm.Received.Count == 1, Patience, "the first event is delivered");

        redis.Kill(entireProcessTree: true);
        for (var i = 1; i <= 5; i++)
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event($"evt_lag{i}", key: $"k{i}"));
        }

        // Fetched or not, none of the five is finished, so all five are lag.
        await Eventually.TrueAsync(
            async () => (await router.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)))
                .Split('\n')
                .Any(l => l.StartsWith("gateway_router_consumer_lag{", StringComparison.Ordinal)
                    && l.Contains($"topic=\"{scenario.SourceTopic}\"", StringComparison.Ordinal)
                    && l.Contains("partition=\"0\"", StringComparison.Ordinal)
                    && l.Split(' ')[1] == "5"),
            Patience,
            "the lag shows the five waiting events");
        Assert.Single(crm.Received);

        // Redis comes back: the held events go through, each once, and the lag drains.
        using var back = StartRedis(redisPort);
        try
        {
            await Eventually.TrueAsync(() => crm.Received.Count >= 6, Patience, "the held events are delivered");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(
                Enumerable.Range(0, 6).Select(i => $"evt_lag{i}").Order(),
                crm.Received.Select(r => r.EventId).Order());
        }
        finally
        {
            back.Kill(entireProcessTree: true);
        }
    }

    private static bool HasSample(string[] lines, string metric, params string[] labels) =>
        lines.Any(l => l.StartsWith(metric + "{", StringComparison.Ordinal)
            && labels.All(label => l.Contains(label, StringComparison.Ordinal)));

    private static async Task<HttpResponseMessage> Admin(
        RouterProcess router,
        HttpMethod method,
        string path,
        string? token)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await router.Client.SendAsync(request);
    }

    private static async Task<string> ListAsync(RouterProcess router)
    {
        using var response = await Admin(router, HttpMethod.Get, "/admin/destinations", "admin-secret");
        return await response.Content.ReadAsStringAsync();
    }

    private static Process StartRedis(int port)
    {
        var server = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        return server;
    }
}
