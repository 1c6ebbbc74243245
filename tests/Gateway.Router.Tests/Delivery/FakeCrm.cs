using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

/// <summary>
/// A local stand-in for HubSpot's CRM v3 contacts API: it checks what HubSpot checks (a bearer
/// token, a JSON body with a <c>properties</c> object, <c>properties.email</c>, known property
/// names, string values, one contact per email) and answers with HubSpot's status codes and error shape.
/// </summary>
internal sealed class FakeCrm : IAsyncDisposable
{
    public const string Token = "pat-na1-test-token";

    private static readonly HashSet<string> KnownProperties =
    [
        "email", "firstname", "lastname", "phone", "address", "city", "zip", "country", "company",
        "lifecyclestage", "website",
    ];

    private readonly ConcurrentDictionary<string, string> _contactsByEmail = new(StringComparer.Ordinal);
    private RunningApp? _app;

    public ConcurrentQueue<JsonObject> CreatedContacts { get; } = new();

    public ConcurrentQueue<IHeaderDictionary> RequestHeaders { get; } = new();

    public Uri Address => _app!.Address;

    public static async Task<FakeCrm> StartAsync()
    {
        var crm = new FakeCrm();
        crm._app = await RunningApp.StartAsync(crm.Build);
        return crm;
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var app = builder.Build();
        app.MapPost("/crm/v3/objects/contacts", CreateContactAsync);
        return app;
    }

    private async Task<IResult> CreateContactAsync(HttpRequest request)
    {
        RequestHeaders.Enqueue(new HeaderDictionary(request.Headers.ToDictionary()));
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return Error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
        }

        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return Error(415, "VALIDATION_ERROR", "Content-Type must be application/json.");
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return Error(400, "VALIDATION_ERROR", "Invalid input JSON.");
        }

        if (body is not JsonObject root || root["properties"] is not JsonObject properties)
        {
            return Error(400, "VALIDATION_ERROR", "Invalid input JSON: properties is required.");
        }

        foreach (var (name, value) in properties)
        {
            if (!KnownProperties.Contains(name))
            {
                return Error(400, "VALIDATION_ERROR", $"Property \"{name}\" does not exist.");
            }

            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                return Error(400, "VALIDATION_ERROR", $"Property \"{name}\" must be a string.");
            }
        }

        var email = properties["email"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            return Error(400, "VALIDATION_ERROR", "Property \"email\" is required and must be an email.");
        }

        var id = (_contactsByEmail.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_contactsByEmail.TryAdd(email, id))
        {
            return Error(409, "CONFLICT", $"Contact already exists. Existing ID: {_contactsByEmail[email]}");
        }

        CreatedContacts.Enqueue(properties);
        return Results.Json(new { id, properties }, statusCode: 201);
    }

    private static IResult Error(int status, string category, string message) =>
        Results.Json(new { status = "error", message, category }, statusCode: status);
}
