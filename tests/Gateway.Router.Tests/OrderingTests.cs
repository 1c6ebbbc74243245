using Gateway.Testing;

namespace Gateway.Router.Tests;

public sealed class OrderingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deliver_KeyInRetryLane_LaterEventsOfTheKeyFollowOnlyOnStrictRoutes(bool strict)
    {
        var scenario = new RouterScenario("strict", retryLevels: 3);
        await scenario.CreateTopicsAsync();
        Downstream? crmRef = null;

        // The first event fails until an event of another key got through (and, without strict
        // ordering, the later event of its own key too), so those provably overtook it while it
        // waited in the retry lane.
        string[] overtakers = strict ? ["evt_other"] : ["evt_other", "evt_b"];
        await using var crm = await Downstream.StartAsync((_, request) =>
            request.EventId == "evt_a"
            && !overtakers.All(id => crmRef!.Accepted.Exists(r => r.EventId == id)) ? 503 : 200);
        crmRef = crm;
        var settings = scenario.Settings(TimeSpan.FromSeconds(2));
        RouterScenario.HttpDestination(settings, "crm", crm.Url("/contacts"));
        RouterScenario.Route(settings, "ordered", "crm");
        settings["Router:Routes:ordered:StrictOrdering"] = strict ? "true" : "false";
        await using var router = await RouterScenario.StartRouterAsync(settings);
        await RouterScenario.WaitForAssignmentAsync(router);

        using var producer = RouterScenario.Producer();
        await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_a", key: "cus_1"));
        Assert.NotEmpty(TestKafka.Shared.ReadAll(scenario.RetryPrefix + "1", 1, Patience));
        await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_b", key: "cus_1"));
        await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_c", key: "cus_1"));
        await producer.ProduceAsync(scenario.SourceTopic, RouterScenario.Event("evt_other", key: "cus_2"));

        await Eventually.TrueAsync(() => crm.Accepted.Count == 4, Patience, "every event arrives");
        var order = crm.Accepted.Select(r => r.EventId).ToList();
        Assert.True(order.IndexOf("evt_other") < order.IndexOf("evt_a"), string.Join(",", order));
        Assert.True(order.IndexOf("evt_b") < order.IndexOf("evt_c"), string.Join(",", order));
        if (strict)
        {
            Assert.True(order.IndexOf("evt_a") < order.IndexOf("evt_b"), string.Join(",", order));
        }
        else
        {
            Assert.True(order.IndexOf("evt_b") < order.IndexOf("evt_a"), string.Join(",", order));
        }
    }
}
