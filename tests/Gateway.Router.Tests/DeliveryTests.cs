using System.Globalization;
using Gateway.Router;
using Gateway.Testing;

namespace Gateway.Router.Tests;

public sealed class DeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deliver_SameEventProducedThreeTimes_DeliversOnce()
    {
        var scenario = new RouterScenario("dedup");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            // Different keys put the copies on different partitions, so they race each other.
            foreach (var key in new[] { "a", "b", "c" })
            {
                await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_dup", key: key));
            }

            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_marker"));
        }

        await Eventually.TrueAsync(
            () => crm.Received.Any(r => r.EventId == "evt_marker") && crm.Received.Any(r => r.EventId == "evt_dup"),
            Patience,
            "both events arrive");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(crm.Received, r => r.EventId == "evt_dup");
    }

    [Fact]
    public async Task Deliver_RouteWithTwoDestinations_FansOutToBoth()
    {
        var scenario = new RouterScenario("fanout");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        await using var erp = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.HttpDestination(settings, "erp", erp.Url("/orders"));
        RouterScenario.Route(settings, "customers", "crm", "erp");
        settings["Router:Routes:customers:Types:0"] = "com.stripe.customer.*";
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_fan"));
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_other", type: "com.stripe.invoice.paid"));
        }

        await Eventually.TrueAsync(
            () => crm.Received.Any(r => r.EventId == "evt_fan") && erp.Received.Any(r => r.EventId == "evt_fan"),
            Patience,
            "both destinations receive the event");
        Assert.Equal("/contacts", crm.Received.Single().Path);
        Assert.Equal("/orders", erp.Received.Single().Path);
        Assert.DoesNotContain(crm.Received, r => r.EventId == "evt_other");
    }

    [Fact]
    public async Task Deliver_HttpRequest_CarriesBodyIdempotencyKeyCloudEventHeadersAndAuth()
    {
        var scenario = new RouterScenario("request");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:Method"] = "PUT";
        settings["Router:Destinations:crm:Headers:X-Tenant"] = "acme";
        settings["Router:Destinations:crm:Auth:Type"] = "apikey";
        settings["Router:Destinations:crm:Auth:HeaderName"] = "X-Api-Key";
        settings["Router:Destinations:crm:Auth:Key"] = "k-123";
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_req", body: "{\"id\":\"cus_9\"}"));
        }

        await Eventually.TrueAsync(() => !crm.Received.IsEmpty, Patience, "the request arrives");
        var request = crm.Received.Single();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("{\"id\":\"cus_9\"}", request.Body);
        Assert.Equal("evt_req", request.Headers["idempotency-key"]);
        Assert.Equal("com.stripe.customer.created", request.Headers["ce-type"]);
        Assert.Equal("/webhooks/stripe", request.Headers["ce-source"]);
        Assert.Equal("acme", request.Headers["x-tenant"]);
        Assert.Equal("k-123", request.Headers["x-api-key"]);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("basic", "Basic YWRhOnMzY3JldA==")]
    [InlineData("bearer", "Bearer tok-42")]
    public async Task Deliver_CredentialAuth_SendsTheAuthorizationHeader(string type, string expected)
    {
        var scenario = new RouterScenario("auth");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:Auth:Type"] = type;
        settings["Router:Destinations:crm:Auth:Username"] = "ada";
        settings["Router:Destinations:crm:Auth:Password"] = "s3cret";
        settings["Router:Destinations:crm:Auth:Token"] = "tok-42";
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_auth"));
        }

        await Eventually.TrueAsync(() => !crm.Received.IsEmpty, Patience, "the request arrives");
        Assert.Equal(expected, crm.Received.Single().Headers["authorization"]);
    }

    [Fact]
    public async Task Deliver_DownstreamSlowerThanTheTimeout_RetriedAsTransientWithTheReason()
    {
        var scenario = new RouterScenario("timeout", retryLevels: 1);
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        crm.Delay = TimeSpan.FromSeconds(4);
        var settings = scenario.Settings(TimeSpan.FromMinutes(10));
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:Timeout"] = "00:00:01";
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_slow"));
        }

        var retry = Assert.Single(TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 1, Patience));
        Assert.Equal("evt_slow", RouterScenario.Header(retry, "ce_id"));
        Assert.Equal("2", RouterScenario.Header(retry, RouterHeaders.Attempts));
        Assert.Contains(
            "no answer within 1 s", RouterScenario.Header(retry, RouterHeaders.Error), StringComparison.Ordinal);
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Deliver_DestinationKeepsFailing_BreakerOpensAndLaterEventsWaitWithoutAttempts()
    {
        var scenario = new RouterScenario("breaker", retryLevels: 1);
        await scenario.CreateTopicsAsync(sourcePartitions: 1);
        await using var crm = await Downstream.StartAsync((_, _) => 503);
        var settings = scenario.Settings(TimeSpan.FromMinutes(10));
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Breaker:FailureThreshold"] = "3";
        settings["Router:Breaker:OpenDuration"] = "00:05:00";
        settings["Router:Consumer:MaxInFlightPerPartition"] = "1";
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            for (var i = 0; i < 6; i++)
            {
                await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event($"evt_br{i}", key: $"k{i}"));
            }
        }

        // Two attempts of the first event and one of the second open it; the second's next
        // attempt and every later event's are refused without going out.
        var retries = TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 6, Patience);
        Assert.Equal(6, retries.Count);
        Assert.Equal(3, crm.Received.Count);
        Assert.Equal(
            5,
            retries.Count(r => RouterScenario.Header(r, RouterHeaders.Error)!.Contains(
                "circuit open", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deliver_500Then200_DeliversOnceAfterRetry()
    {
        var scenario = new RouterScenario("retry500");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((call, _) => call == 1 ? 500 : 200);
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_500"));
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the retry is accepted");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal([500, 200], crm.Received.Select(r => r.Status));
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_404_DeadLettersAtOnceWithReason()
    {
        var scenario = new RouterScenario("dlq404");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((_, _) => 404);
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_404", key: "cus_404", body: "{\"n\":1}"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 2, TimeSpan.FromSeconds(2)));
        Assert.Single(crm.Received);
        Assert.Equal("cus_404", System.Text.Encoding.UTF8.GetString(dead.Message.Key!));
        Assert.Equal("{\"n\":1}", System.Text.Encoding.UTF8.GetString(dead.Message.Value!));
        Assert.Equal("evt_404", RouterScenario.Header(dead, "ce_id"));
        Assert.Equal("com.stripe.customer.created", RouterScenario.Header(dead, "ce_type"));
        Assert.Equal("crm", RouterScenario.Header(dead, RouterHeaders.Destination));
        Assert.Equal("all", RouterScenario.Header(dead, RouterHeaders.Route));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal("1", RouterScenario.Header(dead, RouterHeaders.Attempts));
        Assert.Equal("404", RouterScenario.Header(dead, RouterHeaders.LastStatus));
        Assert.Contains("HTTP 404", RouterScenario.Header(dead, RouterHeaders.Error), StringComparison.Ordinal);
        Assert.Equal(scenario.SourceTopic, RouterScenario.Header(dead, RouterHeaders.OriginalTopic));
        Assert.NotNull(RouterScenario.Header(dead, RouterHeaders.OriginalPartition));
        Assert.Equal("0", RouterScenario.Header(dead, RouterHeaders.OriginalOffset));
        Assert.NotNull(RouterScenario.Header(dead, RouterHeaders.FirstFailureAt));
        Assert.NotNull(RouterScenario.Header(dead, RouterHeaders.LastFailureAt));
    }

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Deliver_Redirect_NotFollowedAndDeadLettered(int status)
    {
        var scenario = new RouterScenario("redirect");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((_, _) => status);
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_redirect"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RouterScenario.Header(dead, RouterHeaders.LastStatus));
        Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 2, TimeSpan.FromSeconds(2)));
        var request = Assert.Single(crm.Received);
        Assert.Equal("/contacts", request.Path);
    }

    [Theory]
    [InlineData("destination", 2)]
    [InlineData("partition", 3)]
    public async Task Deliver_InFlightLimit_NeverMoreAtOnceThanTheLimit(string limit, int allowed)
    {
        var scenario = new RouterScenario("inflight");
        await scenario.CreateTopicsAsync(sourcePartitions: 1);
        await using var crm = await Downstream.StartAsync();
        crm.Delay = TimeSpan.FromMilliseconds(300);
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        var key = limit == "destination"
            ? "Router:Destinations:crm:MaxInFlight"
            : "Router:Consumer:MaxInFlightPerPartition";
        settings[key] = allowed.ToString(CultureInfo.InvariantCulture);
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            for (var i = 0; i < 12; i++)
            {
                await producer.ProduceAsync(
                    scenario.SourceTopic, RouterScenario.Event($"evt_if{i}", key: $"k{i}"));
            }
        }

        await Eventually.TrueAsync(() => crm.Received.Count == 12, Patience, "every event is delivered");
        Assert.Equal(allowed, crm.MaxConcurrent);
    }

    [Fact]
    public async Task Deliver_DedupOff_DeliversEveryCopyWithTheSameIdempotencyKey()
    {
        var scenario = new RouterScenario("nodedup");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        settings["Router:Destinations:crm:Dedup"] = "false";
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_twice", key: "k"));
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_twice", key: "k"));
        }

        await Eventually.TrueAsync(() => crm.Received.Count == 2, Patience, "both copies are delivered");
        Assert.All(crm.Received, r => Assert.Equal("evt_twice", r.Headers["idempotency-key"]));
        var keys = TestRedis.Shared.Multiplexer.GetServers()[0]
            .Keys(pattern: scenario.RedisPrefix + "*")
            .ToList();
        Assert.Empty(keys);
    }

    [Fact]
    public async Task Deliver_Delivered_DoneMarkKeptForTheRetention()
    {
        var scenario = new RouterScenario("retention");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        settings["Router:Dedup:Retention"] = "01:00:00";
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_kept"));
        }

        var key = $"{scenario.RedisPrefix}router:dedup:crm:evt_kept";
        var database = TestRedis.Shared.Multiplexer.GetDatabase();
        await Eventually.TrueAsync(
            async () => await database.StringGetAsync(key) == "done", Patience, "the delivery is marked done");
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));
        Assert.Single(crm.Received);
    }

    [Fact]
    public async Task Deliver_DownLongerThanInProcessRetries_ArrivesThroughRetryTopic()
    {
        var scenario = new RouterScenario("retrytopic");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((call, _) => call <= 3 ? 503 : 200);
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_down"));
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the event arrives later");
        var viaRetry = Assert.Single(TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 1, Patience));
        Assert.Equal("evt_down", RouterScenario.Header(viaRetry, "ce_id"));
        Assert.Equal("2", RouterScenario.Header(viaRetry, RouterHeaders.Attempts));
        Assert.Equal("503", RouterScenario.Header(viaRetry, RouterHeaders.LastStatus));
        Assert.Equal([503, 503, 503, 200], crm.Received.Select(r => r.Status));
        Assert.Single(TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 2, TimeSpan.FromSeconds(2)));
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_DownThroughEveryRetryLevel_DeadLettersAsExhausted()
    {
        var scenario = new RouterScenario("exhausted", retryLevels: 1);
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((_, _) => 503);
        var settings = scenario.Settings(TimeSpan.FromSeconds(1));
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_exhausted"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("exhausted", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Equal("4", RouterScenario.Header(dead, RouterHeaders.Attempts));
        Assert.Equal(4, crm.Received.Count);
        Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 2, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Deliver_DestinationResolvesToReservedAddress_RefusedAndDeadLettered(string host)
    {
        var scenario = new RouterScenario("guard");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        var url = new UriBuilder(crm.Address) { Host = host, Path = "/contacts" }.Uri;
        RouterScenario.HttpDestination(settings, "crm", url, allowPrivate: false);
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_guard"));
        }

        var dead = Assert.Single(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, Patience));
        Assert.Equal("permanent", RouterScenario.Header(dead, RouterHeaders.FailureKind));
        Assert.Contains("address refused", RouterScenario.Header(dead, RouterHeaders.Error), StringComparison.Ordinal);
        Assert.Empty(crm.Received);
    }

    [Fact]
    public async Task Deliver_ProxyEnvironmentSet_ConnectsDirectlyNotThroughTheProxy()
    {
        var scenario = new RouterScenario("proxy");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        await using var proxy = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");

        // A process of its own: .NET reads the proxy variables once per process.
        var environment = RouterScenario.ProcessEnvironment(settings);
        foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy" })
        {
            environment[name] = proxy.Address.ToString();
        }

        environment["NO_PROXY"] = "";
        environment["no_proxy"] = "";
        using var router = RouterScenario.StartRouterProcess(environment, out var port);
        await RouterScenario.WaitUntilProcessAssignedAsync(port, router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_direct"));
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the destination gets it");
        Assert.Empty(proxy.Received);
    }

    [Fact]
    public void GuardedHandler_AnyDestination_IgnoresProxiesAndRedirects()
    {
        using var handler = HttpDestination.GuardedHandler(allowPrivate: false);

        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.NotNull(handler.ConnectCallback);
    }

    [Fact]
    public async Task Deliver_LocalhostAllowed_Delivers()
    {
        var scenario = new RouterScenario("allowed");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        var url = new UriBuilder(crm.Address) { Host = "localhost", Path = "/contacts" }.Uri;
        RouterScenario.HttpDestination(settings, "crm", url, allowPrivate: true);
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_allowed"));
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the allowed destination gets it");
    }

    [Fact]
    public async Task Replay_RecordNamingOneDestination_ReachesOnlyIt()
    {
        var scenario = new RouterScenario("replay");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        await using var erp = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.HttpDestination(settings, "erp", erp.Url("/orders"));
        RouterScenario.Route(settings, "all", "crm", "erp");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            var replay = RouterScenario.Event("evt_replayed");
            replay.Headers.Add(RouterHeaders.Destination, "erp"u8.ToArray());
            await producer.ProduceAsync(scenario.ReplayTopic, replay);
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_marker"));
        }

        await Eventually.TrueAsync(
            () => erp.Received.Any(r => r.EventId == "evt_replayed")
                && crm.Received.Any(r => r.EventId == "evt_marker"),
            Patience,
            "the replay and the marker arrive");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(crm.Received, r => r.EventId == "evt_replayed");
        Assert.Single(erp.Received, r => r.EventId == "evt_replayed");
    }

    [Fact]
    public async Task Deliver_EventMatchingNoRoute_SkippedNotDeadLettered()
    {
        var scenario = new RouterScenario("unmatched");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync();
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "github", "crm");
        settings["Router:Routes:github:Sources:0"] = "github";
        settings["Router:Routes:stripe:Sources:0"] = "stripe";
        settings["Router:Routes:stripe:Types:0"] = "com.stripe.customer.*";
        RouterScenario.Route(settings, "stripe", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(
                scenario.SourceTopic,
                RouterScenario.Event("evt_nomatch", type: "com.stripe.invoice.paid"));
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_match"));
        }

        await Eventually.TrueAsync(() => !crm.Received.IsEmpty, Patience, "the matching event arrives");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(["evt_match"], crm.Received.Select(r => r.EventId));
        Assert.Empty(TestKafka.Shared.ReadAll(scenario.DeadLetterTopic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Deliver_RetryDelayLongerThanMaxHold_HeldInStepsThenDeliveredOnce()
    {
        var scenario = new RouterScenario("hold", retryLevels: 1);
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((call, _) => call <= 2 ? 503 : 200);
        var settings = scenario.Settings(TimeSpan.FromSeconds(4));
        settings["Router:Retry:MaxHold"] = "00:00:01";
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_hold"));
        }

        await Eventually.TrueAsync(() => crm.Accepted.Count == 1, Patience, "the event arrives when due");
        var copies = TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 2, Patience);
        Assert.Equal(2, copies.Count);
        Assert.All(copies, c => Assert.Equal("evt_hold", RouterScenario.Header(c, "ce_id")));
        Assert.Equal(
            RouterScenario.Header(copies[0], RouterHeaders.DueAt),
            RouterScenario.Header(copies[1], RouterHeaders.DueAt));
        Assert.Equal(3, crm.Received.Count);
    }

    [Fact]
    public async Task Deliver_429WithRetryAfterBeyondInProcessWaits_ScheduledNoEarlierThanIt()
    {
        var scenario = new RouterScenario("retryafter");
        await scenario.CreateTopicsAsync();
        await using var crm = await Downstream.StartAsync((_, _) => 429);
        crm.RetryAfter = "120";
        var settings = scenario.Settings();
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "all", "crm");
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using (var producer = RouterScenario.Producer())
        {
            await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_429"));
        }

        var retry = Assert.Single(TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 1, Patience));
        var failedAt = long.Parse(
            RouterScenario.Header(retry, RouterHeaders.LastFailureAt)!,
            CultureInfo.InvariantCulture);
        var dueAt = long.Parse(RouterScenario.Header(retry, RouterHeaders.DueAt)!, CultureInfo.InvariantCulture);
        Assert.InRange(dueAt - failedAt, 119_000, 125_000);
        Assert.Equal("1", RouterScenario.Header(retry, RouterHeaders.Attempts));
        Assert.Equal("429", RouterScenario.Header(retry, RouterHeaders.LastStatus));
        Assert.Single(crm.Received);
    }
}
