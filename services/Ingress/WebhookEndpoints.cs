using Gateway.Ingress;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        endpoints.MapMethods(Route, OtherMethods, MethodNotAllowed).ExcludeFromDescription();
        return endpoints;
    }

    private static Task<IResult> ReceiveAsync(string source, HttpContext context, WebhookReceiver receiver) =>
        receiver.ReceiveAsync(source, context);

    private static ProblemHttpResult MethodNotAllowed(HttpContext context)
    {
        context.Response.Headers.Allow = HttpMethods.Post;
        IngressTelemetry.Record(IngressTelemetry.UnknownSource, Outcomes.MethodNotAllowed);
        return TypedResults.Problem(
            "Webhooks are received with POST.", statusCode: StatusCodes.Status405MethodNotAllowed,
            title: "Method not allowed");
    }
}
