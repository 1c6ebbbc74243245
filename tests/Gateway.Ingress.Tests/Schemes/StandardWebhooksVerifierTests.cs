using System.Security.Cryptography;
using Gateway.Ingress.Verification;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.Schemes;

public sealed class StandardWebhooksVerifierTests
{
    // The test vector of the Standard Webhooks reference libraries
    // (github.com/standard-webhooks/standard-webhooks, libraries/*/ tests).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string VectorTimestamp = "1614265330";
    private const string VectorBody = """{"test": 2432232314}""";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private const string OtherSecret = "whsec_dGhlIG90aGVyIHNlY3JldCBrZXkgYnl0ZXM=";

    private static readonly DateTimeOffset VectorNow = DateTimeOffset.FromUnixTimeSeconds(1614265330 + 10);

    private static readonly StandardWebhooksVerifier Verifier = new(
        [
            new SecretKey("current", StandardWebhooksVerifier.DecodeSecret(VectorSecret)!),
            new SecretKey("next", StandardWebhooksVerifier.DecodeSecret(OtherSecret)!),
        ],
        TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData("vector", "webhook", "Verified", "current")]
    [InlineData("vector", "svix", "Verified", "current")]
    [InlineData("several-signatures-last-valid", "webhook", "Verified", "current")]
    [InlineData("v1a-and-v1", "webhook", "Verified", "current")]
    [InlineData("signed-with-next-secret", "webhook", "Verified", "next")]
    [InlineData("secret-used-undecoded", "webhook", "Mismatch", null)]
    [InlineData("id-tampered", "webhook", "Mismatch", null)]
    [InlineData("timestamp-tampered", "webhook", "Mismatch", null)]
    [InlineData("body-tampered", "webhook", "Mismatch", null)]
    [InlineData("signature-truncated", "webhook", "Malformed", null)]
    [InlineData("signature-extended", "webhook", "Malformed", null)]
    [InlineData("signature-not-base64", "webhook", "Malformed", null)]
    [InlineData("wrong-version", "webhook", "Malformed", null)]
    [InlineData("only-v1a", "webhook", "Malformed", null)]
    [InlineData("timestamp-not-numeric", "webhook", "Malformed", null)]
    [InlineData("no-id", "webhook", "Missing", null)]
    [InlineData("no-signature", "svix", "Missing", null)]
    public void Verify_SignatureCase_GivesOutcome(string signatureCase, string family, string outcome, string? key)
    {
        var id = signatureCase switch { "id-tampered" => VectorId + "x", "no-id" => null, _ => VectorId };
        var timestamp = signatureCase switch
        {
            "timestamp-not-numeric" => "1614265330.0",
            "timestamp-tampered" => "1614265331",
            _ => VectorTimestamp,
        };
        var body = signatureCase == "body-tampered" ? """{"test": 2432232315}""" : VectorBody;
        var signed = $"{VectorId}.{VectorTimestamp}.{VectorBody}";
        var signature = signatureCase switch
        {
            "several-signatures-last-valid" =>
                "v1,Zm9vYmFyYmF6 v1,aW52YWxpZHNpZ25hdHVyZWludmFsaWRzaWduYXR1cmU= " + VectorSignature,
            "v1a-and-v1" => "v1a,c29tZWVkMjU1MTlzaWduYXR1cmU= " + VectorSignature,
            "signed-with-next-secret" => "v1," + Convert.ToBase64String(
                Mac(HashAlgorithmName.SHA256, StandardWebhooksVerifier.DecodeSecret(OtherSecret)!, signed)),
            "secret-used-undecoded" => "v1," + Base64Sha256(VectorSecret, signed),
            "signature-truncated" => VectorSignature[..^4],
            "signature-extended" => "v1," + Convert.ToBase64String(
                [.. Convert.FromBase64String(VectorSignature[3..]), 0]),
            "wrong-version" => "v2," + VectorSignature[3..],
            "signature-not-base64" => "v1,***" + VectorSignature[6..],
            "only-v1a" => "v1a,c29tZWVkMjU1MTlzaWduYXR1cmU=",
            "no-signature" => null,
            _ => VectorSignature,
        };
        var request = Request(
            (family + "-id", id), (family + "-timestamp", timestamp), (family + "-signature", signature));

        var result = Verify(Verifier, request, body, VectorNow);

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
        var now = DateTimeOffset.FromUnixTimeSeconds(1614265330 - offsetSeconds);
        var request = Request(
            ("webhook-id", VectorId), ("webhook-timestamp", VectorTimestamp), ("webhook-signature", VectorSignature));

        var result = Verify(Verifier, request, VectorBody, now);

        Assert.Equal(Outcome(outcome), result.Outcome);
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("whsec_not base64!", false)]
    [InlineData("whsec_", false)]
    public void DecodeSecret_Text_DecodesOnlyBase64(string secret, bool decodes)
    {
        Assert.Equal(decodes, StandardWebhooksVerifier.DecodeSecret(secret) is not null);
    }
}
