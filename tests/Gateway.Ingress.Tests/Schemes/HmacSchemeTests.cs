using System.Security.Cryptography;
using System.Text;
using Gateway.Ingress.Configuration;
using Gateway.Ingress.Verification;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.Schemes;

public sealed class GitHubVerifierTests
{
    // GitHub's documented test values:
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    // (section "Testing the webhook payload validation").
    private const string DocumentedSecret = "It's a Secret to Everybody";
    private const string DocumentedBody = "Hello, World!";
    private const string DocumentedSignature =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static readonly HmacVerifier Verifier = new(
        [Utf8Key("old", "an old secret"), Utf8Key("new", DocumentedSecret)],
        HmacLayout.GitHub,
        TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("documented", "Verified", "new")]
    [InlineData("signed-with-old-secret", "Verified", "old")]
    [InlineData("wrong-secret", "Mismatch", null)]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("uppercase-hex", "Verified", "new")]
    [InlineData("truncated", "Malformed", null)]
    [InlineData("extended", "Malformed", null)]
    [InlineData("not-hex", "Malformed", null)]
    [InlineData("sha1-prefix", "Malformed", null)]
    [InlineData("no-prefix", "Malformed", null)]
    [InlineData("no-header", "Missing", null)]
    public void Verify_SignatureCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var body = signatureCase == "body-tampered" ? DocumentedBody + "!" : DocumentedBody;
        var header = signatureCase switch
        {
            "documented" or "body-tampered" => DocumentedSignature,
            "signed-with-old-secret" => "sha256=" + HexSha256("an old secret", DocumentedBody),
            "wrong-secret" => "sha256=" + HexSha256("It's a secret to everybody", DocumentedBody),
            "uppercase-hex" => "sha256=" + DocumentedSignature["sha256=".Length..].ToUpperInvariant(),
            "truncated" => DocumentedSignature[..^2],
            "extended" => DocumentedSignature + "ab",
            "not-hex" => DocumentedSignature[..^2] + "zz",
            "sha1-prefix" => "sha1=" + DocumentedSignature["sha256=".Length..],
            "no-prefix" => DocumentedSignature["sha256=".Length..],
            _ => null,
        };

        var result = Verify(Verifier, Request(("X-Hub-Signature-256", header)), body);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }
}

public sealed class ShopifyVerifierTests
{
    private const string Body = """{"id":820982911946154508,"email":"jon@example.com"}""";
    private const string Secret = "shpss_0123456789abcdef";

    private static readonly HmacVerifier Verifier = new(
        [Utf8Key("primary", Secret), Utf8Key("rotating", "shpss_next")], HmacLayout.Shopify, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("valid", "Verified", "primary")]
    [InlineData("signed-with-second-secret", "Verified", "rotating")]
    [InlineData("wrong-secret", "Mismatch", null)]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("hex-instead-of-base64", "Malformed", null)]
    [InlineData("truncated", "Malformed", null)]
    [InlineData("extended", "Malformed", null)]
    [InlineData("sha512-length", "Malformed", null)]
    [InlineData("not-base64", "Malformed", null)]
    [InlineData("no-header", "Missing", null)]
    public void Verify_SignatureCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var header = signatureCase switch
        {
            "valid" => Base64Sha256(Secret, Body),
            "signed-with-second-secret" => Base64Sha256("shpss_next", Body),
            "wrong-secret" => Base64Sha256("shpss_wrong", Body),
            "body-tampered" => Base64Sha256(Secret, Body.Replace("42", "43", StringComparison.Ordinal)
                .Replace("jon@", "eve@", StringComparison.Ordinal)),
            "extended" => Convert.ToBase64String([.. Convert.FromBase64String(Base64Sha256(Secret, Body)), 0]),
            "sha512-length" => Convert.ToBase64String(new byte[64]),
            "hex-instead-of-base64" => HexSha256(Secret, Body),
            "truncated" => Base64Sha256(Secret, Body)[..40],
            "not-base64" => "***not base64***",
            _ => null,
        };

        var result = Verify(Verifier, Request(("X-Shopify-Hmac-Sha256", header)), Body);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }
}

public sealed class SlackVerifierTests
{
    // Slack's documented example request:
    // https://api.slack.com/authentication/verifying-requests-from-slack#a_recipe_for_security
    private const string DocumentedSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocumentedTimestamp = "1531420618";
    private const string DocumentedSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private const string DocumentedBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    private static readonly DateTimeOffset DocumentedNow = DateTimeOffset.FromUnixTimeSeconds(1531420618 + 30);

    private static readonly HmacVerifier Verifier = new(
        [Utf8Key("new", DocumentedSecret), Utf8Key("old", "0ld5ecret")], HmacLayout.Slack, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("documented", "Verified", "new")]
    [InlineData("signed-with-old-secret", "Verified", "old")]
    [InlineData("timestamp-tampered", "Mismatch", null)]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("wrong-version", "Malformed", null)]
    [InlineData("signature-not-hex", "Malformed", null)]
    [InlineData("signature-truncated", "Malformed", null)]
    [InlineData("timestamp-not-numeric", "Malformed", null)]
    [InlineData("no-timestamp", "Missing", null)]
    [InlineData("no-signature", "Missing", null)]
    public void Verify_SignatureCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var (timestamp, signature, body) = signatureCase switch
        {
            "signed-with-old-secret" => (DocumentedTimestamp,
                "v0=" + HexSha256("0ld5ecret", $"v0:{DocumentedTimestamp}:{DocumentedBody}"), DocumentedBody),
            "timestamp-tampered" => ("1531420619", DocumentedSignature, DocumentedBody),
            "body-tampered" => (DocumentedTimestamp, DocumentedSignature, DocumentedBody + "&x=1"),
            "wrong-version" => (DocumentedTimestamp, "v1=" + DocumentedSignature[3..], DocumentedBody),
            "signature-not-hex" =>
                (DocumentedTimestamp, DocumentedSignature[..^2] + "zz", DocumentedBody),
            "signature-truncated" =>
                (DocumentedTimestamp, DocumentedSignature[..^2], DocumentedBody),
            "timestamp-not-numeric" => ("soon", DocumentedSignature, DocumentedBody),
            "no-timestamp" => (null, DocumentedSignature, DocumentedBody),
            "no-signature" => (DocumentedTimestamp, null, DocumentedBody),
            _ => (DocumentedTimestamp, DocumentedSignature, DocumentedBody),
        };
        var request = Request(("X-Slack-Signature", signature), ("X-Slack-Request-Timestamp", timestamp));

        var result = Verify(Verifier, request, body, DocumentedNow);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }

    [Theory]
    [InlineData(-300, "Verified")]
    [InlineData(-301, "Stale")]
    [InlineData(300, "Verified")]
    [InlineData(301, "Stale")]
    public void Verify_TimestampOffsetFromNow_RespectsToleranceBothWays(int offsetSeconds, string outcome)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1531420618 - offsetSeconds);
        var request = Request(
            ("X-Slack-Signature", DocumentedSignature), ("X-Slack-Request-Timestamp", DocumentedTimestamp));

        var result = Verify(Verifier, request, DocumentedBody, now);

        Assert.Equal(Outcome(outcome), result.Outcome);
    }
}

public sealed class GenericHmacVerifierTests
{
    private const string Body = """{"order":42}""";

    [Theory]
    [InlineData("sha1", "hex", "", "SHA1")]
    [InlineData("sha256", "hex", "sha256=", "SHA256")]
    [InlineData("sha512", "base64", "", "SHA512")]
    [InlineData("sha256", "base64", "v1=", "SHA256")]
    public void Verify_AlgorithmAndEncoding_VerifiesTheBody(
        string algorithm, string encoding, string prefix, string name)
    {
        var layout = SourceCatalog.GenericLayout(new HmacOptions
        {
            Header = "X-Signature",
            Algorithm = algorithm,
            Encoding = encoding,
            Prefix = prefix,
        });
        var verifier = new HmacVerifier([Utf8Key("k", "s3cret")], layout, TimeSpan.FromMinutes(5));
        var mac = Mac(new HashAlgorithmName(name), Encoding.UTF8.GetBytes("s3cret"), Body);
        var signature = prefix + (encoding == "hex" ? Convert.ToHexStringLower(mac) : Convert.ToBase64String(mac));

        var valid = Verify(verifier, Request(("X-Signature", signature)), Body);
        var tampered = Verify(verifier, Request(("X-Signature", signature)), Body + " ");

        Assert.Equal(VerificationOutcome.Verified, valid.Outcome);
        Assert.Equal(VerificationOutcome.Mismatch, tampered.Outcome);
    }

    [Theory]
    [InlineData("valid", "Verified", "a")]
    [InlineData("second-secret", "Verified", "b")]
    [InlineData("wrong-secret", "Mismatch", null)]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("no-prefix", "Malformed", null)]
    [InlineData("wrong-prefix", "Malformed", null)]
    [InlineData("truncated", "Malformed", null)]
    [InlineData("extended", "Malformed", null)]
    [InlineData("not-hex", "Malformed", null)]
    [InlineData("no-header", "Missing", null)]
    public void Verify_BodySignatureCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var layout = SourceCatalog.GenericLayout(new HmacOptions
        {
            Header = "X-Signature",
            Algorithm = "sha256",
            Encoding = "hex",
            Prefix = "sha256=",
        });
        var verifier = new HmacVerifier(
            [Utf8Key("a", "first"), Utf8Key("b", "second")], layout, TimeSpan.FromMinutes(5));
        var valid = HexSha256("first", Body);
        var header = signatureCase switch
        {
            "valid" => "sha256=" + valid,
            "second-secret" => "sha256=" + HexSha256("second", Body),
            "wrong-secret" => "sha256=" + HexSha256("third", Body),
            "body-tampered" => "sha256=" + HexSha256("first", Body + " "),
            "no-prefix" => valid,
            "wrong-prefix" => "sha1=" + valid,
            "truncated" => "sha256=" + valid[..62],
            "extended" => "sha256=" + valid + "00",
            "not-hex" => "sha256=" + new string('z', 64),
            _ => null,
        };

        var result = Verify(verifier, Request(("X-Signature", header)), Body);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }

    [Theory]
    [InlineData(0, "valid", "Verified")]
    [InlineData(0, "second-secret", "Verified")]
    [InlineData(0, "timestamp-tampered", "Mismatch")]
    [InlineData(0, "timestamp-not-numeric", "Malformed")]
    [InlineData(0, "wrong-separator", "Mismatch")]
    [InlineData(-300, "valid", "Verified")]
    [InlineData(-301, "valid", "Stale")]
    [InlineData(300, "valid", "Verified")]
    [InlineData(301, "valid", "Stale")]
    [InlineData(0, "no-timestamp", "Missing")]
    public void Verify_TimestampAndBody_SignsBothAndRespectsTolerance(
        int offsetSeconds, string signatureCase, string outcome)
    {
        var layout = SourceCatalog.GenericLayout(new HmacOptions
        {
            Header = "X-Signature",
            TimestampHeader = "X-Timestamp",
            Separator = ":",
        });
        var verifier = new HmacVerifier(
            [Utf8Key("a", "first"), Utf8Key("b", "second")], layout, TimeSpan.FromMinutes(5));
        var t = Now.ToUnixTimeSeconds() + offsetSeconds;
        var signature = signatureCase switch
        {
            "second-secret" => HexSha256("second", $"{t}:{Body}"),
            "wrong-separator" => HexSha256("first", $"{t}.{Body}"),
            _ => HexSha256("first", $"{t}:{Body}"),
        };
        var timestamp = signatureCase switch
        {
            "no-timestamp" => null,
            "timestamp-tampered" => (t + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "timestamp-not-numeric" => "yesterday",
            _ => t.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = Verify(verifier, Request(("X-Signature", signature), ("X-Timestamp", timestamp)), Body);

        Assert.Equal(Outcome(outcome), result.Outcome);
    }
}
