using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

/// <summary>
/// A local stand-in for HubSpot's CRM v3 contacts batch upsert API: it checks what HubSpot
/// checks (a bearer token, a JSON body with 1 to 100 <c>inputs</c>, each with <c>idProperty</c>
/// <c>email</c>, an email as <c>id</c> and a <c>properties</c> object of known names and string
/// values), creates or updates one contact per email, and answers with HubSpot's status codes
/// and shapes.
/// </summary>
internal sealed class FakeCrm : IAsyncDisposable
{
    public const string Token = "pat-na1-test-token";

    public const string UpsertPath = "/crm/v3/objects/contacts/batch/upsert";

    private const int MaxInputs = 100;

    private static readonly HashSet<string> KnownProperties =
    [
        "email", "firstname", "lastname", "phone", "address", "city", "zip", "country", "company",
        "lifecyclestage", "website",
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Id, JsonObject Properties)> _contacts =
        new(StringComparer.OrdinalIgnoreCase);

    private RunningApp? _app;
    private int _created;
    private int _updated;

    public ConcurrentQueue<IHeaderDictionary> RequestHeaders { get; } = new();

    public Uri Address => _app!.Address;

    public int Created => Volatile.Read(ref _created);

    public int Updated => Volatile.Read(ref _updated);

    /// <summary>A copy of every contact's properties, the email included.</summary>
    public List<JsonObject> Contacts
    {
        get
        {
            lock (_gate)
            {
                return [.. _contacts.Values.Select(c => c.Properties.DeepClone().AsObject())];
            }
        }
    }

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
        app.MapPost(UpsertPath, UpsertContactsAsync);
        return app;
    }

    private async Task<IResult> UpsertContactsAsync(HttpRequest request)
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

        if (body is not JsonObject root || root["inputs"] is not JsonArray inputs
            || inputs.Count is 0 or > MaxInputs)
        {
            return Error(400, "VALIDATION_ERROR", $"inputs must hold 1 to {MaxInputs} objects.");
        }

        foreach (var input in inputs)
        {
            if (Check(input) is { } problem)
            {
                return Error(400, "VALIDATION_ERROR", problem);
            }
        }

        var results = new JsonArray();
        lock (_gate)
        {
            foreach (var input in inputs)
            {
                results.Add(Upsert(input!["id"]!.GetValue<string>(), input["properties"]!.AsObject()));
            }
        }

        return Results.Json(new { status = "COMPLETE", results }, statusCode: 200);
    }

    private static string? Check(JsonNode? input)
    {
        if (input is not JsonObject fields || fields["properties"] is not JsonObject properties)
        {
            return "Invalid input JSON: each input needs a properties object.";
        }

        if (Text(fields["idProperty"]) != "email")
        {
            return "idProperty must be a unique property; contacts are upserted by email.";
        }

        var email = Text(fields["id"]);
        if (email is null || !email.Contains('@', StringComparison.Ordinal))
        {
            return "id must be the contact's email.";
        }

        foreach (var (name, value) in properties)
        {
            if (!KnownProperties.Contains(name))
            {
                return $"Property \"{name}\" does not exist.";
            }

            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                return $"Property \"{name}\" must be a string.";
            }
        }

        return Text(properties["email"]) is { } other && !other.Equals(email, StringComparison.OrdinalIgnoreCase)
            ? "properties.email differs from the id."
            : null;
    }

    private JsonObject Upsert(string email, JsonObject properties)
    {
        var isNew = !_contacts.TryGetValue(email, out var contact);
        if (isNew)
        {
            var id = (_contacts.Count + 1).ToString(CultureInfo.InvariantCulture);
            contact = (id, new JsonObject { ["email"] = email.ToLowerInvariant() });
            _contacts[email] = contact;
            _created++;
        }
        else
        {
            _updated++;
        }

        // Properties the input leaves out keep their value, as in HubSpot.
        foreach (var (name, value) in properties)
        {
            contact.Properties[name] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["id"] = contact.Id,
            ["new"] = isNew,
            ["properties"] = contact.Properties.DeepClone(),
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetValue<string>())
            ? value.GetValue<string>()
            : null;

    private static IResult Error(int status, string category, string message) =>
        Results.Json(new { status = "error", message, category }, statusCode: status);
}
