namespace Gateway.Ingress.Verification;

/// <summary>
/// Stripe: <c>Stripe-Signature: t={unix},v1={hex}[,v1=...]</c>, HMAC-SHA256 over <c>{t}.{body}</c>
/// keyed with the whole <c>whsec_</c> string; any <c>v1</c> may match, other schemes are ignored.
/// </summary>
/// <remarks>https://docs.stripe.com/webhooks#verify-manually</remarks>
internal sealed class StripeVerifier(IReadOnlyList<SecretKey> keys, TimeSpan tolerance) : IWebhookVerifier
{
    public const string Header = "Stripe-Signature";

    // Stripe sends one v1 per active secret; a header with more is not Stripe's.
    private const int MaxSignatures = 8;
    private const int Size = 32;

    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now)
    {
        string? header = request.Headers[Header];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Missing;
        }

        var text = header.AsSpan();
        ReadOnlySpan<char> timestamp = default;
        Span<byte> signatures = stackalloc byte[MaxSignatures * Size];
        var count = 0;
        foreach (var range in text.Split(','))
        {
            var item = text[range].Trim();
            if (item.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = item[2..];
            }
            else if (item.StartsWith("v1=", StringComparison.Ordinal)
                && count < MaxSignatures
                && SignatureText.TryDecodeHex(item[3..], signatures.Slice(count * Size, Size)))
            {
                count++;
            }
        }

        // No v1, or none that is 64 hex digits, cannot match any secret: malformed, not wrong.
        if (count == 0 || !SignedTime.TryParse(timestamp, out var seconds))
        {
            return VerificationResult.Malformed;
        }

        var signed = body.Signed(timestamp, ".");
        var key = Hmac.FindKey(keys, MacAlgorithm.Sha256, signed, signatures[..(count * Size)]);
        if (key is null)
        {
            return VerificationResult.Mismatch;
        }

        return SignedTime.IsFresh(seconds, now, tolerance) ? VerificationResult.By(key) : VerificationResult.Stale;
    }
}
