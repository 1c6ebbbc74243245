using System.Security.Cryptography;
using System.Text;

namespace Gateway.Ingress.Verification;

/// <summary>
/// Twilio: <c>X-Twilio-Signature</c> is base64 HMAC-SHA1, keyed with the auth token, over the
/// public URL the request was sent to followed by every form parameter's name and value sorted
/// by name, then value, each distinct pair once; a JSON body is instead bound by a
/// <c>bodySHA256</c> query parameter (hex SHA-256 of the body) inside the signed URL.
/// </summary>
/// <remarks>
/// https://www.twilio.com/docs/usage/security#validating-requests. The URL is rebuilt from
/// configuration, not from the request, because proxies in front of the gateway change it.
/// </remarks>
internal sealed class TwilioVerifier(IReadOnlyList<SecretKey> keys, string publicUrl) : IWebhookVerifier
{
    public const string Header = "X-Twilio-Signature";
    private const string BodyHashParameter = "bodySHA256";

    // Twilio signs the URL as configured in its console, with or without the default port, and
    // its SDKs accept either spelling; so does the ingress.
    private readonly string[] _urls = Spellings(publicUrl);

    /// <summary>The URL as given and with the default port written out or left out.</summary>
    public static string[] Spellings(string url)
    {
        var uri = new Uri(url);
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOf('/', start);
        end = end < 0 ? url.Length : end;
        var authority = url[start..end];
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? ":443" : ":80";
        if (authority.EndsWith(defaultPort, StringComparison.Ordinal))
        {
            return [url, url[..(end - defaultPort.Length)] + url[end..]];
        }

        return uri.IsDefaultPort ? [url, url[..end] + defaultPort + url[end..]] : [url];
    }

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
            return VerificationResult.Malformed;
        }

        var query = request.QueryString.Value;
        if (request.Query.TryGetValue(BodyHashParameter, out var bodyHash))
        {
            return VerifyBodyHash(query, bodyHash.ToString(), body, presented);
        }

        var parameters = SortedParameters(body.Span);
        foreach (var url in _urls)
        {
            var signed = Encoding.UTF8.GetBytes(url + query + parameters);
            if (Hmac.FindKey(keys, MacAlgorithm.Sha1, signed, presented) is { } key)
            {
                return VerificationResult.By(key);
            }
        }

        return VerificationResult.Mismatch;
    }

    private VerificationResult VerifyBodyHash(
        string? query, string bodyHash, RequestBody body, ReadOnlySpan<byte> presented)
    {
        string? key = null;
        foreach (var url in _urls)
        {
            key ??= Hmac.FindKey(keys, MacAlgorithm.Sha1, Encoding.UTF8.GetBytes(url + query), presented);
        }

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

        // Twilio's SDKs sort the names and, for a name sent more than once, sort its values and
        // sign each distinct value once: a repeated identical pair is signed a single time.
        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        var signed = new StringBuilder();
        for (var i = 0; i < pairs.Count; i++)
        {
            var (name, value) = pairs[i];
            if (i > 0 && name == pairs[i - 1].Key && value == pairs[i - 1].Value)
            {
                continue;
            }

            signed.Append(name).Append(value);
        }

        return signed.ToString();
    }

    private static string Decode(ReadOnlySpan<char> component) =>
        Uri.UnescapeDataString(component.ToString().Replace('+', ' '));
}
