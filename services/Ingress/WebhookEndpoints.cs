using Gateway.Ingress;
using Gateway.Ingress.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the ingress API.</summary>
internal static class WebhookEndpoints
{
    public const string Route = "/webhooks/{source}";

    private static readonly string[] OtherMethods =
    [
        HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Patch, HttpMethods.Head, HttpMethods.Options,
    ];

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, ReceiveAsync)
            .WithName("ReceiveWebhook")
            .WithSummary("Receives a webhook for a configured source")
            .WithDescription(
                "Verifies the request with the source's scheme on the raw body, writes it to the source's "
                + "Kafka topic as a binary-mode CloudEvent, and answers 202 with the CloudEvent id once "
                + "Kafka acknowledged it. A provider's retry of the same event gets the same id and 202 again.")
            .Accepts<byte[]>("application/json", "application/x-www-form-urlencoded", "application/cloudevents+json",
                "application/cloudevents-batch+json", "*/*")
            .Produces<AcceptedEvent>(StatusCodes.Status202Accepted)
            .Produces<SlackChallengeAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(DescribeSuccessAsync)
            .DisableAntiforgery();
        endpoints.MapMethods(Route, OtherMethods, MethodNotAllowed).ExcludeFromDescription();
        return endpoints;
    }

    // Produces keeps one body per status, and 202 has two: one id, or the ids of a batch.
    private static async Task DescribeSuccessAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var single = await context.GetOrCreateSchemaAsync(
            typeof(AcceptedEvent), null, cancellationToken);
        var batch = await context.GetOrCreateSchemaAsync(
            typeof(AcceptedBatch), null, cancellationToken);
        var responses = operation.Responses ??= [];
        responses["202"] = new OpenApiResponse
        {
            Description = "Written and acknowledged by Kafka: the CloudEvent id, or for a "
                + "CloudEvents batch (application/cloudevents-batch+json) the ids of its events.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema { OneOf = [single, batch] },
                },
            },
        };
        if (responses.TryGetValue("200", out var challenge) && challenge is OpenApiResponse answer)
        {
            answer.Description =
                "A verified Slack url_verification request, answered with its challenge.";
        }
    }

    private static Task<IResult> ReceiveAsync(string source, HttpContext context, WebhookReceiver receiver) =>
        receiver.ReceiveAsync(source, context);

    private static ProblemHttpResult MethodNotAllowed(
        string source, SourceCatalog catalog, HttpContext context, ILogger<WebhookReceiver> logger)
    {
        context.Response.Headers.Allow = HttpMethods.Post;

        // The configured name, not the path's spelling, keeps the tag's cardinality bounded.
        var name = catalog.TryGet(source, out var known)
            ? known.Name
            : IngressTelemetry.UnknownSource;
        IngressTelemetry.Record(name, Outcomes.MethodNotAllowed);
        logger.Rejected(name, StatusCodes.Status405MethodNotAllowed, Outcomes.MethodNotAllowed);
        return TypedResults.Problem(
            "Webhooks are received with POST.", statusCode: StatusCodes.Status405MethodNotAllowed,
            title: "Method not allowed");
    }
}
