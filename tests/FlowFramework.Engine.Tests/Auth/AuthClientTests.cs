using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using FlowFramework.Engine.Auth;
using Microsoft.Extensions.Time.Testing;

namespace FlowFramework.Engine.Tests.Auth;

/// <summary>A request exactly as it left the client: headers and body.</summary>
internal sealed record SentRequest(string Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body);

/// <summary>Records every request and answers from a script (the last answer repeats).</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<(int Status, string Body)> _answers = new();
    private (int Status, string Body) _last = (200, "{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"number\":\"2.19.0\",\"distribution\":\"opensearch\"}}");

    public List<SentRequest> Sent { get; } = [];

    public RecordingHandler Then(int status, string body)
    {
        _answers.Enqueue((status, body));
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (Sent)
        {
            Sent.Add(new SentRequest(request.Method.Method, request.RequestUri!, headers, body));
        }

        if (_answers.Count > 0)
        {
            _last = _answers.Dequeue();
        }

        return new HttpResponseMessage((HttpStatusCode)_last.Status) { Content = new StringContent(_last.Body, Encoding.UTF8, "application/json") };
    }
}

public class AuthClientTests
{
    private const string Key = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=";
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string StatusBody = "{\"workflow_id\":\"wf\",\"state\":\"NOT_STARTED\"}";

    private static SecureString Secure(string text) => new NetworkCredential(string.Empty, text).SecurePassword;

    private static FlowApiClient Client(RecordingHandler handler, FlowAuthentication auth, TimeProvider? time = null, string baseUri = "https://search-demo-abc.us-east-1.es.amazonaws.com", Action<FlowRequestRecord>? observer = null) =>
        new(new FlowClientOptions { BaseUri = new Uri(baseUri), Handler = handler, Authentication = auth, TimeProvider = time ?? new FakeTimeProvider(Now), RequestObserver = observer });

    private static FlowAuthentication Aws(FlowAwsCredentials credentials, string service = "es") =>
        new() { AwsCredentials = credentials, AwsRegion = "us-east-1", AwsService = service };

    /// <summary>The Authorization value for a canonical request written out by hand in the test, signed with the suite-proven primitives.</summary>
    private static string ExpectedAuthorization(string canonicalRequest, string signedHeaders, string key = Key, string secret = Secret, string region = "us-east-1", string service = "es")
    {
        var stringToSign = SigV4Signer.StringToSign("20260101T000000Z", $"20260101/{region}/{service}/aws4_request", canonicalRequest);
        using var hmac = new System.Security.Cryptography.HMACSHA256(SigV4Signer.SigningKey(secret, "20260101", region, service));
        var signature = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        return $"AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    [Fact]
    public async Task Deprovision_with_two_allow_delete_ids_signs_the_comma_as_2C_and_the_empty_body()
    {
        // The first deprovision of a connection reads the deprovision pool's size first (the in-flight cap).
        var handler = new RecordingHandler().Then(403, "{\"error\":\"no permissions\"}").Then(200, "{\"workflow_id\":\"wf1\"}");
        using var client = Client(handler, Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret))));

        await client.DeprovisionAsync("wf1", ["my-index", "my-pipeline"], CancellationToken.None);

        Assert.Equal(["GET /_nodes/thread_pool", "POST /_plugins/_flow_framework/workflow/wf1/_deprovision"], handler.Sent.Select(r => $"{r.Method} {r.Uri.AbsolutePath}"));
        Assert.All(handler.Sent, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Headers["authorization"]));
        var sent = handler.Sent[1];
        Assert.Equal("?allow_delete=my-index,my-pipeline", sent.Uri.Query);
        Assert.Empty(sent.Body);
        Assert.Equal(SigV4Signer.EmptyPayloadHash, sent.Headers["x-amz-content-sha256"]);
        Assert.Equal("20260101T000000Z", sent.Headers["x-amz-date"]);
        Assert.False(sent.Headers.ContainsKey("x-amz-security-token"));
        var canonical = "POST\n/_plugins/_flow_framework/workflow/wf1/_deprovision\nallow_delete=my-index%2Cmy-pipeline\n"
            + "host:search-demo-abc.us-east-1.es.amazonaws.com\nx-amz-content-sha256:" + SigV4Signer.EmptyPayloadHash + "\nx-amz-date:20260101T000000Z\n\n"
            + "host;x-amz-content-sha256;x-amz-date\n" + SigV4Signer.EmptyPayloadHash;
        Assert.Equal(ExpectedAuthorization(canonical, "host;x-amz-content-sha256;x-amz-date"), sent.Headers["authorization"]);
    }

    [Fact]
    public async Task Escaped_workflow_id_is_signed_with_its_path_encoded_twice_and_the_port_in_host()
    {
        var handler = new RecordingHandler().Then(200, StatusBody);
        using var client = Client(handler, Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret)), "aoss"), baseUri: "https://localhost:9200");

        await client.GetWorkflowStatusAsync("my id/\u00fc", all: true, CancellationToken.None);

        var sent = Assert.Single(handler.Sent);
        Assert.Equal("/_plugins/_flow_framework/workflow/my%20id%2F%C3%BC/_status", sent.Uri.AbsolutePath);
        var canonical = "GET\n/_plugins/_flow_framework/workflow/my%2520id%252F%25C3%25BC/_status\nall=true\n"
            + "host:localhost:9200\nx-amz-content-sha256:" + SigV4Signer.EmptyPayloadHash + "\nx-amz-date:20260101T000000Z\n\n"
            + "host;x-amz-content-sha256;x-amz-date\n" + SigV4Signer.EmptyPayloadHash;
        Assert.Equal(ExpectedAuthorization(canonical, "host;x-amz-content-sha256;x-amz-date", service: "aoss"), sent.Headers["authorization"]);
    }

    [Fact]
    public async Task Session_token_is_sent_and_signed()
    {
        var handler = new RecordingHandler();
        using var client = Client(handler, Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret), Secure(Token))));

        await client.GetClusterInfoAsync(CancellationToken.None);

        var sent = Assert.Single(handler.Sent);
        Assert.Equal(Token, sent.Headers["x-amz-security-token"]);
        var canonical = "GET\n/\n\nhost:search-demo-abc.us-east-1.es.amazonaws.com\nx-amz-content-sha256:" + SigV4Signer.EmptyPayloadHash
            + "\nx-amz-date:20260101T000000Z\nx-amz-security-token:" + Token + "\n\nhost;x-amz-content-sha256;x-amz-date;x-amz-security-token\n" + SigV4Signer.EmptyPayloadHash;
        Assert.Equal(ExpectedAuthorization(canonical, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"), sent.Headers["authorization"]);
    }

    [Fact]
    public async Task Temporary_credentials_are_fetched_again_five_minutes_before_they_expire()
    {
        var clock = new FakeTimeProvider(Now);
        var issued = 0;
        var source = new DelegateAwsCredentials("test source", _ =>
        {
            var n = Interlocked.Increment(ref issued);
            return Task.FromResult(new AwsCredentialSet("ASIAKEY" + n, "secret" + n, "token" + n, clock.GetUtcNow().AddMinutes(15)));
        });
        var handler = new RecordingHandler();
        using var client = Client(handler, Aws(source), clock);

        await client.GetClusterInfoAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(9));
        await client.GetClusterInfoAsync(CancellationToken.None);   // 6 minutes left: still the first keys
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await client.GetClusterInfoAsync(CancellationToken.None);   // under 5 minutes left: fetched again
        await client.GetClusterInfoAsync(CancellationToken.None);

        Assert.Equal(2, issued);
        Assert.Equal(["ASIAKEY1", "ASIAKEY1", "ASIAKEY2", "ASIAKEY2"], handler.Sent.Select(s => s.Headers["authorization"].Split('=', '/')[1]).ToArray());
        Assert.Equal(["token1", "token1", "token2", "token2"], handler.Sent.Select(s => s.Headers["x-amz-security-token"]).ToArray());
        Assert.Equal("20260101T001001Z", handler.Sent[2].Headers["x-amz-date"]);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_keys_until_they_expire_then_stops_with_an_authentication_error()
    {
        var clock = new FakeTimeProvider(Now);
        var calls = 0;
        var source = new DelegateAwsCredentials("the test profile", _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                return Task.FromResult(new AwsCredentialSet("ASIAONE", "secret-one", "token-one", clock.GetUtcNow().AddMinutes(10)));
            }

            throw new FlowApiException(FlowErrorKind.Authentication, "The AWS credentials from the test profile could not be refreshed.");
        });
        var handler = new RecordingHandler();
        using var client = Client(handler, Aws(source), clock);
        await client.GetClusterInfoAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(7));
        await client.GetClusterInfoAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(4));
        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetClusterInfoAsync(CancellationToken.None));

        Assert.Equal(FlowErrorKind.Authentication, ex.Kind);
        Assert.Equal(2, handler.Sent.Count);
        Assert.All(handler.Sent, s => Assert.Contains("Credential=ASIAONE/", s.Headers["authorization"]));
    }

    [Fact]
    public async Task Bearer_token_goes_in_the_authorization_header()
    {
        var handler = new RecordingHandler();
        using var client = Client(handler, new FlowAuthentication { BearerToken = Secure("eyJhbGciOiJIUzI1NiJ9.e30.sig") });

        await client.GetClusterInfoAsync(CancellationToken.None);

        Assert.Equal("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", Assert.Single(handler.Sent).Headers["authorization"]);
    }

    [Fact]
    public void Aws_and_bearer_together_are_refused()
    {
        var auth = Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret)));
        auth.BearerToken = Secure("t");
        Assert.Throws<ArgumentException>(() => Client(new RecordingHandler(), auth));
    }

    public static TheoryData<string, FlowErrorKind> AwsAnswers() => new()
    {
        { "{\"message\":\"The security token included in the request is invalid.\"}", FlowErrorKind.Authentication },
        { "{\"message\":\"The security token included in the request is expired\"}", FlowErrorKind.Authentication },
        { "{\"message\":\"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\"}", FlowErrorKind.Authentication },
        { "{\"message\":\"Missing Authentication Token\"}", FlowErrorKind.Authentication },
        { "{\"message\":\"Credential should be scoped to a valid region. \"}", FlowErrorKind.Authentication },
        { "{\"message\":\"Signature expired: 20260101T000000Z is now earlier than 20260101T000600Z (20260101T001100Z - 5 min.)\"}", FlowErrorKind.Authentication },
        { "{\"Message\":\"User: arn:aws:iam::123456789012:user/ops is not authorized to perform: es:ESHttpPost because no identity-based policy allows the es:ESHttpPost action\"}", FlowErrorKind.Forbidden },
        // Serverless: the same shape carries both a rejected signature and a data-access-policy denial.
        { "{\"status\":403,\"request-id\":\"449db36c-eb23-97f2-b77e-3abd60fe5791\",\"error\":{\"reason\":\"Customer authentication failed: ResultDetail: { Code=InvalidSignature }\",\"type\":\"security_exception\"}}", FlowErrorKind.Authentication },
        { "{\"status\":403,\"request-id\":\"449db36c-eb23-97f2-b77e-3abd60fe5791\",\"error\":{\"reason\":\"403 Forbidden\",\"type\":\"Forbidden\"}}", FlowErrorKind.Forbidden },
        // The security plugin's own 403 stays an access denial.
        { "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:admin/opensearch/flow_framework/workflow/get]\"}],\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:admin/opensearch/flow_framework/workflow/get]\"},\"status\":403}", FlowErrorKind.Forbidden },
    };

    [Theory]
    [MemberData(nameof(AwsAnswers))]
    public async Task Aws_403_answers_are_told_apart(string body, FlowErrorKind kind)
    {
        var handler = new RecordingHandler().Then(403, body);
        using var client = Client(handler, Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret))));

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync("wf", all: false, CancellationToken.None));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(403, ex.StatusCode);
    }

    [Fact]
    public async Task The_canonical_string_aws_sends_back_after_a_mismatch_reaches_no_message_or_log()
    {
        var body = "{\"message\":\"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\\n\\nThe Canonical String for this request should have been\\n'GET\\n/\\n\\nhost:h\\nx-amz-security-token:" + Token + "\\n'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n20260101T000000Z\\n'\\n\"}";
        var handler = new RecordingHandler().Then(403, body);
        var records = new List<FlowRequestRecord>();
        using var client = Client(handler, Aws(FlowAwsCredentials.FromKeys(Key, Secure(Secret), Secure(Token))), observer: records.Add);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetClusterInfoAsync(CancellationToken.None));

        Assert.Equal(FlowErrorKind.Authentication, ex.Kind);
        Assert.EndsWith("Consult the service documentation for details.", ex.ServerMessage);
        var everything = ex.Message + ex.ServerMessage + string.Join("|", records.Select(r => r.Error + r.Path)) + ex;
        Assert.DoesNotContain(Token, everything);
        Assert.DoesNotContain(Secret, everything);
        Assert.DoesNotContain("Canonical String", everything);
    }

    [Theory]
    [InlineData("search-flows-3k2xkz2d7y5aq.us-east-1.es.amazonaws.com", "us-east-1", "es")]
    [InlineData("vpc-flows-abc.eu-central-1.es.amazonaws.com", "eu-central-1", "es")]
    [InlineData("abc123xyz.us-west-2.aoss.amazonaws.com", "us-west-2", "aoss")]
    [InlineData("search-x.cn-north-1.es.amazonaws.com.cn", "cn-north-1", "es")]
    [InlineData("search-x.us-gov-west-1.es.amazonaws.com", "us-gov-west-1", "es")]
    public void Region_and_service_come_from_aws_hosts(string host, string region, string service)
    {
        Assert.True(AwsEndpoint.TryParse(host, out var r, out var s));
        Assert.Equal(region, r);
        Assert.Equal(service, s);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("search.example.com")]
    [InlineData("es.amazonaws.com")]
    [InlineData("my.us-east-1.s3.amazonaws.com")]
    [InlineData("")]
    public void Other_hosts_name_no_region(string host) => Assert.False(AwsEndpoint.TryParse(host, out _, out _));

    [Fact]
    public void Key_credentials_describe_themselves_without_the_secret()
    {
        var keys = FlowAwsCredentials.FromKeys(Key, Secure(Secret), Secure(Token));
        Assert.Equal("access key AKIDEXAMPLE", keys.ToString());
        var set = keys.GetAsync(CancellationToken.None).Result;
        Assert.DoesNotContain(Secret, set.ToString());
        Assert.DoesNotContain(Token, set.ToString());
    }
}
