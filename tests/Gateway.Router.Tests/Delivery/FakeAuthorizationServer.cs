using System.Collections.Concurrent;
using System.Text;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

/// <summary>
/// A local OAuth2 token endpoint (client-credentials grant, RFC 6749 section 4.4) and an API it
/// protects, both counting their calls.
/// </summary>
internal sealed class FakeAuthorizationServer : IAsyncDisposable
{
    public const string ClientId = "gateway router";
    public const string ClientSecret = "s3cr3t:with/odd+chars";

    private readonly ConcurrentDictionary<string, bool> _issued = new(StringComparer.Ordinal);
    private int _tokenCalls;
    private int _apiCalls;
    private RunningApp? _app;

    public int TokenCalls => Volatile.Read(ref _tokenCalls);

    public int ApiCalls => Volatile.Read(ref _apiCalls);

    public int ExpiresIn { get; set; } = 3600;

    /// <summary>When set, the token endpoint answers this status with <c>{"error":"invalid_client"}</c>.</summary>
    public int? TokenFailure { get; set; }

    /// <summary>When true, the API refuses every token.</summary>
    public bool RejectAll { get; set; }

    public ConcurrentQueue<IFormCollection> TokenForms { get; } = new();

    public ConcurrentQueue<string> TokenAuthorizations { get; } = new();

    public ConcurrentQueue<string> ApiBodies { get; } = new();

    public Uri TokenEndpoint => new(_app!.Address, "/oauth2/token");

    public Uri Api => new(_app!.Address, "/api/resource");

    public static async Task<FakeAuthorizationServer> StartAsync()
    {
        var server = new FakeAuthorizationServer();
        server._app = await RunningApp.StartAsync(server.Build);
        return server;
    }

    /// <summary>Revokes every token issued so far, as an operator rotating credentials would.</summary>
    public void RevokeAll() => _issued.Clear();

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private WebApplication Build(string[] args)
    {
        var app = WebApplication.CreateSlimBuilder(args).Build();
        app.MapPost("/oauth2/token", IssueAsync);
        app.MapPost("/api/resource", ServeAsync);
        return app;
    }

    private async Task<IResult> IssueAsync(HttpRequest request)
    {
        var call = Interlocked.Increment(ref _tokenCalls);
        var form = await request.ReadFormAsync();
        TokenForms.Enqueue(form);
        TokenAuthorizations.Enqueue(request.Headers.Authorization.ToString());
        if (TokenFailure is { } status)
        {
            return Results.Json(
                new { error = "invalid_client", error_description = "bad " + ClientSecret }, statusCode: status);
        }

        if (form["grant_type"] != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        }

        var token = $"tok-{call}-{Guid.NewGuid():N}";
        _issued[token] = true;
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = ExpiresIn });
    }

    private async Task<IResult> ServeAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _apiCalls);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        ApiBodies.Enqueue(await reader.ReadToEndAsync());
        var header = request.Headers.Authorization.ToString();
        var valid = header.StartsWith("Bearer ", StringComparison.Ordinal) && _issued.ContainsKey(header[7..]);
        return valid && !RejectAll ? Results.Ok(new { ok = true }) : Results.StatusCode(401);
    }
}
