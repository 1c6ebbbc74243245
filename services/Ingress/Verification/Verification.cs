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
internal readonly record struct Verification(VerificationOutcome Outcome, string? KeyName)
{
    public static Verification Missing => new(VerificationOutcome.Missing, null);

    public static Verification Malformed => new(VerificationOutcome.Malformed, null);

    public static Verification Mismatch => new(VerificationOutcome.Mismatch, null);

    public static Verification Stale => new(VerificationOutcome.Stale, null);

    public bool IsVerified => Outcome == VerificationOutcome.Verified;

    public static Verification By(string? keyName) => new(VerificationOutcome.Verified, keyName);
}

/// <summary>A configured secret: its name (safe to log and record) and the key bytes it stands for.</summary>
internal sealed record SecretKey(string Name, byte[] Bytes);

/// <summary>Proves a request genuine from its headers and raw body, before anything parses the body.</summary>
internal interface IWebhookVerifier
{
    Verification Verify(HttpRequest request, RequestBody body, DateTimeOffset now);
}
