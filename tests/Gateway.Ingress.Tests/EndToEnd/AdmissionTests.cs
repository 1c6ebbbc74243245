using System.Net;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;

namespace Gateway.Ingress.Tests.EndToEnd;

public sealed class AdmissionTests
{
    [Theory]
    [InlineData(true, "203.0.113.7", HttpStatusCode.Accepted)]
    [InlineData(true, "198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData(true, "203.0.113.7, 198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData(true, "198.51.100.1, 203.0.113.7", HttpStatusCode.Accepted)]
    [InlineData(true, "not-an-address", HttpStatusCode.Forbidden)]
    [InlineData(true, "203.0.113.7:4711", HttpStatusCode.Accepted)]
    [InlineData(false, "203.0.113.7", HttpStatusCode.Forbidden)]
    public async Task Post_ForwardedFor_HonouredOnlyFromTrustedProxies(
        bool loopbackIsProxy, string forwardedFor, HttpStatusCode status)
    {
        var topic = TestKafka.UniqueTopic("webhooks.internal");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        string[] settings =
        [
            "Ingress:Sources:internal:Scheme=none",
            "Ingress:Sources:internal:AllowedNetworks:0=203.0.113.0/24",
            $"Ingress:Sources:internal:Topic={topic}",
            .. loopbackIsProxy ? new[] { "Ingress:TrustedProxies:0=127.0.0.0/8" } : [],
        ];
        await using var app = await StartAsync(settings);

        using var response = await PostAsync(
            app.Client, "internal", """{"n":1}""", "application/json", ("X-Forwarded-For", forwardedFor));

        Assert.Equal(status, response.StatusCode);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("203.0.113.7, not-an-address")]
    public async Task Post_ForwardedForNamesNoAddress_ForbiddenEvenWhenTheProxyIsAllowed(string forwardedFor)
    {
        var topic = TestKafka.UniqueTopic("webhooks.internal");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:internal:Scheme=none",
            "Ingress:Sources:internal:AllowedNetworks:0=203.0.113.0/24",
            "Ingress:Sources:internal:AllowedNetworks:1=127.0.0.0/8",
            $"Ingress:Sources:internal:Topic={topic}",
            "Ingress:TrustedProxies:0=127.0.0.0/8");

        using var response = await PostAsync(
            app.Client, "internal", """{"n":1}""", "application/json", ("X-Forwarded-For", forwardedFor));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_OverTheRateLimit_Answers429WithRetryAfter()
    {
        var topic = TestKafka.UniqueTopic("webhooks.limited");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        await using var app = await StartAsync(
            "Ingress:Sources:limited:Scheme=bearer",
            "Ingress:Sources:limited:Secrets:0=limited-token",
            "Ingress:Sources:limited:RateLimit:PermitsPerSecond=1",
            "Ingress:Sources:limited:RateLimit:Burst=1",
            $"Ingress:Sources:limited:Topic={topic}");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            PostAsync(app.Client, "limited", $$"""{"n":{{i}}}""", "application/json",
                ("Authorization", "Bearer limited-token"))));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.All(limited, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        Assert.All(limited, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
