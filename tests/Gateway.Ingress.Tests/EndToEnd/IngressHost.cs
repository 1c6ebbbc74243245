using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Testing;

namespace Gateway.Ingress.Tests.EndToEnd;

/// <summary>Starts the real ingress on Kestrel against a Kafka cluster, and speaks HTTP to it.</summary>
internal static class IngressHost
{
    /// <summary>Starts the ingress with <c>Key=Value</c> settings against the shared test cluster.</summary>
    public static Task<RunningApp> StartAsync(params string[] settings) =>
        StartOnAsync(TestKafka.Shared.BootstrapServers, settings);

    public static Task<RunningApp> StartOnAsync(string bootstrapServers, params string[] settings) =>
        RunningApp.StartAsync(
            IngressApp.Build,
            [$"--Kafka:BootstrapServers={bootstrapServers}", .. settings.Select(s => "--" + s)]);

    public static async Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        string source,
        string body,
        string? contentType = "application/json",
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/webhooks/" + source, UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await client.SendAsync(request);
    }

    public static async Task<string> AcceptedIdAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("id").GetString()!;
    }

    public static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
