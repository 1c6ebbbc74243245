using System.Security.Cryptography;

namespace Gateway.Ingress.Verification;

internal enum MacAlgorithm
{
    Sha1,
    Sha256,
    Sha512,
}

/// <summary>One-shot HMAC over spans and the constant-time search for the secret that signed.</summary>
internal static class Hmac
{
    public const int MaxSize = 64;

    public static int SizeOf(MacAlgorithm algorithm) => algorithm switch
    {
        MacAlgorithm.Sha1 => HMACSHA1.HashSizeInBytes,
        MacAlgorithm.Sha512 => HMACSHA512.HashSizeInBytes,
        _ => HMACSHA256.HashSizeInBytes,
    };

    // The static one-shot APIs keep no per-request HMAC object; the key bytes are decoded once
    // at start-up, so a request costs the hash and nothing else.
    public static void Compute(MacAlgorithm algorithm, byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        _ = algorithm switch
        {
#pragma warning disable CA5350 // Twilio and some legacy senders sign with HMAC-SHA1; we verify what they send.
            MacAlgorithm.Sha1 => HMACSHA1.HashData(key, data, mac),
#pragma warning restore CA5350
            MacAlgorithm.Sha512 => HMACSHA512.HashData(key, data, mac),
            _ => HMACSHA256.HashData(key, data, mac),
        };
    }

    /// <summary>
    /// Returns the name of the first key whose MAC over <paramref name="signed"/> equals one of the
    /// <paramref name="signatures"/> (decoded, concatenated, each exactly the MAC size); else null.
    /// </summary>
    public static string? FindKey(
        IReadOnlyList<SecretKey> keys,
        MacAlgorithm algorithm,
        ReadOnlySpan<byte> signed,
        ReadOnlySpan<byte> signatures)
    {
        var size = SizeOf(algorithm);
        Span<byte> expected = stackalloc byte[MaxSize];
        expected = expected[..size];
        for (var k = 0; k < keys.Count; k++)
        {
            Compute(algorithm, keys[k].Bytes, signed, expected);
            for (var i = 0; i + size <= signatures.Length; i += size)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, signatures.Slice(i, size)))
                {
                    return keys[k].Name;
                }
            }
        }

        return null;
    }
}

/// <summary>Decodes presented signatures into bytes of exactly the expected length.</summary>
internal static class SignatureText
{
    /// <summary>True only when <paramref name="text"/> is hex of exactly the destination's length.</summary>
    public static bool TryDecodeHex(ReadOnlySpan<char> text, Span<byte> decoded)
    {
        return text.Length == decoded.Length * 2
            && Convert.FromHexString(text, decoded, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == decoded.Length;
    }

    /// <summary>True only when <paramref name="text"/> is base64 of exactly the destination's length.</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> text, Span<byte> decoded)
    {
        // A longer signature does not fit the destination and fails; a shorter one is caught by
        // the length check, so a prefix never matches.
        return Convert.TryFromBase64Chars(text, decoded, out var written) && written == decoded.Length;
    }

    public static bool TryDecode(ReadOnlySpan<char> text, bool base64, Span<byte> decoded) =>
        base64 ? TryDecodeBase64(text, decoded) : TryDecodeHex(text, decoded);
}

/// <summary>Signed Unix timestamps and the tolerance window around now.</summary>
internal static class SignedTime
{
    public static bool TryParse(ReadOnlySpan<char> text, out long seconds) =>
        long.TryParse(text, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out seconds);

    /// <summary>True when the timestamp is at most <paramref name="tolerance"/> before or after now.</summary>
    public static bool IsFresh(long seconds, DateTimeOffset now, TimeSpan tolerance)
    {
        var skew = now.ToUnixTimeSeconds() - seconds;
        return Math.Abs((double)skew) <= tolerance.TotalSeconds;
    }
}
