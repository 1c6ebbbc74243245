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

    // The vectors of Twilio's own SDK tests (twilio-python, tests/unit/test_request_validator.py),
    // for the same token and URL: a parameter sent twice, and a JSON body bound by bodySHA256.
    private const string SdkRepeatedForm = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
    private const string SdkRepeatedSignature = "IK+Dwps556ElfBT0I3Rgjkr1wJU=";
    private const string SdkJsonBody = """{"property": "value", "boolean": true}""";
    private const string SdkJsonBodyHash =
        "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    private const string SdkJsonSignature = "a9nBmqA0ju/hNViExpshrM61xv4=";

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
    [InlineData("sdk-vector", "Verified", "current")]
    [InlineData("identical-repeat-sent-twice", "Verified", "current")]
    [InlineData("repeated-values-reordered", "Verified", "current")]
    [InlineData("signed-with-old-token", "Verified", "old")]
    [InlineData("repeated-value-dropped", "Mismatch", null)]
    [InlineData("signed-in-arrival-order", "Mismatch", null)]
    public void Verify_RepeatedParameter_SortsValuesAndSignsEachDistinctOnce(
        string signatureCase, string outcome, string? key)
    {
        var form = signatureCase switch
        {
            "identical-repeat-sent-twice" => SdkRepeatedForm + "&Digits=1234",
            "repeated-values-reordered" => "Digits=1234&Sid=CA123&Digits=5678&SidAccount=AC123",
            "repeated-value-dropped" => "Sid=CA123&SidAccount=AC123&Digits=5678",
            _ => SdkRepeatedForm,
        };
        var signature = signatureCase switch
        {
            "signed-with-old-token" => Sha1Base64("67890",
                DocumentedUrl + DocumentedQuery + "Digits1234Digits5678SidCA123SidAccountAC123"),
            "signed-in-arrival-order" => Sha1Base64(DocumentedToken,
                DocumentedUrl + DocumentedQuery + "Digits5678Digits1234SidCA123SidAccountAC123"),
            _ => SdkRepeatedSignature,
        };
        var request = Request(("X-Twilio-Signature", signature));
        request.QueryString = new QueryString(DocumentedQuery);

        var result = Verify(Verifier, request, form);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
    }

    [Theory]
    [InlineData("sdk-vector", "Verified", "current")]
    [InlineData("signed-with-old-token", "Verified", "old")]
    [InlineData("signed-with-default-port", "Verified", "current")]
    [InlineData("body-tampered", "Mismatch", null)]
    [InlineData("hash-tampered", "Mismatch", null)]
    [InlineData("wrong-token", "Mismatch", null)]
    [InlineData("signature-truncated", "Malformed", null)]
    public void Verify_JsonBodyWithBodySha256_BindsBodyThroughTheSignedUrl(
        string signatureCase, string outcome, string? key)
    {
        var hash = signatureCase == "hash-tampered" ? "1" + SdkJsonBodyHash[1..] : SdkJsonBodyHash;
        var query = DocumentedQuery + "&bodySHA256=" + hash;
        var signature = signatureCase switch
        {
            "sdk-vector" or "body-tampered" => SdkJsonSignature,
            "signature-truncated" => SdkJsonSignature[..^4],
            "signed-with-old-token" => Sha1Base64("67890", DocumentedUrl + query),
            "signed-with-default-port" =>
                Sha1Base64(DocumentedToken, "https://mycompany.com:443/myapp.php" + query),
            "wrong-token" => Sha1Base64("54321", DocumentedUrl + query),
            _ => Sha1Base64(DocumentedToken, DocumentedUrl + query),
        };
        var request = Request(("X-Twilio-Signature", signature));
        request.QueryString = new QueryString(query);
        var body = signatureCase == "body-tampered"
            ? SdkJsonBody.Replace("true", "false", StringComparison.Ordinal)
            : SdkJsonBody;

        var result = Verify(Verifier, request, body);

        Assert.Equal(Outcome(outcome), result.Outcome);
        Assert.Equal(key, result.KeyName);
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
    public void SdkJsonBody_Sha256_MatchesTheSignedBodySha256()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SdkJsonBody)));

        Assert.Equal(SdkJsonBodyHash, hash);
    }

    private static string Sha1Base64(string token, string data) =>
        Convert.ToBase64String(Mac(HashAlgorithmName.SHA1, Encoding.UTF8.GetBytes(token), data));
}
