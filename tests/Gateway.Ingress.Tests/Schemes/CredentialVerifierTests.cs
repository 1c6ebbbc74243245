using System.Text;
using Gateway.Ingress.Verification;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.Schemes;

public sealed class CredentialVerifierTests
{
    private static readonly CredentialVerifier Basic = new(
        [CredentialVerifier.Digest("erp", "erp:pa55word"), CredentialVerifier.Digest("erp-next", "erp:n3w-pa55")],
        basic: true);

    private static readonly CredentialVerifier Bearer = new(
        [
            CredentialVerifier.Digest("team-a", "token-a-0123456789"),
            CredentialVerifier.Digest("team-a-next", "token-b"),
        ],
        basic: false);

    [Theory]
    [InlineData("Basic erp:pa55word", "Verified", "erp")]
    [InlineData("basic erp:n3w-pa55", "Verified", "erp-next")]
    [InlineData("Basic erp:wrong", "Mismatch", null)]
    [InlineData("Basic erp:pa55wor", "Mismatch", null)]
    [InlineData("Basic erp:pa55word2", "Mismatch", null)]
    [InlineData("Bearer erp:pa55word", "Malformed", null)]
    [InlineData("Basic !!notbase64!!", "Malformed", null)]
    [InlineData(null, "Missing", null)]
    public void VerifyBasic_AuthorizationCase_GivesOutcome(string? authorization, string outcome, string? key)
    {
        // The cases are written in clear text; the credential after the scheme is sent base64-encoded.
        var space = authorization?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        var header = authorization is null || authorization.Contains('!', StringComparison.Ordinal)
            ? authorization
            : authorization[..space] + " "
                + Convert.ToBase64String(Encoding.UTF8.GetBytes(authorization[(space + 1)..]));

        var result = Verify(Basic, Request(("Authorization", header)), "{}");

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }

    [Theory]
    [InlineData("Bearer token-a-0123456789", "Verified", "team-a")]
    [InlineData("Bearer token-b", "Verified", "team-a-next")]
    [InlineData("Bearer token-a-012345678", "Mismatch", null)]
    [InlineData("Bearer token-a-01234567890", "Mismatch", null)]
    [InlineData("Bearer ", "Mismatch", null)]
    [InlineData("Token token-b", "Malformed", null)]
    [InlineData(null, "Missing", null)]
    public void VerifyBearer_AuthorizationCase_GivesOutcome(string? authorization, string outcome, string? key)
    {
        var result = Verify(Bearer, Request(("Authorization", authorization)), "{}");

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }
}
