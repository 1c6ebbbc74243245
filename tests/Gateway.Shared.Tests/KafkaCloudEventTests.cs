using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Contracts;

namespace Gateway.Shared.Tests;

public sealed class KafkaCloudEventTests
{
    [Fact]
    public void WriteAttributes_FullEvent_WritesEveryAttributeAsCeHeader()
    {
        var cloudEvent = new CloudEvent
        {
            Id = "evt_1",
            Source = new Uri("/webhooks/stripe", UriKind.Relative),
            Type = "com.stripe.customer.created",
            Subject = "cus_9",
            Time = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero),
            DataContentType = "application/json",
        };
        var headers = new Headers();

        KafkaCloudEvent.WriteAttributes(cloudEvent, headers);

        Assert.Equal("1.0", Text(headers, "ce_specversion"));
        Assert.Equal("evt_1", Text(headers, "ce_id"));
        Assert.Equal("/webhooks/stripe", Text(headers, "ce_source"));
        Assert.Equal("com.stripe.customer.created", Text(headers, "ce_type"));
        Assert.Equal("cus_9", Text(headers, "ce_subject"));
        Assert.Equal("2026-12-03T10:00:00Z", Text(headers, "ce_time"));
        Assert.Equal("application/json", Text(headers, "content-type"));
        Assert.False(headers.TryGetLastBytes("ce_datacontenttype", out _));
    }

    [Fact]
    public void ReadAttributes_WrittenHeaders_RoundTrips()
    {
        var original = new CloudEvent
        {
            Id = "delivery-7",
            Source = new Uri("https://github.com/acme/repo"),
            Type = "com.github.push",
            DataContentType = "application/json",
        };
        original["authscheme"] = "github";
        var headers = new Headers();
        KafkaCloudEvent.WriteAttributes(original, headers);

        var read = KafkaCloudEvent.ReadAttributes(headers);

        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Source, read.Source);
        Assert.Equal(original.Type, read.Type);
        Assert.Equal(original.DataContentType, read.DataContentType);
        Assert.Equal("github", read["authscheme"]);
    }

    [Theory]
    [InlineData(null, "evt", "/s", "t", "ce_specversion")]
    [InlineData("0.1", "evt", "/s", "t", "spec version")]
    [InlineData("1.0", null, "/s", "t", "valid CloudEvent")]
    [InlineData("1.0", "evt", null, "t", "valid CloudEvent")]
    [InlineData("1.0", "evt", "/s", null, "valid CloudEvent")]
    public void ReadAttributes_MissingOrBadRequiredAttribute_Throws(
        string? specVersion, string? id, string? source, string? type, string expected)
    {
        var headers = new Headers();
        Add(headers, "ce_specversion", specVersion);
        Add(headers, "ce_id", id);
        Add(headers, "ce_source", source);
        Add(headers, "ce_type", type);

        var error = Assert.Throws<ArgumentException>(() => KafkaCloudEvent.ReadAttributes(headers));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteAttributes_InvalidEvent_Throws()
    {
        var incomplete = new CloudEvent { Id = "x" };

        Assert.Throws<InvalidOperationException>(() => KafkaCloudEvent.WriteAttributes(incomplete, new Headers()));
    }

    [Theory]
    [InlineData("stripe", "webhooks.stripe")]
    [InlineData("shop-eu", "webhooks.shop-eu")]
    public void ForSource_Name_IsPublicTopicName(string source, string topic) =>
        Assert.Equal(topic, GatewayTopics.ForSource(source));

    [Theory]
    [InlineData(1, "gateway.retry.1")]
    [InlineData(12, "gateway.retry.12")]
    public void Retry_Level_IsPublicTopicName(int level, string topic) =>
        Assert.Equal(topic, GatewayTopics.Retry(level));

    private static string? Text(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static void Add(Headers headers, string name, string? value)
    {
        if (value is not null)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }
    }
}
