using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Gateway.Router.Delivery;
using Microsoft.Extensions.Logging;

namespace Gateway.Router.Tests.Delivery;

public sealed class OAuth2ClientCredentialsHandlerTests
{
    [Fact]
    public async Task SendAsync_BasicClientAuthentication_SendsGrantScopeAudienceAndEncodedCredentials()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        using var client = Client(Options(server, OAuth2ClientAuthentication.Basic), new ManualTime(), new LogSink());

        using var response = await client.PostAsync(server.Api, Body("one"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = Assert.Single(server.TokenForms);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("orders.write orders.read", form["scope"]);
        Assert.Equal("https://erp.example/api", form["audience"]);
        Assert.False(form.ContainsKey("client_secret"));
        var basic = Assert.Single(server.TokenAuthorizations);
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic["Basic ".Length..]));
        Assert.Equal("gateway+router:s3cr3t%3Awith%2Fodd%2Bchars", pair);
    }

    [Fact]
    public async Task SendAsync_FormClientAuthentication_SendsCredentialsInTheBody()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        using var client = Client(Options(server, OAuth2ClientAuthentication.Form), new ManualTime(), new LogSink());

        using var response = await client.PostAsync(server.Api, Body("one"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = Assert.Single(server.TokenForms);
        Assert.Equal(FakeAuthorizationServer.ClientId, form["client_id"]);
        Assert.Equal(FakeAuthorizationServer.ClientSecret, form["client_secret"]);
        Assert.Equal(string.Empty, Assert.Single(server.TokenAuthorizations));
    }

    [Fact]
    public async Task SendAsync_ManyRequestsAtOnce_FetchOneTokenAndReuseIt()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        using var client = Client(Options(server), new ManualTime(), new LogSink());

        var responses = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(i => client.PostAsync(server.Api, Body($"{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, server.TokenCalls);
        Assert.Equal(20, server.ApiCalls);
        Array.ForEach(responses, r => r.Dispose());
    }

    [Fact]
    public async Task SendAsync_TokenCloseToExpiry_FetchesANewOneFirst()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        server.ExpiresIn = 300;
        var time = new ManualTime();
        using var client = Client(Options(server), time, new LogSink());

        (await client.PostAsync(server.Api, Body("a"))).Dispose();
        time.Advance(TimeSpan.FromSeconds(239));
        (await client.PostAsync(server.Api, Body("b"))).Dispose();
        var beforeRefresh = server.TokenCalls;
        time.Advance(TimeSpan.FromSeconds(2));
        using var last = await client.PostAsync(server.Api, Body("c"));

        Assert.Equal(1, beforeRefresh);
        Assert.Equal(2, server.TokenCalls);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(3, server.ApiCalls);
    }

    [Fact]
    public async Task SendAsync_CachedTokenRevoked_RefreshesOnceAndResendsTheBody()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        using var client = Client(Options(server), new ManualTime(), new LogSink());
        (await client.PostAsync(server.Api, Body("first"))).Dispose();
        server.RevokeAll();

        using var response = await client.PostAsync(server.Api, Body("second"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.TokenCalls);
        Assert.Equal(["first", "second", "second"], server.ApiBodies);
    }

    [Fact]
    public async Task SendAsync_DestinationRefusesEveryToken_Returns401AfterOneRetry()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        server.RejectAll = true;
        using var client = Client(Options(server), new ManualTime(), new LogSink());

        using var response = await client.PostAsync(server.Api, Body("x"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.TokenCalls);
        Assert.Equal(2, server.ApiCalls);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(400)]
    [InlineData(503)]
    public async Task SendAsync_TokenEndpointRefuses_ThrowsWithStatusAndWithoutSecrets(int status)
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        server.TokenFailure = status;
        var logs = new LogSink();
        using var client = Client(Options(server), new ManualTime(), logs);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(server.Api, Body("x")));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAuthorizationServer.ClientSecret, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.ApiCalls);
        Assert.Contains(logs.Entries, e => e.EventName == "AccessTokenRequestFailed");
        logs.AssertNothingContains(FakeAuthorizationServer.ClientSecret);
    }

    [Fact]
    public async Task SendAsync_WholeLifecycle_LogsNeitherSecretNorToken()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        var logs = new LogSink();
        using var client = Client(Options(server), new ManualTime(), logs);

        (await client.PostAsync(server.Api, Body("a"))).Dispose();
        server.RevokeAll();
        (await client.PostAsync(server.Api, Body("b"))).Dispose();

        Assert.Contains(logs.Entries, e => e.EventName == "AccessTokenAcquired");
        Assert.Contains(logs.Entries, e => e.EventName == "AccessTokenRejected");
        logs.AssertNothingContains(FakeAuthorizationServer.ClientSecret);
        logs.AssertNothingContains("tok-");
    }

    [Theory]
    [InlineData(null, "id", "secret", "Auth:TokenEndpoint")]
    [InlineData("ftp://login.example/token", "id", "secret", "Auth:TokenEndpoint")]
    [InlineData("https://login.example/token", " ", "secret", "Auth:ClientId")]
    [InlineData("https://login.example/token", "id", "", "Auth:ClientSecret")]
    public void Validate_MissingSetting_NamesTheFullKey(string? endpoint, string clientId, string secret, string key)
    {
        var options = new OAuth2ClientCredentialsOptions
        {
            TokenEndpoint = endpoint is null ? null : new Uri(endpoint),
            ClientId = clientId,
            ClientSecret = secret,
        };

        var errors = options.Validate("Router:Destinations:erp:Auth").ToList();

        Assert.Contains(errors, e => e.StartsWith("Router:Destinations:erp:" + key, StringComparison.Ordinal));
    }

    private static OAuth2ClientCredentialsOptions Options(
        FakeAuthorizationServer server,
        OAuth2ClientAuthentication authentication = OAuth2ClientAuthentication.Basic) =>
        new()
        {
            TokenEndpoint = server.TokenEndpoint,
            ClientId = FakeAuthorizationServer.ClientId,
            ClientSecret = FakeAuthorizationServer.ClientSecret,
            Scope = "orders.write orders.read",
            Audience = "https://erp.example/api",
            ClientAuthentication = authentication,
        };

    private static HttpClient Client(OAuth2ClientCredentialsOptions options, TimeProvider time, ILogger logger)
    {
        var handler = new OAuth2ClientCredentialsHandler(options, new HttpClient(), time, logger)
        {
            InnerHandler = new SocketsHttpHandler(),
        };
        return new HttpClient(handler);
    }

    private static ByteArrayContent Body(string text) => new(Encoding.UTF8.GetBytes(text));

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

/// <summary>Keeps every log entry, its message and its structured values, so tests can search them.</summary>
internal sealed class LogSink : ILogger
{
    public ConcurrentQueue<(string EventName, string Text)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
            : string.Empty;
        Entries.Enqueue((eventId.Name ?? string.Empty, $"{formatter(state, exception)}|{values}|{exception}"));
    }

    public void AssertNothingContains(string secret) =>
        Assert.All(Entries, e => Assert.DoesNotContain(secret, e.Text, StringComparison.Ordinal));
}
