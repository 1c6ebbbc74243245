using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Gateway.Contracts;
using Gateway.Kafka;
using Gateway.Router.Delivery;
using Gateway.Testing;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace Gateway.Router.Tests.Delivery;

public sealed class SchemaRegistryPublisherTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PublishAsync_AutoRegister_WritesConfluentWireFormatThatJsonDeserializerReads()
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.billing");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.AutoRegister);

        var cloudEvent = Event("""{"id":"cus_1","amount":12.50,"at":"2026-03-01T10:00:00Z"}""");

        await publisher.PublishAsync(topic, cloudEvent, "cus_1"u8.ToArray(), default);

        var record = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, ReadTimeout));
        var value = record.Message.Value!;
        Assert.Equal(0, value[0]);
        var schemaId = BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1, 4));
        Assert.Equal(1, schemaId);
        Assert.Contains($"POST /subjects/{topic}-value/versions", registry.Calls);
        Assert.Equal("cus_1", Encoding.UTF8.GetString(record.Message.Key!));
        Assert.StartsWith(
            "application/cloudevents+json",
            KafkaCloudEvent.GetString(record.Message.Headers, EventHeaders.ContentType),
            StringComparison.Ordinal);

        using var reader = Client(registry);
        var deserializer = new JsonDeserializer<StructuredCloudEvent>(reader, new JsonDeserializerConfig());
        var read = await deserializer.DeserializeAsync(
            value, isNull: false, new SerializationContext(MessageComponentType.Value, topic, record.Message.Headers));

        Assert.Contains($"GET /schemas/ids/{schemaId}", registry.Calls);
        Assert.Equal("1.0", read.SpecVersion);
        Assert.Equal("evt_42", read.Id);
        Assert.Equal("stripe", read.Source);
        Assert.Equal("com.stripe.customer.created", read.Type);
        Assert.Equal("cus_1", read.Subject);
        Assert.Equal("2026-03-01T10:00:00Z", read.Time);
        Assert.Equal("application/json", read.DataContentType);
        Assert.Equal("cus_1", (string?)read.Data!["id"]);
        Assert.Equal(12.50m, (decimal)read.Data["amount"]!);
        Assert.Equal(
            new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc),
            ((DateTime)read.Data["at"]!).ToUniversalTime());
        Assert.Contains(
            "\"data\":{\"id\":\"cus_1\",\"amount\":12.50,\"at\":\"2026-03-01T10:00:00Z\"}",
            Encoding.UTF8.GetString(value.AsSpan(5)),
            StringComparison.Ordinal);
        Assert.Null(read.DataBase64);
    }

    [Fact]
    public async Task PublishAsync_RawJsonOfTheRecord_IsTheStructuredCloudEvent()
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.raw");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.AutoRegister);

        await publisher.PublishAsync(topic, Event("""{"n":1}"""), null, default);

        var value = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, ReadTimeout)).Message.Value!;
        var json = JObject.Parse(Encoding.UTF8.GetString(value.AsSpan(5)));
        Assert.Equal(
            ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"],
            json.Properties().Select(p => p.Name));
        Assert.Equal(1, (int)json["data"]!["n"]!);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "hello there", "data", "hello there")]
    [InlineData("application/octet-stream", "\u0001\u0002", "data_base64", "AQI=")]
    [InlineData("application/json", "{not json", "data_base64", "e25vdCBqc29u")]
    public async Task PublishAsync_NonJsonData_FollowsTheJsonEventFormat(
        string contentType, string data, string expectedMember, string expectedValue)
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.text");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.AutoRegister);

        await publisher.PublishAsync(topic, Event(data, contentType), null, default);

        var value = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, ReadTimeout)).Message.Value!;
        var json = JObject.Parse(Encoding.UTF8.GetString(value.AsSpan(5)));
        Assert.Equal(expectedValue, (string?)json[expectedMember]);
    }

    [Fact]
    public async Task PublishAsync_RequireExistingAndSubjectAbsent_FailsNamingTheSubjectAndWritesNothing()
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.strict");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.RequireExisting);

        var error = await Assert.ThrowsAsync<SchemaNotRegisteredException>(
            () => publisher.PublishAsync(topic, Event("{}"), null, default));

        Assert.Equal($"{topic}-value", error.Subject);
        Assert.Contains($"'{topic}-value'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Router:SchemaRegistry:Registration", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(registry.Calls, c => c.EndsWith("/versions", StringComparison.Ordinal));
        Assert.Empty(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task PublishAsync_RequireExistingAndOtherSchemaRegistered_Fails()
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.other");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        registry.Register($"{topic}-value", """{"type": "object", "properties": {"x": {"type": "string"}}}""");
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.RequireExisting);

        await Assert.ThrowsAsync<SchemaNotRegisteredException>(
            () => publisher.PublishAsync(topic, Event("{}"), null, default));

        Assert.Empty(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task PublishAsync_RequireExistingAndSchemaRegistered_LooksUpAndUsesItsId()
    {
        await using var registry = await FakeSchemaRegistry.StartAsync();
        using var client = Client(registry);
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.ready");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        registry.Register("unrelated-value", """{"type": "string"}""");
        var id = registry.Register($"{topic}-value", StructuredCloudEvent.JsonSchema);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.RequireExisting);

        await publisher.PublishAsync(topic, Event("{}"), null, default);

        var value = Assert.Single(TestKafka.Shared.ReadAll(topic, 1, ReadTimeout)).Message.Value!;
        Assert.Equal(2, id);
        Assert.Equal(id, BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1, 4)));
        Assert.Contains($"POST /subjects/{topic}-value", registry.Calls);
        Assert.DoesNotContain(registry.Calls, c => c.EndsWith("/versions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishAsync_RegistryUnreachable_Throws()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = $"http://127.0.0.1:{Ports.Free()}",
            RequestTimeoutMs = 2000,
        });
        using var producer = Producer();
        var topic = TestKafka.UniqueTopic("team.down");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var publisher = new SchemaRegistryPublisher(producer, client, SchemaRegistration.AutoRegister);

        await Assert.ThrowsAsync<HttpRequestException>(() => publisher.PublishAsync(topic, Event("{}"), null, default));

        Assert.Empty(TestKafka.Shared.ReadAll(topic, 1, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData("not a url", null, "Router:SchemaRegistry:Url")]
    [InlineData("ftp://registry.example", null, "Router:SchemaRegistry:Url")]
    [InlineData("http://registry.example", "no-colon", "Router:SchemaRegistry:BasicAuthUserInfo")]
    public void Validate_BadSetting_NamesTheKey(string url, string? userInfo, string key)
    {
        var result = new SchemaRegistryOptionsValidator().Validate(
            null, new SchemaRegistryOptions { Url = url, BasicAuthUserInfo = userInfo });

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoRegistryUrls_Succeed() =>
        Assert.True(new SchemaRegistryOptionsValidator().Validate(
            null, new SchemaRegistryOptions { Url = "http://a.example:8081, https://b.example" }).Succeeded);

    private static CachedSchemaRegistryClient Client(FakeSchemaRegistry registry) =>
        SchemaRegistryPublisher.CreateRegistryClient(new SchemaRegistryOptions { Url = registry.Url });

    private static EventProducer Producer() =>
        new(
            new KafkaClientConfigs(
                Options.Create(new KafkaOptions
                {
                    BootstrapServers = TestKafka.Shared.BootstrapServers,
                    ProduceTimeout = TimeSpan.FromSeconds(10),
                }),
                new HostingEnvironment { ApplicationName = "router-delivery-tests" }),
            NullLogger<EventProducer>.Instance);

    private static TransformEvent Event(string data, string contentType = "application/json") =>
        new(
            "evt_42",
            "stripe",
            "com.stripe.customer.created",
            "cus_1",
            "2026-03-01T10:00:00Z",
            contentType,
            Encoding.UTF8.GetBytes(data),
            new Dictionary<string, string>());
}
