using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests;

public sealed class OperationsTests
{
    [Fact]
    public async Task OpenApi_Document_DescribesTheWebhookEndpointAndTheReferencePageServes()
    {
        await using var app = await StartAsync();

        using var document = await app.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var reference = await app.Client.GetAsync(new Uri("/scalar/v1", UriKind.Relative));
        var json = await document.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        using var openApi = JsonDocument.Parse(json);
        var root = openApi.RootElement;
        var responses = root.GetProperty("paths").GetProperty("/webhooks/{source}")
            .GetProperty("post").GetProperty("responses");
        var accepted = responses.GetProperty("202").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("oneOf");
        Assert.Equal(
            ["id", "ids"],
            accepted.EnumerateArray().SelectMany(s => s.GetProperty("properties").EnumerateObject())
                .Select(p => p.Name).Order(StringComparer.Ordinal));
        var challenge = responses.GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        Assert.True(root.GetProperty("components").GetProperty("schemas")
            .GetProperty(challenge[(challenge.LastIndexOf('/') + 1)..])
            .GetProperty("properties").TryGetProperty("challenge", out _));
        Assert.True(responses.TryGetProperty("401", out _));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_AcceptedAndRejected_CountedBySourceAndOutcomeWithLatencies()
    {
        var source = "metrics" + Guid.NewGuid().ToString("N")[..8];
        var topic = TestKafka.UniqueTopic("webhooks.metrics");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var counts = new ConcurrentDictionary<string, long>();
        var histograms = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IngressTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "gateway.source") == source)
            {
                counts.AddOrUpdate($"{instrument.Name}|{Tag(tags, "gateway.outcome")}", value, (_, v) => v + value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (Tag(tags, "gateway.source") == source)
            {
                histograms.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1);
            }
        });
        listener.Start();
        await using var app = await StartAsync(
            $"Ingress:Sources:{source}:Scheme=github",
            $"Ingress:Sources:{source}:Secrets:0=s",
            $"Ingress:Sources:{source}:Topic={topic}");
        const string Body = """{"zen":"Keep it logically awesome."}""";

        using var accepted = await PostAsync(app.Client, source, Body, "application/json",
            ("X-Hub-Signature-256", "sha256=" + HexSha256("s", Body)),
            ("X-GitHub-Delivery", "d-1"),
            ("X-GitHub-Event", "ping"));
        using var rejected = await PostAsync(app.Client, source, Body, "application/json",
            ("X-Hub-Signature-256", "sha256=" + HexSha256("wrong", Body)));
        using var malformed = await PostAsync(app.Client, source, Body, "application/json",
            ("X-Hub-Signature-256", "sha256=" + HexSha256("s", Body)[..^2]));
        using var retried = await PostAsync(app.Client, source, Body, "application/json",
            ("X-Hub-Signature-256", "sha256=" + HexSha256("s", Body)),
            ("X-GitHub-Delivery", "d-1"),
            ("X-GitHub-Event", "ping"));
        using var wrongMethod = await app.Client.GetAsync(
            new Uri("/webhooks/" + source.ToUpperInvariant(), UriKind.Relative));

        long Requests(string outcome) =>
            counts.GetValueOrDefault($"{IngressTelemetry.Requests}|{outcome}");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(1, Requests(Outcomes.Accepted));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(1, Requests(Outcomes.SignatureMismatch));
        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Equal(1, Requests(Outcomes.SignatureMalformed));
        Assert.Equal(1, Requests(Outcomes.Duplicate));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(1, Requests(Outcomes.MethodNotAllowed));
        Assert.Equal(4 * Body.Length, counts.GetValueOrDefault($"{IngressTelemetry.BytesIn}|"));
        Assert.Equal(4, histograms.GetValueOrDefault(IngressTelemetry.VerificationDuration));
        Assert.Equal(1, histograms.GetValueOrDefault(IngressTelemetry.ProduceDuration));
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
