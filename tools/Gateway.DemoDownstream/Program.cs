using System.Collections.Concurrent;
using System.Text;

// A stand-in for a CRM or an ERP in local runs: it accepts any POST, PUT or PATCH, remembers the
// last requests it received and lists them at GET /received, so a person can see deliveries.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var received = new ConcurrentQueue<ReceivedRequest>();
const int Keep = 500;
const int BodyPreview = 4096;

app.MapGet("/", () => Results.Text(
    "Demo downstream: POST anything to /{path}; GET /received lists what arrived.\n"));
app.MapGet("/health/live", () => Results.Ok());
app.MapGet("/received", () => Results.Ok(received.ToArray()));
app.MapDelete("/received", () =>
{
    received.Clear();
    return Results.NoContent();
});
app.MapMethods("/{**path}", ["POST", "PUT", "PATCH"], async (HttpRequest request, string? path) =>
{
    using var reader = new StreamReader(request.Body, Encoding.UTF8);
    var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    received.Enqueue(new ReceivedRequest(
        DateTimeOffset.UtcNow,
        request.Method,
        "/" + path,
        request.Headers.Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value.ToString()),
        body.Length > BodyPreview ? body[..BodyPreview] : body));
    while (received.Count > Keep)
    {
        received.TryDequeue(out _);
    }

    return Results.Ok(new { received = true });
});

await app.RunAsync();

internal sealed record ReceivedRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    Dictionary<string, string> Headers,
    string Body);
