using System.Security.Cryptography;
using System.Text;
using Gateway.Ingress.Verification;
using Microsoft.AspNetCore.Http;
using static Gateway.Ingress.Tests.Schemes.SchemeHarness;

namespace Gateway.Ingress.Tests.Schemes;

public sealed class TwilioVerifierTests
{
    // Twilio's documented example: https://www.twilio.com/docs/usage/security#validating-requests
    private const string DocumentedToken = "12345";
    private const string DocumentedUrl = "https://mycompany.com/myapp.php";
    private const string DocumentedQuery = "?foo=1&bar=2";
    private const string DocumentedSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    private const string DocumentedForm =
        "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";

    // Twilio's documented JSON example: its bodySHA256 is the SHA-256 of this exact body.
    private const string JsonBody = """{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}""";
    private const string JsonBodyHash = "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9";

    private static readonly TwilioVerifier Verifier =
        new([Utf8Key("old", "67890"), Utf8Key("current", DocumentedToken)], DocumentedUrl);

    [Theory]
    [InlineData("documented", "Verified", "current")]
    [InlineData("parameters-reordered", "Verified", "current")]
    [InlineData("signed-with-old-token", "Verified", "old")]
    [InlineData("signed-with-default-port", "Verified", "current")]
    [InlineData("parameter-tampered", "Mismatch", null)]
    [InlineData("query-tampered", "Mismatch", null)]
    [InlineData("truncated", "Malformed", null)]
    [InlineData("not-base64", "Malformed", null)]
    [InlineData("no-header", "Missing", null)]
    public void Verify_FormCase_GivesOutcome(string signatureCase, string outcome, string? key)
    {
        var form = signatureCase switch
        {
            "parameters-reordered" =>
                "To=%2B18005551212&From=%2B12349013030&Digits=1234&Caller=%2B12349013030&CallSid=CA1234567890ABCDE",
            "parameter-tampered" => DocumentedForm.Replace("Digits=1234", "Digits=1235", StringComparison.Ordinal),
            _ => DocumentedForm,
        };
        var query = signatureCase == "query-tampered" ? "?foo=1&bar=3" : DocumentedQuery;
        var signature = signatureCase switch
        {
            "signed-with-old-token" => Convert.ToBase64String(Mac(
                HashAlgorithmName.SHA1,
                Encoding.UTF8.GetBytes("67890"),
                DocumentedUrl + DocumentedQuery + "CallSid" + "CA1234567890ABCDE" + "Caller" + "+12349013030"
                + "Digits" + "1234" + "From" + "+12349013030" + "To" + "+18005551212")),
            "signed-with-default-port" => Convert.ToBase64String(Mac(
                HashAlgorithmName.SHA1,
                Encoding.UTF8.GetBytes(DocumentedToken),
                "https://mycompany.com:443/myapp.php" + DocumentedQuery + "CallSid" + "CA1234567890ABCDE"
                + "Caller" + "+12349013030" + "Digits" + "1234" + "From" + "+12349013030" + "To" + "+18005551212")),
            "truncated" => DocumentedSignature[..^4],
            "not-base64" => "***" + DocumentedSignature[3..],
            "no-header" => null,
            _ => DocumentedSignature,
        };
        var request = Request(("X-Twilio-Signature", signature));
        request.QueryString = new QueryString(query);

        var result = Verify(Verifier, request, form);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }

    [Theory]
    [InlineData("valid", "Verified")]
    [InlineData("body-tampered", "Mismatch")]
    [InlineData("hash-tampered", "Mismatch")]
    [InlineData("wrong-token", "Mismatch")]
    public void Verify_JsonBodyWithBodySha256_BindsBodyThroughTheSignedUrl(string signatureCase, string outcome)
    {
        var hash = signatureCase == "hash-tampered" ? "0" + JsonBodyHash[1..] : JsonBodyHash;
        var query = "?bodySHA256=" + hash;
        var token = signatureCase == "wrong-token" ? "54321" : DocumentedToken;
        var signature = Convert.ToBase64String(
            Mac(HashAlgorithmName.SHA1, Encoding.UTF8.GetBytes(token), DocumentedUrl + query));
        var request = Request(("X-Twilio-Signature", signature));
        request.QueryString = new QueryString(query);
        var body = signatureCase == "body-tampered" ? JsonBody.Replace("+1", "+2", StringComparison.Ordinal) : JsonBody;

        var result = Verify(Verifier, request, body);

        Assert.Equal(Outcome(outcome), result.Outcome);
    }

    [Theory]
    [InlineData("https://a.example/hook", "https://a.example/hook|https://a.example:443/hook")]
    [InlineData("https://a.example:443/hook", "https://a.example:443/hook|https://a.example/hook")]
    [InlineData("http://a.example", "http://a.example|http://a.example:80")]
    [InlineData("http://a.example:8080/hook", "http://a.example:8080/hook")]
    public void Spellings_PublicUrl_WithAndWithoutTheDefaultPort(string url, string spellings)
    {
        Assert.Equal(spellings.Split('|'), TwilioVerifier.Spellings(url));
    }

    [Fact]
    public void DocumentedJsonBody_Sha256_MatchesTheDocumentedBodySha256()
    {
        Assert.Equal(JsonBodyHash, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonBody))));
    }
}
