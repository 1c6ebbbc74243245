namespace Gateway.Ingress.Verification;

/// <summary>Why a request was or was not proven genuine; every failure answers the same 401.</summary>
internal enum VerificationOutcome
{
    Verified,
    Missing,
    Malformed,
    Mismatch,
    Stale,
}

/// <summary>The outcome of a verification and, when verified, the name of the secret that matched.</summary>
internal readonly record struct VerificationResult(VerificationOutcome Outcome, string? KeyName)
{
    public static VerificationResult Missing => new(VerificationOutcome.Missing, null);

    public static VerificationResult Malformed => new(VerificationOutcome.Malformed, null);

    public static VerificationResult Mismatch => new(VerificationOutcome.Mismatch, null);

    public static VerificationResult Stale => new(VerificationOutcome.Stale, null);

    public bool IsVerified => Outcome == VerificationOutcome.Verified;

    public static VerificationResult By(string? keyName) => new(VerificationOutcome.Verified, keyName);
}

/// <summary>A configured secret: its name (safe to log and record) and the key bytes it stands for.</summary>
internal sealed record SecretKey(string Name, byte[] Bytes);

/// <summary>Proves a request genuine from its headers and raw body, before anything parses the body.</summary>
internal interface IWebhookVerifier
{
    VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now);
}
