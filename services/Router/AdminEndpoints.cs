using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>The destination's state as the admin API reports it.</summary>
internal sealed record DestinationState(string Name, string Type, bool Paused);

/// <summary>Pause and resume destinations for every router instance; bearer-token protected.</summary>
internal static class AdminEndpoints
{
    public static WebApplication MapRouterAdmin(this WebApplication app)
    {
        var group = app.MapGroup("/admin/destinations")
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                var token = http.RequestServices.GetRequiredService<IOptions<RouterOptions>>().Value.Admin.Token;

                // Without a token the admin API does not exist rather than being open.
                if (string.IsNullOrEmpty(token))
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found");
                }

                return IsAuthorized(http.Request, token)
                    ? await next(context)
                    : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            });
        group.MapGet("/", ListDestinations);
        group.MapPost("/{name}/pause", (string name, DestinationCatalog catalog, PausedDestinations paused) =>
            SetPausedAsync(name, true, catalog, paused));
        group.MapPost("/{name}/resume", (string name, DestinationCatalog catalog, PausedDestinations paused) =>
            SetPausedAsync(name, false, catalog, paused));
        return app;
    }

    private static Ok<DestinationState[]> ListDestinations(
        IOptions<RouterOptions> options,
        PausedDestinations paused) =>
        TypedResults.Ok(options.Value.Destinations
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DestinationState(d.Key, d.Value.Type, paused.IsPaused(d.Key)))
            .ToArray());

    private static async Task<Results<Ok<DestinationState>, ProblemHttpResult>> SetPausedAsync(
        string name,
        bool pause,
        DestinationCatalog catalog,
        PausedDestinations paused)
    {
        if (catalog.Find(name) is not { } slot)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown destination");
        }

        await paused.SetAsync(name, pause);
        return TypedResults.Ok(new DestinationState(name, slot.Options.Type, pause));
    }

    private static bool IsAuthorized(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()),
            Encoding.UTF8.GetBytes(token));
    }
}
