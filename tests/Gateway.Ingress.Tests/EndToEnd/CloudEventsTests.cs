using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Contracts;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.EndToEnd.WebhookFlowTests;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class CloudEventsTests
{
    private const string Token = "team-billing-token";

    [Fact]
    public async Task Post_BinaryMode_RecordKeepsAttributesBodyAndPartitionKey()
    {
        var (app, topic) = await StartAsync();
        await using var _ = app;
        const string Body = """{"invoice":"inv-9","amount":120}""";

        using var response = await PostAsync(app.Client, "billing", Body, "application/json",
            ("Authorization", "Bearer " + Token),
            ("ce-specversion", "1.0"),
            ("ce-id", "bill-0001"),
            ("ce-source", "urn:team:billing"),
            ("ce-type", "com.example.billing.invoice.paid"),
            ("ce-subject", "inv-9"),
            ("ce-partitionkey", "customer-9"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("bill-0001", await AcceptedIdAsync(response));
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(Body, Encoding.UTF8.GetString(record.Message.Value!));
        Assert.Equal("customer-9", Encoding.UTF8.GetString(record.Message.Key!));
        Assert.Equal("urn:team:billing", Header(record.Message.Headers, EventHeaders.Source));
        Assert.Equal("com.example.billing.invoice.paid", Header(record.Message.Headers, EventHeaders.Type));
        Assert.Equal("inv-9", Header(record.Message.Headers, EventHeaders.Subject));
        Assert.Equal("application/json", Header(record.Message.Headers, EventHeaders.ContentType));
        Assert.Equal("cloudevents", Header(record.Message.Headers, EventHeaders.AuthScheme));
        Assert.True(KafkaCloudEvent.ReadAttributes(record.Message.Headers).IsValid);
    }

    [Fact]
    public async Task Post_StructuredMode_RecordIsBinaryModeWithTheData()
    {
        var (app, topic) = await StartAsync();
        await using var _ = app;
        const string Body = """
            {"specversion":"1.0","id":"s-1","source":"urn:team:billing","type":"com.example.billing.refund",
             "datacontenttype":"application/json","data":{"refund":5}}
            """;

        using var response = await PostAsync(app.Client, "billing", Body, "application/cloudevents+json",
            ("Authorization", "Bearer " + Token));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(30)));
        using var data = JsonDocument.Parse(record.Message.Value!);
        Assert.Equal(5, data.RootElement.GetProperty("refund").GetInt32());
        Assert.Equal("s-1", Header(record.Message.Headers, EventHeaders.Id));
        Assert.Equal("com.example.billing.refund", Header(record.Message.Headers, EventHeaders.Type));
        Assert.Equal("application/json", Header(record.Message.Headers, EventHeaders.ContentType));
    }

    [Fact]
    public async Task Post_BatchMode_EveryEventBecomesARecordAndEveryIdIsAnswered()
    {
        var (app, topic) = await StartAsync();
        await using var _ = app;
        const string Body = """
            [{"specversion":"1.0","id":"b-1","source":"urn:team:billing","type":"com.example.a","data":{"n":1}},
             {"specversion":"1.0","id":"b-2","source":"urn:team:billing","type":"com.example.b","data":{"n":2}}]
            """;

        using var response = await PostAsync(app.Client, "billing", Body, "application/cloudevents-batch+json",
            ("Authorization", "Bearer " + Token));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["b-1", "b-2"], answer.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        var records = TestKafka.Shared.ReadAll(topic, 2, TimeSpan.FromSeconds(30));
        Assert.Equal(["b-1", "b-2"], records.Select(r => Header(r.Message.Headers, EventHeaders.Id)).Order());
    }

    [Theory]
    [InlineData("binary-without-id", 400)]
    [InlineData("structured-not-json", 400)]
    [InlineData("empty-batch", 400)]
    [InlineData("wrong-token", 401)]
    public async Task Post_InvalidCloudEvents_AnswersProblem(string requestCase, int status)
    {
        var (app, _) = await StartAsync();
        await using var running = app;
        var (body, contentType) = requestCase switch
        {
            "structured-not-json" => ("{not json", "application/cloudevents+json"),
            "empty-batch" => ("[]", "application/cloudevents-batch+json"),
            _ => ("{}", "application/json"),
        };

        using var response = await PostAsync(app.Client, "billing", body, contentType,
            ("Authorization", "Bearer " + (requestCase == "wrong-token" ? "nope" : Token)),
            ("ce-specversion", "1.0"), ("ce-source", "urn:team:billing"), ("ce-type", "com.example.x"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<(RunningApp App, string Topic)> StartAsync()
    {
        var topic = TestKafka.UniqueTopic("webhooks.billing");
        await TestKafka.Shared.CreateTopicAsync(topic, 3);
        var app = await IngressHost.StartAsync(
            "Ingress:Sources:billing:Scheme=cloudevents",
            $"Ingress:Sources:billing:Secrets:team={Token}",
            $"Ingress:Sources:billing:Topic={topic}");
        return (app, topic);
    }
}
