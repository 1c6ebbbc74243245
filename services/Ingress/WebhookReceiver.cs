using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using Gateway.Ingress.Configuration;
using Gateway.Ingress.Events;
using Gateway.Ingress.Verification;
using Gateway.Kafka;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gateway.Ingress;

/// <summary>
/// <c>POST /webhooks/{source}</c>: checks the client, the rate, the content type and the size,
/// reads the body into a pooled buffer, verifies it on the raw bytes, and answers 202 only once
/// Kafka acknowledged the CloudEvent record.
/// </summary>
internal sealed class WebhookReceiver(
    SourceCatalog catalog,
    EventProducer producer,
    TimeProvider time,
    IOptions<IngressOptions> options,
    ILogger<WebhookReceiver> logger)
{
    private readonly string _retryAfter =
        ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public async Task<IResult> ReceiveAsync(string name, HttpContext context)
    {
        if (!catalog.TryGet(name, out var source))
        {
            return Reject(IngressTelemetry.UnknownSource, StatusCodes.Status404NotFound, Outcomes.UnknownSource,
                "Unknown source", "No webhook source has this name.");
        }

        var client = ClientAddress.Resolve(context, catalog.TrustedProxies);
        if (Admit(source, context, client) is { } refusal)
        {
            return refusal;
        }

        var (body, failure) = await ReadBodyAsync(source, context);
        if (body is null)
        {
            return failure!;
        }

        using var owned = body;
        IngressTelemetry.RecordBytes(source.Name, body.Length);
        var started = Stopwatch.GetTimestamp();
        var verification = source.Verifier.Verify(context.Request, body, time.GetUtcNow());
        IngressTelemetry.RecordVerification(source.Name, Stopwatch.GetElapsedTime(started));
        if (!verification.IsVerified)
        {
            var outcome = Outcome(verification.Outcome);
            logger.VerificationFailed(source.Name, client?.ToString(), outcome);
            IngressTelemetry.Record(source.Name, outcome);
            return Problem(
                StatusCodes.Status401Unauthorized, "Unauthorized", "The request could not be authenticated.");
        }

        return source.Scheme == SchemeKind.CloudEvents
            ? await ReceiveCloudEventsAsync(source, context, body, verification)
            : await ReceiveWebhookAsync(source, context, body, verification);
    }

    /// <summary>The refusal of a request before its body is read, or null when it may go on.</summary>
    private ProblemHttpResult? Admit(WebhookSource source, HttpContext context, System.Net.IPAddress? client)
    {
        if (!source.AllowsClient(client))
        {
            return Reject(source.Name, StatusCodes.Status403Forbidden, Outcomes.Forbidden,
                "Forbidden", "The client is not allowed to send to this source.");
        }

        if (source.RateLimiter is { } limiter)
        {
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
                    : 1;
                context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                return Reject(source.Name, StatusCodes.Status429TooManyRequests, Outcomes.RateLimited,
                    "Too many requests", "The source's rate limit is reached; retry later.");
            }
        }

        // CloudEvents sources take every binding's media type; the intake tells them apart.
        if (source.Scheme != SchemeKind.CloudEvents && !source.AcceptsContentType(context.Request.ContentType))
        {
            return Reject(source.Name, StatusCodes.Status415UnsupportedMediaType, Outcomes.UnsupportedMediaType,
                "Unsupported media type", "This source does not accept the request's content type.");
        }

        return null;
    }

    private async Task<(RequestBody? Body, IResult? Failure)> ReadBodyAsync(
        WebhookSource source, HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > source.MaxBodyBytes)
        {
            return (null, TooLarge(source));
        }

        // Kestrel then refuses to read past the source's limit even when no Content-Length was sent.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = source.MaxBodyBytes;
        }

        try
        {
            var body = await RequestBody.ReadAsync(
                request.Body, request.ContentLength, source.MaxBodyBytes, context.RequestAborted);
            return body is null ? (null, TooLarge(source)) : (body, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(source));
        }
        catch (BadHttpRequestException ex)
        {
            logger.BodyUnreadable(source.Name, ex.Message);
            return (null, Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.BadRequest,
                "Bad request", "The request body could not be read."));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException
            && context.RequestAborted.IsCancellationRequested)
        {
            logger.BodyUnreadable(source.Name, "the client went away");
            return (null, Results.Empty);
        }
        catch (IOException)
        {
            // The connection failed while the body was read, without the request being aborted.
            logger.BodyUnreadable(source.Name, "the connection failed");
            return (null, Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.BadRequest,
                "Bad request", "The request body could not be read."));
        }
    }

    private async Task<IResult> ReceiveWebhookAsync(
        WebhookSource source, HttpContext context, RequestBody body, VerificationResult verification)
    {
        // The body is parsed only when an attribute is read from it, or for Slack, whose URL
        // verification handshake is in the body; a JSON check alone is a forward-only read that
        // builds nothing.
        var parses = source.ReadsBody || source.Scheme == SchemeKind.Slack;
        using var document = parses ? EventRecord.TryParse(body) : null;
        var root = document?.RootElement;
        if (source.RequireJson && (parses ? document is null : !EventRecord.IsJson(body.Span)))
        {
            return Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.InvalidJson,
                "Invalid JSON", "This source requires a JSON body.");
        }

        CloudEvent cloudEvent;
        Message<byte[]?, byte[]?> message;
        try
        {
            if (source.Scheme == SchemeKind.Slack && SlackChallenge(root) is { } challenge)
            {
                // Slack's URL verification handshake: answered once verified, never published.
                IngressTelemetry.Record(source.Name, Outcomes.Challenge);
                return TypedResults.Json(
                    new SlackChallengeAnswer(challenge), IngressJson.Default.SlackChallengeAnswer);
            }

            cloudEvent = EventRecord.Describe(source, context.Request, body, root, time.GetUtcNow());
            var key = source.PartitionKey?.ReadText(context.Request.Headers, root);
            message = EventRecord.Build(
                source, cloudEvent, key, body.ToArray(), context.Request, verification.KeyName);
        }
        catch (ArgumentException)
        {
            // Attribute values come from the sender: control characters or a lone surrogate, say,
            // make them invalid.
            return Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.BadRequest,
                "Bad request", "The event's attributes are not valid CloudEvent attributes.");
        }

        return await ProduceAsync(source, context, [(cloudEvent.Id!, message)]);
    }

    private async Task<IResult> ReceiveCloudEventsAsync(
        WebhookSource source, HttpContext context, RequestBody body, VerificationResult verification)
    {
        var events = CloudEventIntake.Decode(context.Request, body);
        if (events is null)
        {
            return Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.InvalidCloudEvent,
                "Invalid CloudEvent", "The request does not hold valid CloudEvents.");
        }

        var messages = new (string Id, Message<byte[]?, byte[]?> Message)[events.Count];
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                var (cloudEvent, value) = events[i];
                var key = cloudEvent["partitionkey"] as string;
                var message = EventRecord.Build(source, cloudEvent, key, value, context.Request, verification.KeyName);
                messages[i] = (cloudEvent.Id!, message);
            }
        }
        catch (ArgumentException)
        {
            return Reject(source.Name, StatusCodes.Status400BadRequest, Outcomes.InvalidCloudEvent,
                "Invalid CloudEvent", "The request does not hold valid CloudEvents.");
        }

        return await ProduceAsync(source, context, messages);
    }

    private async Task<IResult> ProduceAsync(
        WebhookSource source, HttpContext context, (string Id, Message<byte[]?, byte[]?> Message)[] records)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = 0;
        var tooLarge = 0;
        var duplicates = 0;
        var sends = new Task<DeliveryResult<byte[]?, byte[]?>>?[records.Length];

        // Cancelling stops only the wait: a record already handed to the producer may still be
        // written after the 503, as a timed-out one may.
        using var deadline = Deadline(source, context);
        var cancellation = deadline?.Token ?? context.RequestAborted;
        for (var i = 0; i < records.Length; i++)
        {
            if (source.Recent.Contains(records[i].Id))
            {
                duplicates++;
                logger.Duplicate(records[i].Id, source.Name);
                continue;
            }

            sends[i] = producer.ProduceAsync(source.Topic, records[i].Message, cancellation);
        }

        for (var i = 0; i < records.Length; i++)
        {
            if (sends[i] is not { } send)
            {
                continue;
            }

            try
            {
                var result = await send;
                source.Recent.Add(records[i].Id);
                logger.Accepted(
                    records[i].Id, source.Name, source.Topic, result.Partition.Value, result.Offset.Value);
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.MsgSizeTooLarge)
            {
                // librdkafka reports its own message.max.bytes check and the broker's refusal
                // with this one code. Both are permanent: a retry can never succeed.
                tooLarge++;
                logger.RecordTooLarge(
                    records[i].Id, source.Name, source.Topic, ex.Error.Code.ToString());
            }
            catch (KafkaException ex)
            {
                // ProduceException is a KafkaException: timeouts, a full queue, broker errors.
                failed++;
                logger.ProduceFailed(records[i].Id, source.Name, source.Topic, ex.Error.Code.ToString());
            }
            catch (OperationCanceledException) when (deadline is { IsCancellationRequested: true }
                && !context.RequestAborted.IsCancellationRequested)
            {
                failed++;
                logger.ProduceFailed(
                    records[i].Id, source.Name, source.Topic, "SourceProduceTimeout");
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The sender left; whatever it is told, it will retry.
                failed++;
            }
        }

        if (duplicates < records.Length)
        {
            IngressTelemetry.RecordProduce(
                source.Name, Stopwatch.GetElapsedTime(started), failed == 0 && tooLarge == 0);
        }

        if (tooLarge > 0)
        {
            IngressTelemetry.Record(source.Name, Outcomes.RecordTooLarge);
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                "The event is larger than the event store accepts.");
        }

        if (failed > 0)
        {
            context.Response.Headers.RetryAfter = _retryAfter;
            IngressTelemetry.Record(source.Name, Outcomes.Unavailable);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The event could not be stored in time; retry later.");
        }

        IngressTelemetry.Record(
            source.Name, duplicates == records.Length ? Outcomes.Duplicate : Outcomes.Accepted);
        if (source.Scheme == SchemeKind.CloudEvents && IsBatch(context.Request))
        {
            var ids = new string[records.Length];
            for (var i = 0; i < records.Length; i++)
            {
                ids[i] = records[i].Id;
            }

            return TypedResults.Json(new AcceptedBatch(ids), IngressJson.Default.AcceptedBatch,
                statusCode: StatusCodes.Status202Accepted);
        }

        return TypedResults.Json(new AcceptedEvent(records[0].Id), IngressJson.Default.AcceptedEvent,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static CancellationTokenSource? Deadline(WebhookSource source, HttpContext context)
    {
        if (source.ProduceDeadline is not { } wait)
        {
            return null;
        }

        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(wait);
        return deadline;
    }

    private static bool IsBatch(HttpRequest request) =>
        WebhookSource.MediaType(request.ContentType)
            .Equals(CloudEventIntake.BatchMediaType, StringComparison.OrdinalIgnoreCase);

    private static string? SlackChallenge(JsonElement? root) =>
        root is { ValueKind: JsonValueKind.Object } element
        && element.TryGetProperty("type", out var type)
        && type.ValueEquals("url_verification"u8)
        && element.TryGetProperty("challenge", out var challenge)
        && challenge.ValueKind == JsonValueKind.String
            ? JsonText.Read(challenge)
            : null;

    private ProblemHttpResult TooLarge(WebhookSource source) =>
        Reject(source.Name, StatusCodes.Status413PayloadTooLarge, Outcomes.TooLarge,
            "Payload too large", "The body is larger than this source accepts.");

    private ProblemHttpResult Reject(string source, int status, string outcome, string title, string detail)
    {
        logger.Rejected(source, status, outcome);
        IngressTelemetry.Record(source, outcome);
        return Problem(status, title, detail);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    private static string Outcome(VerificationOutcome outcome) => outcome switch
    {
        VerificationOutcome.Missing => Outcomes.SignatureMissing,
        VerificationOutcome.Malformed => Outcomes.SignatureMalformed,
        VerificationOutcome.Stale => Outcomes.SignatureStale,
        _ => Outcomes.SignatureMismatch,
    };
}

internal sealed record AcceptedEvent(string Id);

internal sealed record AcceptedBatch(string[] Ids);

internal sealed record SlackChallengeAnswer(string Challenge);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AcceptedEvent))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AcceptedBatch))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackChallengeAnswer))]
internal sealed partial class IngressJson : System.Text.Json.Serialization.JsonSerializerContext;
