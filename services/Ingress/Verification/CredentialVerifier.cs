using System.Security.Cryptography;
using System.Text;

namespace Gateway.Ingress.Verification;

/// <summary>
/// A shared credential in the <c>Authorization</c> header: <c>Basic</c> (the secret is
/// <c>user:password</c>) or <c>Bearer</c> (the secret is the token).
/// </summary>
/// <remarks>
/// Credentials differ in length, so both sides are hashed with SHA-256 first: the comparison
/// is then constant-time over 32 bytes and reveals nothing about a secret's length.
/// </remarks>
internal sealed class CredentialVerifier(IReadOnlyList<SecretKey> digests, bool basic) : IWebhookVerifier
{
    private const int MaxCredentialBytes = 4096;

    /// <summary>The SHA-256 digests of the secrets, computed once at start-up.</summary>
    public static SecretKey Digest(string name, string secret) =>
        new(name, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now)
    {
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Missing;
        }

        var scheme = basic ? "Basic " : "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return VerificationResult.Malformed;
        }

        var credential = header.AsSpan(scheme.Length).Trim();
        Span<byte> bytes = stackalloc byte[MaxCredentialBytes];
        int length;
        if (basic)
        {
            if (!Convert.TryFromBase64Chars(credential, bytes, out length))
            {
                return VerificationResult.Malformed;
            }
        }
        else if (!Encoding.UTF8.TryGetBytes(credential, bytes, out length))
        {
            return VerificationResult.Malformed;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], digest);
        for (var i = 0; i < digests.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, digests[i].Bytes))
            {
                return VerificationResult.By(digests[i].Name);
            }
        }

        return VerificationResult.Mismatch;
    }
}

/// <summary>The explicit <c>none</c> scheme: the client allowlist is the only defence.</summary>
internal sealed class NoVerifier : IWebhookVerifier
{
    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now) =>
        VerificationResult.By(null);
}
