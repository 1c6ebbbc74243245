using Gateway.Router.Delivery;

namespace Gateway.Router;

/// <summary>
/// Signs each request as it leaves, innermost in a destination's handler chain, so every send
/// (a retry, the resend after a 401) carries its own fresh timestamp.
/// </summary>
internal sealed class WebhookSigningHandler(StandardWebhooksSigner signer, TimeProvider time) : DelegatingHandler
{
    /// <summary>The event id a request is signed with.</summary>
    public static readonly HttpRequestOptionsKey<string> EventId = new("gateway.event-id");

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(EventId, out var id))
        {
            throw new InvalidOperationException("A request to a signing destination carries no event id.");
        }

        await signer.SignAsync(request, id, time.GetUtcNow(), cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
