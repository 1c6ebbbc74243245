using System.Security.Cryptography;
using System.Text;

namespace Gateway.Ingress.Verification;

/// <summary>
/// Twilio: <c>X-Twilio-Signature</c> is base64 HMAC-SHA1, keyed with the auth token, over the
/// public URL the request was sent to followed by every form parameter's name and value sorted
/// by name; a JSON body is instead bound by a <c>bodySHA256</c> query parameter (hex SHA-256 of
/// the body) inside the signed URL.
/// </summary>
/// <remarks>
/// https://www.twilio.com/docs/usage/security#validating-requests. The URL is rebuilt from
/// configuration, not from the request, because proxies in front of the gateway change it.
/// </remarks>
internal sealed class TwilioVerifier(IReadOnlyList<SecretKey> keys, string publicUrl) : IWebhookVerifier
{
    public const string Header = "X-Twilio-Signature";
    private const string BodyHashParameter = "bodySHA256";

    public VerificationResult Verify(HttpRequest request, RequestBody body, DateTimeOffset now)
    {
        string? header = request.Headers[Header];
        if (string.IsNullOrEmpty(header))
        {
            return VerificationResult.Missing;
        }

        Span<byte> presented = stackalloc byte[HMACSHA1.HashSizeInBytes];
        if (!SignatureText.TryDecodeBase64(header.AsSpan().Trim(), presented))
        {
            return VerificationResult.Mismatch;
        }

        var url = publicUrl + request.QueryString.Value;
        if (request.Query.TryGetValue(BodyHashParameter, out var bodyHash))
        {
            return VerifyBodyHash(url, bodyHash.ToString(), body, presented);
        }

        var signed = Encoding.UTF8.GetBytes(url + SortedParameters(body.Span));
        var key = Hmac.FindKey(keys, MacAlgorithm.Sha1, signed, presented);
        return key is null ? VerificationResult.Mismatch : VerificationResult.By(key);
    }

    private VerificationResult VerifyBodyHash(
        string url, string bodyHash, RequestBody body, ReadOnlySpan<byte> presented)
    {
        var key = Hmac.FindKey(keys, MacAlgorithm.Sha1, Encoding.UTF8.GetBytes(url), presented);
        if (key is null)
        {
            return VerificationResult.Mismatch;
        }

        Span<byte> claimed = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body.Span, actual);
        return SignatureText.TryDecodeHex(bodyHash, claimed) && CryptographicOperations.FixedTimeEquals(claimed, actual)
            ? VerificationResult.By(key)
            : VerificationResult.Mismatch;
    }

    private static string SortedParameters(ReadOnlySpan<byte> form)
    {
        var text = Encoding.UTF8.GetString(form);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in text.AsSpan().Split('&'))
        {
            var pair = text.AsSpan()[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        var signed = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            signed.Append(name).Append(value);
        }

        return signed.ToString();
    }

    private static string Decode(ReadOnlySpan<char> component) =>
        Uri.UnescapeDataString(component.ToString().Replace('+', ' '));
}
