using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

/// <summary>
/// A local Confluent Schema Registry speaking the endpoints its clients call for JSON schemas:
/// register (<c>POST /subjects/{s}/versions</c>), look up (<c>POST /subjects/{s}</c>), fetch by id
/// (<c>GET /schemas/ids/{id}</c>) and latest (<c>GET /subjects/{s}/versions/latest</c>), with the
/// registry's media type and <c>{"error_code": ..., "message": ...}</c> errors.
/// </summary>
internal sealed class FakeSchemaRegistry : IAsyncDisposable
{
    private const string MediaType = "application/vnd.schemaregistry.v1+json";

    private readonly Lock _gate = new();
    private readonly List<(int Id, string Schema)> _schemas = [];
    private readonly Dictionary<string, List<int>> _subjects = new(StringComparer.Ordinal);
    private RunningApp? _app;

    public ConcurrentQueue<string> Calls { get; } = new();

    public string Url => _app!.Address.AbsoluteUri.TrimEnd('/');

    public static async Task<FakeSchemaRegistry> StartAsync()
    {
        var registry = new FakeSchemaRegistry();
        registry._app = await RunningApp.StartAsync(registry.Build);
        return registry;
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Registers a schema out of band, as a team or a CI job would; returns its id.</summary>
    public int Register(string subject, string schema)
    {
        lock (_gate)
        {
            var id = _schemas.FindIndex(s => SameSchema(s.Schema, schema)) + 1;
            if (id == 0)
            {
                _schemas.Add((_schemas.Count + 1, schema));
                id = _schemas.Count;
            }

            if (!_subjects.TryGetValue(subject, out var versions))
            {
                _subjects[subject] = versions = [];
            }

            if (!versions.Contains(id))
            {
                versions.Add(id);
            }

            return id;
        }
    }

    private WebApplication Build(string[] args)
    {
        var app = WebApplication.CreateSlimBuilder(args).Build();
        app.Use(async (context, next) =>
        {
            Calls.Enqueue($"{context.Request.Method} {context.Request.Path}");
            await next(context);
        });
        app.MapPost("/subjects/{subject}/versions", RegisterAsync);
        app.MapPost("/subjects/{subject}", LookUpAsync);
        app.MapGet("/schemas/ids/{id:int}", GetById);
        app.MapGet("/subjects/{subject}/versions/latest", GetLatest);
        app.MapFallback(() => Error(404, 404, "HTTP 404 Not Found"));
        return app;
    }

    private async Task<IResult> RegisterAsync(string subject, HttpRequest request)
    {
        var (schema, error) = await ReadSchemaAsync(request);
        return error ?? Json(new JsonObject { ["id"] = Register(subject, schema!) });
    }

    private async Task<IResult> LookUpAsync(string subject, HttpRequest request)
    {
        var (schema, error) = await ReadSchemaAsync(request);
        if (error is not null)
        {
            return error;
        }

        lock (_gate)
        {
            if (!_subjects.TryGetValue(subject, out var versions))
            {
                return Error(404, 40401, $"Subject '{subject}' not found.");
            }

            var version = versions.FindIndex(id => SameSchema(_schemas[id - 1].Schema, schema!));
            return version < 0
                ? Error(404, 40403, "Schema not found")
                : Json(Describe(subject, version + 1, versions[version]));
        }
    }

    private IResult GetById(int id)
    {
        lock (_gate)
        {
            return id < 1 || id > _schemas.Count
                ? Error(404, 40403, "Schema " + id + " not found")
                : Json(new JsonObject { ["schemaType"] = "JSON", ["schema"] = _schemas[id - 1].Schema });
        }
    }

    private IResult GetLatest(string subject)
    {
        lock (_gate)
        {
            return _subjects.TryGetValue(subject, out var versions)
                ? Json(Describe(subject, versions.Count, versions[^1]))
                : Error(404, 40401, $"Subject '{subject}' not found.");
        }
    }

    private JsonObject Describe(string subject, int version, int id) => new()
    {
        ["subject"] = subject,
        ["version"] = version,
        ["id"] = id,
        ["schemaType"] = "JSON",
        ["schema"] = _schemas[id - 1].Schema,
    };

    private static async Task<(string? Schema, IResult? Error)> ReadSchemaAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        var schema = body?["schema"]?.GetValue<string>();
        if (schema is null)
        {
            return (null, Error(422, 42201, "Either the input schema or one its references is invalid"));
        }

        if ((string?)body!["schemaType"] != "JSON")
        {
            return (null, Error(422, 42201, "Only JSON schemas are served here"));
        }

        try
        {
            JsonNode.Parse(schema);
        }
        catch (JsonException)
        {
            return (null, Error(422, 42201, "Invalid schema"));
        }

        return (schema, null);
    }

    private static bool SameSchema(string left, string right) =>
        JsonNode.DeepEquals(JsonNode.Parse(left), JsonNode.Parse(right));

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), MediaType, statusCode: 200);

    private static IResult Error(int status, int code, string message) =>
        Results.Text(
            new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString(),
            MediaType,
            statusCode: status);
}
