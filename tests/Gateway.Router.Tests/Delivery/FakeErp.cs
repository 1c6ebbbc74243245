using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Router.Tests.Delivery;

/// <summary>
/// A local ERP sales-order API with the checks such an API makes: required fields, an ISO 4217
/// currency, numbered lines with positive quantities, line totals and order totals that add up
/// (in minor units), and one order per external id. Failures answer 422 with a list of errors.
/// </summary>
internal sealed class FakeErp : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _orders = new(StringComparer.Ordinal);
    private RunningApp? _app;

    public ConcurrentQueue<JsonObject> CreatedOrders { get; } = new();

    public Uri Address => _app!.Address;

    public static async Task<FakeErp> StartAsync()
    {
        var erp = new FakeErp();
        erp._app = await RunningApp.StartAsync(erp.Build);
        return erp;
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var app = builder.Build();
        app.MapPost("/api/v1/sales-orders", CreateOrderAsync);
        return app;
    }

    private async Task<IResult> CreateOrderAsync(HttpRequest request)
    {
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return Results.StatusCode(415);
        }

        JsonObject? order;
        try
        {
            order = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            order = null;
        }

        var errors = order is null ? ["The body must be a JSON object."] : Check(order);
        if (errors.Count > 0)
        {
            return Results.Json(new { errors }, statusCode: 422);
        }

        var externalId = order!["externalId"]!.GetValue<string>();
        var id = $"SO-{_orders.Count + 1:D6}";
        if (!_orders.TryAdd(externalId, id))
        {
            var conflict = $"Order {externalId} exists as {_orders[externalId]}.";
            return Results.Json(new { errors = new[] { conflict } }, statusCode: 409);
        }

        CreatedOrders.Enqueue(order);
        return Results.Json(new { salesOrderId = id }, statusCode: 201);
    }

    private static List<string> Check(JsonObject order)
    {
        var errors = new List<string>();
        RequireText(order, "externalId", errors);
        RequireText(order, "orderNumber", errors);
        RequireText(order, "orderDate", errors);
        var currency = Text(order["currency"]);
        if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add("currency must be an ISO 4217 code in upper case.");
        }

        if (order["customer"] is not JsonObject customer || Text(customer["email"]) is null)
        {
            errors.Add("customer.email is required.");
        }

        if (order["lines"] is not JsonArray lines || lines.Count == 0)
        {
            errors.Add("lines must be a non-empty array.");
            return errors;
        }

        long sum = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i] as JsonObject;
            var quantity = Integer(line?["quantity"]);
            var unit = Integer(line?["unitPriceMinor"]);
            var total = Integer(line?["lineTotalMinor"]);
            if (line is null || Integer(line["lineNumber"]) != i + 1 || Text(line["sku"]) is null
                || quantity is not > 0 || unit is not >= 0 || total != quantity * unit)
            {
                errors.Add($"lines[{i}] needs lineNumber {i + 1}, a sku, a positive quantity and a matching total.");
                continue;
            }

            sum += total.Value;
        }

        var totals = order["totals"] as JsonObject;
        var subtotal = Integer(totals?["subtotalMinor"]);
        var grand = Integer(totals?["totalMinor"]);
        if (subtotal != sum)
        {
            errors.Add("totals.subtotalMinor must equal the sum of the line totals.");
        }

        if (grand != subtotal + Integer(totals?["taxMinor"]) + Integer(totals?["shippingMinor"]))
        {
            errors.Add("totals.totalMinor must equal subtotal + tax + shipping.");
        }

        return errors;
    }

    private static void RequireText(JsonObject order, string name, List<string> errors)
    {
        if (Text(order[name]) is null)
        {
            errors.Add($"{name} is required.");
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetValue<string>())
            ? value.GetValue<string>()
            : null;

    private static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var n)
            ? n
            : null;
}
