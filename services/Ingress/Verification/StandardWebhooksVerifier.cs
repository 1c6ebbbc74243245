namespace Gateway.Ingress.Verification;

/// <summary>
/// Standard Webhooks (and Svix's <c>svix-*</c> spelling of the same headers): HMAC-SHA256 over
/// <c>{id}.{ts}.{body}</c> keyed with the base64 secret after <c>whsec_</c>; the signature header
/// holds space-separated <c>v1,{base64}</c> entries, any of which may match.
/// </summary>
/// <remarks>https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md</remarks>
internal sealed class StandardWebhooksVerifier(IReadOnlyList<SecretKey> keys, TimeSpan tolerance)
    : IWebhookVerifier
{
    public const string SecretPrefix = "whsec_";
    public static readonly string[] IdHeaders = ["webhook-id", "svix-id"];
    public static readonly string[] TimestampHeaders = ["webhook-timestamp", "svix-timestamp"];
    public static readonly string[] SignatureHeaders = ["webhook-signature", "svix-signature"];

    private const int MaxSignatures = 8;
    private const int Size = 32;

    /// <summary>The key bytes of a secret: base64 after an optional <c>whsec_</c>; null when not base64.</summary>
    public static byte[]? DecodeSecret(string secret)
    {
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written > 0 ? bytes[..written] : null;
    }

    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now)
    {
        // One family of names per request: a mix of webhook-* and svix-* is not a valid delivery.
        var family = request.Headers.ContainsKey(SignatureHeaders[0]) ? 0 : 1;
        string? id = request.Headers[IdHeaders[family]];
        string? timestamp = request.Headers[TimestampHeaders[family]];
        string? header = request.Headers[SignatureHeaders[family]];
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(header))
        {
            return VerificationResult.Missing;
        }

        if (!SignedTime.TryParse(timestamp, out var seconds))
        {
            return VerificationResult.Malformed;
        }

        var text = header.AsSpan();
        Span<byte> signatures = stackalloc byte[MaxSignatures * Size];
        var count = 0;
        foreach (var range in text.Split(' '))
        {
            var item = text[range];
            if (item.StartsWith("v1,", StringComparison.Ordinal)
                && count < MaxSignatures
                && SignatureText.TryDecodeBase64(item[3..], signatures.Slice(count * Size, Size)))
            {
                count++;
            }
        }

        // No v1 entry of 32 bytes (only v1a, another version, or broken base64) cannot match.
        if (count == 0)
        {
            return VerificationResult.Malformed;
        }

        var signed = body.Signed(id, ".", timestamp, ".");
        var key = Hmac.FindKey(keys, MacAlgorithm.Sha256, signed, signatures[..(count * Size)]);
        if (key is null)
        {
            return VerificationResult.Mismatch;
        }

        return SignedTime.IsFresh(seconds, now, tolerance) ? VerificationResult.By(key) : VerificationResult.Stale;
    }
}
