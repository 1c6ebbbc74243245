namespace Gateway.Ingress.Verification;

/// <summary>
/// How a single-signature HMAC scheme is laid out: the signature header and the text before the
/// signature in it; when a timestamp header is set, the signed text is
/// <c>{SignedPrefix}{ts}{Separator}{body}</c>, otherwise the body alone.
/// </summary>
internal sealed record HmacLayout(
    string Header,
    MacAlgorithm Algorithm,
    bool Base64,
    string SignaturePrefix,
    string? TimestampHeader,
    string SignedPrefix,
    string Separator)
{
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    public static readonly HmacLayout GitHub = new(
        "X-Hub-Signature-256", MacAlgorithm.Sha256, false, "sha256=", null, "", "");

    // https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
    public static readonly HmacLayout Shopify = new(
        "X-Shopify-Hmac-Sha256", MacAlgorithm.Sha256, true, "", null, "", "");

    // https://api.slack.com/authentication/verifying-requests-from-slack
    public static readonly HmacLayout Slack = new(
        "X-Slack-Signature", MacAlgorithm.Sha256, false, "v0=", "X-Slack-Request-Timestamp", "v0:", ":");
}

/// <summary>
/// One HMAC signature in one header over the body, or over a timestamp header and the body:
/// GitHub, Shopify, Slack and the generic <c>hmac</c> scheme.
/// </summary>
internal sealed class HmacVerifier(IReadOnlyList<SecretKey> keys, HmacLayout layout, TimeSpan tolerance)
    : IWebhookVerifier
{
    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now)
    {
        string? header = request.Headers[layout.Header];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Missing;
        }

        var text = header.AsSpan().Trim();
        if (!text.StartsWith(layout.SignaturePrefix, StringComparison.Ordinal))
        {
            return VerificationResult.Malformed;
        }

        // A signature that does not decode to exactly the MAC size cannot match any secret; it is
        // reported apart from a wrong one, so the metric tells a broken sender from a forged one.
        Span<byte> presented = stackalloc byte[Hmac.MaxSize];
        presented = presented[..Hmac.SizeOf(layout.Algorithm)];
        if (!SignatureText.TryDecode(text[layout.SignaturePrefix.Length..], layout.Base64, presented))
        {
            return VerificationResult.Malformed;
        }

        if (layout.TimestampHeader is null)
        {
            var key = Hmac.FindKey(keys, layout.Algorithm, body.Span, presented);
            return key is null ? VerificationResult.Mismatch : VerificationResult.By(key);
        }

        string? timestamp = request.Headers[layout.TimestampHeader];
        if (string.IsNullOrEmpty(timestamp) || !SignedTime.TryParse(timestamp, out var seconds))
        {
            return string.IsNullOrEmpty(timestamp) ? VerificationResult.Missing : VerificationResult.Malformed;
        }

        var signed = body.Signed(layout.SignedPrefix, timestamp, layout.Separator);
        var match = Hmac.FindKey(keys, layout.Algorithm, signed, presented);
        if (match is null)
        {
            return VerificationResult.Mismatch;
        }

        return SignedTime.IsFresh(seconds, now, tolerance) ? VerificationResult.By(match) : VerificationResult.Stale;
    }
}
