using System.Security.Cryptography;
using System.Text;
using Gateway.Ingress.Verification;
using Microsoft.AspNetCore.Http;

namespace Gateway.Ingress.Tests.Schemes;

/// <summary>Real ASP.NET Core requests for verifiers, and signatures computed the providers' way.</summary>
internal static class SchemeHarness
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static HttpRequest Request(params (string Name, string? Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                context.Request.Headers[name] = value;
            }
        }

        return context.Request;
    }

    public static VerificationResult Verify(
        IWebhookVerifier verifier, HttpRequest request, string body, DateTimeOffset? now = null)
    {
        using var raw = RequestBody.From(Encoding.UTF8.GetBytes(body));
        return verifier.Verify(request, raw, now ?? Now);
    }

    public static SecretKey Utf8Key(string name, string secret) => new(name, Encoding.UTF8.GetBytes(secret));

    // The instance HMAC classes, not the one-shot statics the product uses, so the expected
    // values do not come from the code under test.
    public static byte[] Mac(HashAlgorithmName algorithm, byte[] key, string data)
    {
        using HMAC hmac = algorithm.Name switch
        {
#pragma warning disable CA5350 // Twilio signs with HMAC-SHA1; the tests must produce what it sends.
            "SHA1" => new HMACSHA1(key),
#pragma warning restore CA5350
            "SHA512" => new HMACSHA512(key),
            _ => new HMACSHA256(key),
        };
        return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
    }

    public static string HexSha256(string key, string data) =>
        Convert.ToHexStringLower(Mac(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), data));

    public static string Base64Sha256(string key, string data) =>
        Convert.ToBase64String(Mac(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), data));

    public static VerificationOutcome Outcome(string name) => Enum.Parse<VerificationOutcome>(name);
}
