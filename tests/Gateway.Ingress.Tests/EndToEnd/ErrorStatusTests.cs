using System.Net;
using System.Text;
using Gateway.Testing;
using static Gateway.Ingress.Tests.EndToEnd.IngressHost;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.EndToEnd;

/// <summary>One running ingress with a source per kind of refusal.</summary>
public sealed class ErrorStatusFixture : IAsyncLifetime
{
    public const string Secret = "errors-secret";

    public string Topic { get; } = TestKafka.UniqueTopic("webhooks.errors");

    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await TestKafka.Shared.CreateTopicAsync(Topic, 1);
        App = await StartAsync(
            "Ingress:Sources:orders:Scheme=hmac",
            $"Ingress:Sources:orders:Secrets:0={Secret}",
            "Ingress:Sources:orders:Hmac:Header=X-Signature",
            "Ingress:Sources:orders:ContentTypes:0=application/json",
            "Ingress:Sources:orders:RequireJson=true",
            "Ingress:Sources:orders:MaxBodyBytes=1024",
            $"Ingress:Sources:orders:Topic={Topic}",
            "Ingress:Sources:partners:Scheme=bearer",
            "Ingress:Sources:partners:Secrets:0=partner-token",
            "Ingress:Sources:partners:AllowedNetworks:0=203.0.113.0/24",
            $"Ingress:Sources:partners:Topic={Topic}");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class ErrorStatusTests(ErrorStatusFixture fixture) : IClassFixture<ErrorStatusFixture>
{
    private const string Json = """{"order":1}""";

    [Theory]
    [InlineData("unknown-source", 404)]
    [InlineData("get", 405)]
    [InlineData("put", 405)]
    [InlineData("content-length-over-limit", 413)]
    [InlineData("chunked-over-limit", 413)]
    [InlineData("wrong-content-type", 415)]
    [InlineData("no-content-type", 415)]
    [InlineData("not-json", 400)]
    [InlineData("two-json-values", 400)]
    [InlineData("json-scalar", 400)]
    [InlineData("wrong-signature", 401)]
    [InlineData("missing-signature", 401)]
    [InlineData("client-outside-allowlist", 403)]
    [InlineData("valid", 202)]
    public async Task Post_Case_AnswersStatusAsProblemDetails(string requestCase, int status)
    {
        using var request = Build(requestCase);

        using var response = await fixture.App.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        if (status >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"\"status\":{status}", body, StringComparison.Ordinal);
            Assert.DoesNotContain(ErrorStatusFixture.Secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain("order", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("wrong-signature")]
    [InlineData("missing-signature")]
    [InlineData("malformed-signature")]
    public async Task Post_AnyAuthenticationFailure_AnswersTheSameGenericBody(string requestCase)
    {
        using var reference = await fixture.App.Client.SendAsync(Build("wrong-signature"));
        using var response = await fixture.App.Client.SendAsync(Build(requestCase));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            Without(await reference.Content.ReadAsStringAsync(), "traceId"),
            Without(await response.Content.ReadAsStringAsync(), "traceId"));
    }

    [Fact]
    public async Task Get_Source_Answers405WithAllowPost()
    {
        using var response = await fixture.App.Client.GetAsync(new Uri("/webhooks/orders", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    private static string Without(string json, string property)
    {
        var start = json.IndexOf($"\"{property}\"", StringComparison.Ordinal);
        return start < 0 ? json : json[..start];
    }

    private static HttpRequestMessage Build(string requestCase)
    {
        var uri = new Uri(requestCase == "unknown-source" ? "/webhooks/nope"
            : requestCase == "client-outside-allowlist" ? "/webhooks/partners" : "/webhooks/orders", UriKind.Relative);
        var method = requestCase switch { "get" => HttpMethod.Get, "put" => HttpMethod.Put, _ => HttpMethod.Post };
        var body = requestCase switch
        {
            "content-length-over-limit" or "chunked-over-limit" => "{\"pad\":\"" + new string('x', 4096) + "\"}",
            "not-json" => "order=1",
            "two-json-values" => Json + Json,
            "json-scalar" => "42",
            _ => Json,
        };
        HttpContent content = requestCase == "chunked-over-limit"
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)))
            : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = requestCase switch
        {
            "wrong-content-type" => new("text/plain"),
            "no-content-type" => null,
            _ => new("application/json"),
        };
        var request = new HttpRequestMessage(method, uri) { Content = method == HttpMethod.Get ? null : content };
        if (requestCase == "chunked-over-limit")
        {
            request.Headers.TransferEncodingChunked = true;
        }

        var signature = requestCase switch
        {
            "wrong-signature" => HexSha256("not-the-secret", body),
            "malformed-signature" => "zz",
            "missing-signature" => null,
            _ => HexSha256(ErrorStatusFixture.Secret, body),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Signature", signature);
        }

        if (requestCase == "client-outside-allowlist")
        {
            request.Headers.Authorization = new("Bearer", "partner-token");
        }

        return request;
    }
}
