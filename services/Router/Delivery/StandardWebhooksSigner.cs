using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Router.Delivery;

/// <summary>
/// Signs outbound requests with the Standard Webhooks symmetric scheme: <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature: v1,&lt;base64 HMAC-SHA256&gt;</c> over
/// <c>"{id}.{timestamp}.{body}"</c>. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Specification: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
/// (signature scheme and webhook headers). Several secrets produce several space-separated
/// signatures, which is how the specification rotates a secret without downtime.
/// </remarks>
internal sealed class StandardWebhooksSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private const string SecretPrefix = "whsec_";

    // The specification asks for 24 to 64 random bytes.
    private const int MinimumKeyBytes = 24;
    private const int MaximumKeyBytes = 64;

    private readonly byte[][] _keys;

    private StandardWebhooksSigner(byte[][] keys) => _keys = keys;

    /// <summary>
    /// Creates a signer from one or more <c>whsec_</c> base64 secrets (the prefix is optional),
    /// newest first; throws <see cref="FormatException"/> without echoing the secret when one is malformed.
    /// </summary>
    public static StandardWebhooksSigner Create(params IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);

        var keys = secrets.Select(DecodeSecret).ToArray();
        return keys.Length > 0
            ? new StandardWebhooksSigner(keys)
            : throw new FormatException("At least one signing secret is required.");
    }

    /// <summary>Returns the <c>webhook-signature</c> value, one <c>v1,</c> entry per secret; never null.</summary>
    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Contains('.', StringComparison.Ordinal))
        {
            // A dot would let "{id}.{ts}" be split differently by a verifier.
            throw new ArgumentException("A Standard Webhooks id must not contain '.'.", nameof(id));
        }

        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));

        return string.Join(' ', _keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content))));
    }

    /// <summary>
    /// Adds the three headers to a request, signing its buffered body (an empty body when it has none);
    /// <paramref name="now"/> becomes the <c>webhook-timestamp</c>.
    /// </summary>
    public async Task SignAsync(
        HttpRequestMessage request, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var body = request.Content is null
            ? []
            : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var timestamp = now.ToUnixTimeSeconds();
        var signature = Sign(id, timestamp, body);

        request.Headers.Remove(IdHeader);
        request.Headers.Remove(TimestampHeader);
        request.Headers.Remove(SignatureHeader);
        request.Headers.TryAddWithoutValidation(IdHeader, id);
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(SignatureHeader, signature);
    }

    private static byte[] DecodeSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);

        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? secret[SecretPrefix.Length..]
            : secret;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new FormatException("A signing secret must be 'whsec_' followed by base64.");
        }

        return key.Length is >= MinimumKeyBytes and <= MaximumKeyBytes
            ? key
            : throw new FormatException(
                $"A signing secret must decode to {MinimumKeyBytes} to {MaximumKeyBytes} bytes; "
                + $"this one has {key.Length}.");
    }
}
