using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Security;
using Microsoft.Extensions.Time.Testing;

namespace FlowFramework.Simulator.Tests;

/// <summary>
/// --sigv4: the verifier is checked against AWS's published Signature Version 4 test suite
/// (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html: example keys, 2015-08-30T12:36:00Z, us-east-1,
/// service "service"), then over HTTP with the 403 bodies AWS answers.
/// </summary>
public sealed class SigV4VerificationTests
{
    private const string SuiteKey = "AKIDEXAMPLE";
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static SecurityOptions Options(string region, string service, params string[] keys)
    {
        var o = new SecurityOptions();
        o.TryParse("--sigv4", () => region + "/" + service);
        foreach (var k in keys)
        {
            o.TryParse("--aws-key", () => k);
        }
        return o;
    }

    private static SigV4Verifier.Request SuiteRequest(string method, string target, string signature, string signedHeaders, params (string Name, string Value)[] extra)
    {
        var headers = new Dictionary<string, string[]>
        {
            ["host"] = ["example.amazonaws.com"],
            ["x-amz-date"] = ["20150830T123600Z"],
            ["authorization"] = [$"AWS4-HMAC-SHA256 Credential={SuiteKey}/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}"],
        };
        byte[] body = [];
        foreach (var (name, value) in extra)
        {
            if (name == "body") { body = Encoding.UTF8.GetBytes(value); continue; }
            headers[name] = headers.TryGetValue(name, out var v) ? [.. v, value] : [value];
        }
        return new SigV4Verifier.Request(method, target, headers, body);
    }

    private static readonly FakeTimeProvider SuiteClock = new(new DateTimeOffset(2015, 8, 30, 12, 38, 0, TimeSpan.Zero));

    public static TheoryData<string, string, string, string, string[]> SuiteCases() => new()
    {
        { "GET", "/", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", [] },
        { "GET", "/?Param2=value2&Param1=value1", "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", [] },
        { "GET", "/?Param1=value1", "host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb", [] },
        { "GET", "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197", [] },
        { "GET", "/", "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736", ["my-header1: value1", "my-header2:\"a   b   c\""] },
        { "GET", "/", "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea", ["my-header1:value2", "my-header1:value2", "my-header1:value1"] },
        { "POST", "/", "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", [] },
        { "POST", "/", "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d", ["my-header1:VALUE1"] },
        { "POST", "/", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", ["content-type:application/x-www-form-urlencoded", "body:Param1=value1"] },
    };

    [Theory]
    [MemberData(nameof(SuiteCases))]
    public void Verifier_accepts_the_aws_test_suite_signatures_and_refuses_them_altered(string method, string target, string signedHeaders, string signature, string[] extra)
    {
        var verifier = new SigV4Verifier(Options("us-east-1", "service", $"{SuiteKey}:{SuiteSecret}"), SuiteClock);
        var pairs = extra.Select(e => (e[..e.IndexOf(':')], e[(e.IndexOf(':') + 1)..])).ToArray();

        var (key, refusal) = verifier.Verify(SuiteRequest(method, target, signature, signedHeaders, pairs));
        Assert.Null(refusal);
        Assert.Equal(SuiteKey, key!.AccessKeyId);

        var altered = signature[..^1] + (signature[^1] == '0' ? '1' : '0');
        var (_, refused) = verifier.Verify(SuiteRequest(method, target, altered, signedHeaders, pairs));
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", refused!["message"]!.GetValue<string>());
    }

    [Fact]
    public void Session_token_must_come_with_its_key_and_expires_on_request()
    {
        var options = Options("us-east-1", "service", $"{SuiteKey}:{SuiteSecret}:{SuiteToken}");
        var verifier = new SigV4Verifier(options, SuiteClock);
        const string signature = "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"; // post-sts-header-before

        Assert.Null(verifier.Verify(SuiteRequest("POST", "/", signature, "host;x-amz-date;x-amz-security-token", ("x-amz-security-token", SuiteToken))).Refusal);
        Assert.Equal("The security token included in the request is invalid.",
            verifier.Verify(SuiteRequest("POST", "/", signature, "host;x-amz-date", [])).Refusal!["message"]!.GetValue<string>());
        options.AwsKeys[0].Expired = true;
        Assert.Equal("The security token included in the request is expired",
            verifier.Verify(SuiteRequest("POST", "/", signature, "host;x-amz-date;x-amz-security-token", ("x-amz-security-token", SuiteToken))).Refusal!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("us-west-2", "service", "Credential should be scoped to a valid region. ")]
    [InlineData("us-east-1", "es", "Credential should be scoped to correct service: 'es'. ")]
    public void Scope_for_another_region_or_service_is_refused_with_awss_text(string region, string service, string message)
    {
        var verifier = new SigV4Verifier(Options(region, service, $"{SuiteKey}:{SuiteSecret}"), SuiteClock);
        var (_, rejection) = verifier.Verify(SuiteRequest("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date"));
        Assert.Equal(message, rejection!["message"]!.GetValue<string>());
    }

    [Fact]
    public void Unknown_key_clock_skew_and_no_signature_are_refused_with_awss_texts()
    {
        var late = new FakeTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 46, 0, TimeSpan.Zero));
        var verifier = new SigV4Verifier(Options("us-east-1", "service", "AKIDOTHER:x"), SuiteClock);
        var skewed = new SigV4Verifier(Options("us-east-1", "service", $"{SuiteKey}:{SuiteSecret}"), late);
        var vanilla = SuiteRequest("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date");
        var unsigned = new SigV4Verifier.Request("GET", "/", new Dictionary<string, string[]> { ["host"] = ["h"] }, []);

        Assert.Equal("The security token included in the request is invalid.", verifier.Verify(vanilla).Refusal!["message"]!.GetValue<string>());
        Assert.Equal("Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)", skewed.Verify(vanilla).Refusal!["message"]!.GetValue<string>());
        Assert.Equal("Missing Authentication Token", verifier.Verify(unsigned).Refusal!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_http_a_signed_request_with_a_comma_in_the_query_passes_and_a_wrong_secret_does_not()
    {
        await using var sim = await Sim.StartAsync("--sigv4", "us-east-1/es", "--aws-key", "AKIDSIM:sim-secret:sim-token");
        using var http = new HttpClient { BaseAddress = sim.Server.BaseAddress };

        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await (await http.GetAsync("/")).Content.ReadAsStringAsync());
        using var good = await http.SendAsync(TestSigner.Sign(HttpMethod.Post, new Uri(sim.Server.BaseAddress, $"{Sim.Wf}/nope/_deprovision?allow_delete=a,b"), "AKIDSIM", "sim-secret", "sim-token", "us-east-1", "es"));
        Assert.Equal(404, (int)good.StatusCode);   // signed correctly; the workflow just does not exist
        using var bad = await http.SendAsync(TestSigner.Sign(HttpMethod.Get, new Uri(sim.Server.BaseAddress, "/"), "AKIDSIM", "not-the-secret", "sim-token", "us-east-1", "es"));
        Assert.Equal(403, (int)bad.StatusCode);
        Assert.StartsWith("{\"message\":\"The request signature we calculated does not match", await bad.Content.ReadAsStringAsync());

        Assert.Equal(200, (await sim.PostAsync("/_simulator/aws/expire-tokens")).Status);
        using var expired = await http.SendAsync(TestSigner.Sign(HttpMethod.Get, new Uri(sim.Server.BaseAddress, "/"), "AKIDSIM", "sim-secret", "sim-token", "us-east-1", "es"));
        Assert.Equal("{\"message\":\"The security token included in the request is expired\"}", await expired.Content.ReadAsStringAsync());
        var log = (await sim.GetAsync("/_simulator/requests")).Text;
        Assert.DoesNotContain("sim-secret", log);
        Assert.DoesNotContain("sim-token", log);
        Assert.Contains("arn:aws:iam::123456789012:user/AKIDSIM", log);
    }

    [Fact]
    public async Task Serverless_wants_the_payload_hash_header()
    {
        await using var sim = await Sim.StartAsync("--sigv4", "us-east-1/aoss", "--aws-key", "AKIDSIM:sim-secret");
        using var http = new HttpClient { BaseAddress = sim.Server.BaseAddress };

        using var without = await http.SendAsync(TestSigner.Sign(HttpMethod.Get, new Uri(sim.Server.BaseAddress, "/"), "AKIDSIM", "sim-secret", null, "us-east-1", "aoss", contentHashHeader: false));
        using var with = await http.SendAsync(TestSigner.Sign(HttpMethod.Get, new Uri(sim.Server.BaseAddress, "/"), "AKIDSIM", "sim-secret", null, "us-east-1", "aoss"));

        Assert.Equal(403, (int)without.StatusCode);
        var body = JsonNode.Parse(await without.Content.ReadAsStringAsync())!;
        Assert.Equal("403 Forbidden", body["error"]!["reason"]!.GetValue<string>());
        Assert.Equal(200, (int)with.StatusCode);
    }
}
