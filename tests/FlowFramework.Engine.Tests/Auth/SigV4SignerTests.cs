using FlowFramework.Engine.Auth;

namespace FlowFramework.Engine.Tests.Auth;

/// <summary>
/// Known answers from AWS's public "Signature Version 4 test suite" (formerly in the AWS General Reference,
/// docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; the same files ship as aws-sig-v4-test-suite in
/// aws-c-auth and other SDKs). Every case signs with the suite's example keys, on 2015-08-30T12:36:00Z, region
/// us-east-1, service "service"; the expected Authorization values below are copied from the suite's .authz/.sreq files.
/// </summary>
public class SigV4SignerTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, string?, string[], string?, string, string> SuiteCases() => new()
    {
        // name, method, path (raw, as the suite writes it), query, headers besides host and x-amz-date, body, signed headers, signature
        { "get-vanilla", "GET", "/", null, [], null, "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", [], null, "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-vanilla-empty-query-key", "GET", "/", "Param1=value1", [], null, "host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb" },
        { "get-vanilla-query-unreserved", "GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], null, "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
        { "get-vanilla-utf8-query", "GET", "/", "\u1234=bar", [], null, "host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
        { "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", null, [], null, "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "get-utf8", "GET", "/\u1234", null, [], null, "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "normalize-path/get-space", "GET", "/example space/", null, [], null, "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "get-header-key-duplicate", "GET", "/", null, ["My-Header1:value2", "My-Header1:value2", "My-Header1:value1"], null, "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "GET", "/", null, ["My-Header1:value4", "My-Header1:value1", "My-Header1:value3", "My-Header1:value2"], null, "host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "get-header-value-trim", "GET", "/", null, ["My-Header1: value1", "My-Header2: \"a   b   c\""], null, "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "post-vanilla", "POST", "/", null, [], null, "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-vanilla-query", "POST", "/", "Param1=value1", [], null, "host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
        { "post-header-key-sort", "POST", "/", null, ["My-Header1:value1"], null, "host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
        { "post-header-value-case", "POST", "/", null, ["My-Header1:VALUE1"], null, "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
        { "post-x-www-form-urlencoded", "POST", "/", null, ["Content-Type:application/x-www-form-urlencoded"], "Param1=value1", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
        { "post-sts-token/post-sts-header-before", "POST", "/", null, ["X-Amz-Security-Token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="], null, "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead" },
    };

    [Theory]
    [MemberData(nameof(SuiteCases))]
    public void Signs_the_aws_test_suite_requests_as_the_suite_expects(string name, string method, string path, string? query, string[] extraHeaders, string? body, string signedHeaders, string signature)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z") };
        headers.AddRange(extraHeaders.Select(h => new KeyValuePair<string, string>(h[..h.IndexOf(':')], h[(h.IndexOf(':') + 1)..])));
        var payloadHash = SigV4Signer.PayloadHash(body is null ? null : System.Text.Encoding.UTF8.GetBytes(body));

        var result = SigV4Signer.Sign(method, path, query, headers, payloadHash, AccessKeyId, Secret, "us-east-1", "service", SuiteTime);

        Assert.True(result.Authorization == $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}",
            $"{name}: got {result.Authorization}\n{result.CanonicalRequest}");
    }

    [Fact]
    public void Canonical_request_and_string_to_sign_match_the_suite_for_repeated_query_keys()
    {
        // get-vanilla-query-order-key: GET /?Param1=value2&Param1=Value1; the .creq and .sts files of the suite.
        var headers = new[] { new KeyValuePair<string, string>("host", "example.amazonaws.com"), new KeyValuePair<string, string>("x-amz-date", "20150830T123600Z") };
        var result = SigV4Signer.Sign("GET", "/", "Param1=value2&Param1=Value1", headers, SigV4Signer.EmptyPayloadHash, AccessKeyId, Secret, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            "GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            result.CanonicalRequest);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89",
            result.StringToSign);
    }

    [Theory]
    // The comma of allow_delete=a,b is sent raw but signed as %2C: naive signers that sign the raw query fail here.
    [InlineData("allow_delete=a,b", "allow_delete=a%2Cb")]
    [InlineData("allow_delete=my%20index,other-pipeline", "allow_delete=my%20index%2Cother-pipeline")]
    [InlineData("all=true", "all=true")]
    [InlineData("b=2&a=1&a=0", "a=0&a=1&b=2")]
    [InlineData("flag", "flag=")]
    [InlineData("x=%2B+y", "x=%2B%2By")]
    public void Query_is_decoded_then_encoded_the_strict_way_and_sorted(string raw, string canonical) =>
        Assert.Equal(canonical, SigV4Signer.CanonicalQuery(raw));

    [Theory]
    // The wire path is encoded once more (AWS signs services other than S3 with a doubly encoded path).
    [InlineData("/_plugins/_flow_framework/workflow/my%20id%2Fx/_status", "/_plugins/_flow_framework/workflow/my%2520id%252Fx/_status")]
    [InlineData("/_plugins/_flow_framework/workflow/%C3%BC/_deprovision", "/_plugins/_flow_framework/workflow/%25C3%25BC/_deprovision")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    public void Path_as_sent_is_encoded_again(string wirePath, string canonical) =>
        Assert.Equal(canonical, SigV4Signer.CanonicalUri(wirePath));

    [Fact]
    public void Empty_body_hash_is_the_sha256_of_nothing()
    {
        Assert.Equal(SigV4Signer.EmptyPayloadHash, SigV4Signer.PayloadHash(null));
        Assert.Equal(SigV4Signer.EmptyPayloadHash, SigV4Signer.PayloadHash([]));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}"u8)), SigV4Signer.PayloadHash("{}"u8.ToArray()));
    }

    [Fact]
    public void Signature_object_does_not_print_its_contents() =>
        Assert.Equal("SigV4Signature", SigV4Signer.Sign("GET", "/", null, [new("host", "h")], SigV4Signer.EmptyPayloadHash, AccessKeyId, Secret, "us-east-1", "es", SuiteTime).ToString());
}
