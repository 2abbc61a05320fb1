using System.Management.Automation;

namespace FlowFramework.Tests;

/// <summary>Connect-FlowCluster's sign-in ways against a scripted cluster: what is sent, and each set-up failure's error.</summary>
[Collection("Environment")]
public class ConnectSignInTests
{
    private const string AwsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Keys = "$keys = [pscredential]::new('AKIDEXAMPLE', (ConvertTo-SecureString '" + AwsSecret + "' -AsPlainText -Force))\n";
    private const string ConnectId = ",FlowFramework.Commands.ConnectFlowClusterCommand";

    private static void AssertNothingSentAndNoSecret(FakeCluster? cluster, ErrorRecord error)
    {
        Assert.Empty(cluster?.RequestList ?? []);
        Assert.DoesNotContain(AwsSecret, error.Exception.ToString() + error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Aws_keys_sign_every_request_and_an_iam_denial_is_access_denied_with_the_iam_fix()
    {
        const string denied = "{\"Message\":\"User: arn:aws:iam::123456789012:user/ops is not authorized to perform: es:ESHttpGet because no identity-based policy allows the es:ESHttpGet action\"}";
        using var cluster = new FakeCluster(_ => new FakeResponse(403, denied));
        using var ps = new PowerShellSession();

        var result = ps.Run(Keys + $"$c = Connect-FlowCluster '{cluster.Url}' -AwsRegion eu-west-1 -AwsCredential $keys -PassThru\n$c\nGet-FlowWorkflowStatus wf1 -Connection $c");

        var connection = Assert.IsType<FlowConnection>(result.Output[0]);
        Assert.Equal("AwsSigV4", connection.Authentication);
        Assert.Equal(("eu-west-1", "es"), (connection.AwsRegion, connection.AwsService));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("the AWS credentials from access key AKIDEXAMPLE", warning);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAccessDenied,FlowFramework.Commands.GetFlowWorkflowStatusCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("workflow 'wf1'", error.Exception.Message);
        Assert.Contains("es:ESHttpGet", error.ErrorDetails.RecommendedAction);
        Assert.Equal(new[] { "GET /", "GET /_plugins/_flow_framework/workflow/wf1/_status" }, cluster.RequestList.Select(r => r.ToString()));
        Assert.All(cluster.RequestList, r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", r.Authorization));
        Assert.All(cluster.RequestList, r => Assert.Contains("/eu-west-1/es/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=", r.Authorization));
        Assert.DoesNotContain(AwsSecret, error.Exception.ToString());
    }

    [Fact]
    public void A_rejected_signature_is_a_terminating_authentication_error_naming_region_service_and_source()
    {
        using var cluster = new FakeCluster(_ => new FakeResponse(403, "{\"message\":\"The security token included in the request is invalid.\"}"));
        using var ps = new PowerShellSession();

        var result = ps.Run(Keys + $"Connect-FlowCluster '{cluster.Url}' -AwsRegion us-east-1 -AwsService aoss -AwsCredential $keys");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAuthenticationFailed" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("region 'us-east-1' and service 'aoss' with credentials from access key AKIDEXAMPLE (HTTP 403)", error.Exception.Message);
        Assert.Contains("The security token included in the request is invalid.", error.Exception.Message);
        foreach (var word in new[] { "-AwsRegion", "-AwsService", "clock", "credentials source" })
        {
            Assert.Contains(word, error.ErrorDetails.RecommendedAction);
        }
    }

    [Fact]
    public void A_host_that_names_no_region_needs_AwsRegion_and_nothing_is_sent()
    {
        using var cluster = new FakeCluster(_ => ClusterScripts.Root());
        using var ps = new PowerShellSession();

        var result = ps.Run(Keys + $"Connect-FlowCluster '{cluster.Url}' -AwsCredential $keys");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAwsRegionRequired" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'127.0.0.1'", error.Exception.Message);
        Assert.Contains("-AwsRegion", error.ErrorDetails.RecommendedAction);
        AssertNothingSentAndNoSecret(cluster, error);
    }

    [Theory]
    [InlineData("[pscredential]::new('AKIDEXAMPLE', [securestring]::new())", "one of them is empty")]
    [InlineData("'just a string'", "got System.String")]
    public void AwsCredential_that_is_neither_keys_nor_an_AWSCredentials_object_is_an_invalid_argument(string given, string expected)
    {
        using var ps = new PowerShellSession();

        var result = ps.Run($"Connect-FlowCluster https://search-x.us-east-1.es.amazonaws.com -AwsCredential ({given})");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowInvalidAwsCredential" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(expected, error.Exception.Message);
        Assert.Contains("[pscredential]::new($accessKeyId, $secretAccessKey)", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_certificate_object_without_its_private_key_is_refused_naming_its_subject()
    {
        using var ca = TestSupport.TestCertificates.Authority("Connect Test CA");
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.RawData);
        using var ps = new PowerShellSession();

        var result = ps.Run("Connect-FlowCluster https://127.0.0.1:1 -Certificate $cert", new Dictionary<string, object?> { ["cert"] = publicOnly });

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowCertificateUnreadable" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ReadError, error.CategoryInfo.Category);
        Assert.Contains("'CN=Connect Test CA' has no private key", error.Exception.Message);
        Assert.Contains("-CertificateKeyPath", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void An_unreadable_certificate_authority_bundle_is_named_and_nothing_is_sent()
    {
        using var cluster = new FakeCluster(_ => ClusterScripts.Root());
        var missing = Path.Combine(Path.GetTempPath(), $"flow-no-such-ca-{Guid.NewGuid():n}.pem");
        using var ps = new PowerShellSession();

        var result = ps.Run($"Connect-FlowCluster '{cluster.Url.Replace("http:", "https:")}' -CertificateAuthorityPath '{missing}'");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowCertificateAuthorityUnreadable" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ReadError, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
        Assert.Contains($"The certificate authority bundle '{missing}' could not be read: ", error.Exception.Message);
        AssertNothingSentAndNoSecret(cluster, error);
    }

    [Fact]
    public void SkipCertificateCheck_with_a_certificate_authority_is_a_conflict_before_anything_is_read()
    {
        using var ps = new PowerShellSession();

        var result = ps.Run("Connect-FlowCluster https://127.0.0.1:1 -CertificateAuthorityPath ./nowhere.pem -SkipCertificateCheck");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowConflictingParameters" + ConnectId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void Sign_in_ways_do_not_bind_together()
    {
        using var ps = new PowerShellSession();

        var result = ps.Run("Connect-FlowCluster https://127.0.0.1:1 -Token (ConvertTo-SecureString t -AsPlainText -Force) -AwsRegion us-east-1");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("AmbiguousParameterSet", error.FullyQualifiedErrorId);
    }
}
