using System.Net;
using Gateway.Router;

namespace Gateway.Router.Tests;

public sealed class RulesTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("198.51.100.7", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("::127.0.0.1", true)]
    [InlineData("64:ff9b::7f00:1", true)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("::ffff:0:127.0.0.1", true)]
    [InlineData("::ffff:0:169.254.169.254", true)]
    [InlineData("::ffff:0:10.0.0.1", true)]
    [InlineData("::ffff:0:8.8.8.8", false)]
    [InlineData("64:ff9b:1::808:808", true)]
    [InlineData("64:ff9b:1:ffff:ffff::1", true)]
    [InlineData("64:ff9b:2::808:808", false)]
    [InlineData("2002:7f00:1::", true)]
    [InlineData("2002:808:808::", false)]
    [InlineData("2606:4700:4700::1111", false)]
    public void IsRefused_Address_MatchesReservedRanges(string address, bool refused)
    {
        Assert.Equal(refused, AddressGuard.IsRefused(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData(200, "Delivered")]
    [InlineData(201, "Delivered")]
    [InlineData(204, "Delivered")]
    [InlineData(301, "Permanent")]
    [InlineData(302, "Permanent")]
    [InlineData(307, "Permanent")]
    [InlineData(400, "Permanent")]
    [InlineData(401, "Permanent")]
    [InlineData(403, "Permanent")]
    [InlineData(404, "Permanent")]
    [InlineData(408, "Transient")]
    [InlineData(410, "Permanent")]
    [InlineData(413, "Permanent")]
    [InlineData(422, "Permanent")]
    [InlineData(429, "Transient")]
    [InlineData(500, "Transient")]
    [InlineData(502, "Transient")]
    [InlineData(503, "Transient")]
    [InlineData(504, "Transient")]
    public void Classify_Status_DeliveredTransientOrPermanent(int status, string expected)
    {
        Assert.Equal(expected, HttpDestination.Classify(status).ToString());
    }

    [Theory]
    [InlineData("com.stripe.customer.*", "com.stripe.customer.created", true)]
    [InlineData("com.stripe.customer.*", "com.stripe.customer.subscription.updated", true)]
    [InlineData("com.stripe.customer.*", "com.stripe.invoice.paid", false)]
    [InlineData("com.stripe.customer.*", "com.stripe.customer", false)]
    [InlineData("*.created", "com.shopify.orders.created", true)]
    [InlineData("com.github.push", "com.github.push", true)]
    [InlineData("com.github.push", "com.github.pushed", false)]
    [InlineData("com.github.push", "COM.GITHUB.PUSH", false)]
    [InlineData("*", "anything", true)]
    public void Wildcard_Pattern_MatchesWholeType(string pattern, string type, bool matches)
    {
        Assert.Equal(matches, RouteTable.Wildcard(pattern).IsMatch(type));
    }

    [Theory]
    [InlineData("webhooks.stripe", "/webhooks/stripe", "stripe")]
    [InlineData("webhooks.payments", "/webhooks/stripe", "stripe")]
    [InlineData("payments-in", "/webhooks/stripe", "stripe")]
    [InlineData("webhooks.orders", "urn:team:orders-service", "orders")]
    [InlineData("team.orders", "urn:team:orders-service", "orders-service")]
    [InlineData("team.orders", "https://shop.example.com/events/", "events")]
    [InlineData("webhooks.orders", "/webhooks/a/b", "orders")]
    public void From_TopicAndSource_NamesTheIngressSource(string topic, string source, string expected)
    {
        var headers = new Confluent.Kafka.Headers
        {
            { "ce_id", "e1"u8.ToArray() },
            { "ce_source", System.Text.Encoding.UTF8.GetBytes(source) },
            { "ce_type", "t"u8.ToArray() },
        };
        var record = new Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>
        {
            Topic = topic,
            Partition = 0,
            Offset = 1,
            Message = new Confluent.Kafka.Message<byte[]?, byte[]?> { Headers = headers, Value = [] },
        };

        Assert.Equal(expected, RoutedEvent.From(record)?.SourceName);
    }

    public static TheoryData<string, bool> Outcomes => new()
    {
        { "delivered", true },
        { "transient-status", true },
        { "transient-connection", true },
        { "permanent-status", true },
        { "permanent-transformation", false },
        { "skipped", false },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Reached_Outcome_TellsWhetherTheReceiverDecidedIt(string outcome, bool reached)
    {
        var value = outcome switch
        {
            "delivered" => DeliveryOutcome.Success,
            "transient-status" => DeliveryOutcome.Transient("HTTP 503", 503),
            "transient-connection" => DeliveryOutcome.Transient("connection failed"),
            "permanent-status" => DeliveryOutcome.Permanent("HTTP 404", 404),
            "permanent-transformation" => DeliveryOutcome.Permanent("transformation failed"),
            _ => DeliveryOutcome.Skip,
        };

        Assert.Equal(reached, value.Reached);
    }
}
