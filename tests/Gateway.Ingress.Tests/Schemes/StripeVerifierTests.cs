using Gateway.Ingress.Verification;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.Schemes;

public sealed class StripeVerifierTests
{
    private const string Body = """{"id":"evt_1","object":"event","type":"charge.succeeded"}""";
    private const string Current = "whsec_current0123456789";
    private const string Previous = "whsec_previous0123456789";

    private static readonly StripeVerifier Verifier =
        new([Utf8Key("current", Current), Utf8Key("previous", Previous)], TimeSpan.FromMinutes(5));

    private static readonly long T = Now.ToUnixTimeSeconds();

    [Theory]
    [InlineData("valid", "Verified", "current")]
    [InlineData("signed-with-previous-secret", "Verified", "previous")]
    [InlineData("second-v1-valid", "Verified", "current")]
    [InlineData("with-v0-and-unknown-schemes", "Verified", "current")]
    [InlineData("wrong-secret", "Mismatch", null)]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("timestamp-tampered", "Mismatch", null)]
    [InlineData("undecodable-v1-and-wrong-v1", "Mismatch", null)]
    [InlineData("signature-truncated", "Malformed", null)]
    [InlineData("signature-extended", "Malformed", null)]
    [InlineData("signature-not-hex", "Malformed", null)]
    [InlineData("undecodable-v1-and-valid-v0", "Malformed", null)]
    [InlineData("only-v0", "Malformed", null)]
    [InlineData("no-timestamp", "Malformed", null)]
    [InlineData("timestamp-not-numeric", "Malformed", null)]
    [InlineData("empty-header", "Missing", null)]
    [InlineData("no-header", "Missing", null)]
    public void Verify_SignatureCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var valid = HexSha256(Current, $"{T}.{Body}");
        var header = signatureCase switch
        {
            "valid" => $"t={T},v1={valid}",
            "signed-with-previous-secret" => $"t={T},v1={HexSha256(Previous, $"{T}.{Body}")}",
            "second-v1-valid" => $"t={T},v1={HexSha256("whsec_other", $"{T}.{Body}")},v1={valid}",
            "with-v0-and-unknown-schemes" => $"t={T},v0={valid},v1={valid},v9=zz",
            "wrong-secret" => $"t={T},v1={HexSha256("whsec_wrong", $"{T}.{Body}")}",
            "body-tampered" => $"t={T},v1={HexSha256(Current, $"{T}.{Body} ")}",
            "timestamp-tampered" => $"t={T + 1},v1={valid}",
            "signature-truncated" => $"t={T},v1={valid[..62]}",
            "signature-extended" => $"t={T},v1={valid}00",
            "signature-not-hex" => $"t={T},v1={valid[..62]}zz",
            "undecodable-v1-and-wrong-v1" =>
                $"t={T},v1={valid[..62]}zz,v1={HexSha256("whsec_wrong", $"{T}.{Body}")}",
            "undecodable-v1-and-valid-v0" => $"t={T},v1={valid[..62]},v0={valid}",
            "only-v0" => $"t={T},v0={valid}",
            "no-timestamp" => $"v1={valid}",
            "timestamp-not-numeric" => $"t=abc,v1={valid}",
            "empty-header" => "",
            _ => null,
        };

        var result = Verify(Verifier, Request(("Stripe-Signature", header)), Body);

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
        var t = T + offsetSeconds;
        var header = $"t={t},v1={HexSha256(Current, $"{t}.{Body}")}";

        var result = Verify(Verifier, Request(("Stripe-Signature", header)), Body);

        Assert.Equal(Outcome(outcome), result.Outcome);
    }
}
