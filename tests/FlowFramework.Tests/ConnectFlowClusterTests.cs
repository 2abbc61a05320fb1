using System.Management.Automation;
using System.Text.Json;

namespace FlowFramework.Tests;

[Collection("Environment")]
public class ConnectFlowClusterTests
{
    private const string Secret = "S3cr3t-Pa55word!";

    [Fact]
    public void PassThru_returns_a_connection_that_shows_the_cluster_and_never_the_password()
    {
        using var cluster = new FakeCluster(_ => ClusterScripts.Root());
        using var ps = new PowerShellSession();
        var result = ps.Run($@"
$cred = [pscredential]::new('alice', (ConvertTo-SecureString '{Secret}' -AsPlainText -Force))
$c = Connect-FlowCluster -Uri '{cluster.Url}' -Credential $cred -TenantId t1 -TimeoutSec 5 -PassThru
$c
$c | Format-List * | Out-String
$c | ConvertTo-Json -Depth 5
$c.ToString()
");
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var connection = Assert.IsType<FlowConnection>(result.Output[0]);
        Assert.Equal("fake-cluster", connection.ClusterName);
        Assert.Equal("3.1.0", connection.Version);
        Assert.Equal("alice", connection.UserName);
        Assert.Equal("t1", connection.TenantId);
        Assert.Equal(5, connection.TimeoutSec);
        foreach (var text in result.Output.Skip(1).Select(o => o?.ToString() ?? ""))
        {
            Assert.DoesNotContain(Secret, text);
        }
        var json = (string)result.Output[2]!;
        Assert.Contains("\"UserName\": \"alice\"", json);
        var request = Assert.Single(cluster.RequestList);
        Assert.Equal("GET /", request.ToString());
        Assert.StartsWith("Basic ", request.Authorization);
        Assert.Equal("t1", request.TenantId);
    }

    [Fact]
    public void Connect_sets_the_session_default_used_by_later_cmdlets()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? ClusterScripts.Root() : ClusterScripts.IsSearch(r) ? ClusterScripts.TemplateHits("wf1") : new FakeResponse(200, ClusterScripts.Status("wf1", "NOT_STARTED")));
        using var ps = new PowerShellSession();
        var result = ps.Run($"Connect-FlowCluster '{cluster.Url}'; Get-FlowWorkflowStatus wf1");
        Assert.Empty(result.Errors);
        var status = Assert.Single(result.OfType<FlowWorkflowStatus>());
        Assert.Equal("wf1", status.WorkflowId);
        Assert.Equal(new[] { "GET /", "GET /_plugins/_flow_framework/workflow/wf1/_status", "POST /_plugins/_flow_framework/workflow/_search" }, cluster.RequestList.Select(r => r.ToString()));
    }

    [Fact]
    public void Without_a_connection_the_cmdlets_use_OPENSEARCH_URL()
    {
        using var cluster = new FakeCluster(r => ClusterScripts.IsSearch(r) ? ClusterScripts.TemplateHits("wf1") : new FakeResponse(200, ClusterScripts.Status("wf1", "NOT_STARTED")));
        using var ps = new PowerShellSession();
        var previous = Environment.GetEnvironmentVariable("OPENSEARCH_URL");
        Environment.SetEnvironmentVariable("OPENSEARCH_URL", cluster.Url);
        try
        {
            var result = ps.Run("Disconnect-FlowCluster; Get-FlowWorkflowStatus -WorkflowId wf1");
            Assert.Empty(result.Errors);
            Assert.Single(result.OfType<FlowWorkflowStatus>());
            Assert.Single(cluster.RequestList, r => !ClusterScripts.IsSearch(r));
            Assert.DoesNotContain(cluster.RequestList, r => r.Path == "/");
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", previous);
        }
    }

    [Fact]
    public void Without_a_connection_or_OPENSEARCH_URL_the_default_is_localhost_9200()
    {
        using var ps = new PowerShellSession();
        var previous = Environment.GetEnvironmentVariable("OPENSEARCH_URL");
        Environment.SetEnvironmentVariable("OPENSEARCH_URL", null);
        try
        {
            var result = ps.Run("Get-FlowWorkflowStatus -WorkflowId wf1 -Verbose 4>&1 | Out-Null; $Error[0]");
            var error = Assert.IsType<ErrorRecord>(result.Output.Single());
            Assert.Contains("localhost:9200", error.Exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", previous);
        }
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("localhost:9200/x", "scheme")]
    [InlineData("/relative/path", "not an absolute URL")]
    [InlineData("ftp://host:21", "scheme 'ftp' is not supported")]
    [InlineData("http://bob:hunter2@host:9200", "-Credential")]
    public void A_bad_uri_is_a_terminating_InvalidArgument_error_naming_the_fix(string uri, string expected)
    {
        using var ps = new PowerShellSession();
        var result = ps.Run($"Connect-FlowCluster -Uri '{uri}'");
        var error = Assert.Single(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal("FlowInvalidUri,FlowFramework.Commands.ConnectFlowClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(expected, error.Exception.Message);
        Assert.DoesNotContain("hunter2", error.Exception.Message);
        Assert.DoesNotContain("hunter2", error.TargetObject?.ToString() ?? "");
        Assert.Contains("http", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void An_unreachable_cluster_is_a_terminating_ConnectionError_and_sets_no_default()
    {
        using var ps = new PowerShellSession();
        var result = ps.Run("Connect-FlowCluster -Uri http://127.0.0.1:1 -TimeoutSec 5");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowClusterUnavailable,FlowFramework.Commands.ConnectFlowClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("127.0.0.1:1", error.Exception.Message);
        Assert.Contains("-SkipCertificateCheck", error.ErrorDetails.RecommendedAction);
        var after = ps.Run("Get-FlowWorkflowStatus -WorkflowId wf1 -ErrorAction SilentlyContinue; $Error[0].Exception.Message");
        Assert.DoesNotContain("127.0.0.1:1", after.Output.OfType<string>().Single());
    }

    [Fact]
    public void Wrong_credentials_are_a_terminating_AuthenticationError_without_the_password()
    {
        using var cluster = new FakeCluster(_ => new FakeResponse(401,
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"Unauthorized\"}],\"type\":\"security_exception\",\"reason\":\"Unauthorized\"},\"status\":401}"));
        using var ps = new PowerShellSession();
        var result = ps.Run($@"
$cred = [pscredential]::new('alice', (ConvertTo-SecureString '{Secret}' -AsPlainText -Force))
Connect-FlowCluster -Uri '{cluster.Url}' -Credential $cred -Verbose -Debug");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAuthenticationFailed,FlowFramework.Commands.ConnectFlowClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("alice", error.Exception.Message);
        Assert.DoesNotContain(Secret, error.Exception.ToString());
        Assert.DoesNotContain(result.Verbose, v => v.Contains(Secret));
        Assert.Contains(result.Verbose, v => v.Contains("GET / -> 401"));
    }
}

[Collection("Environment")]
public class ConnectWithoutClusterMonitorTests
{
    // server-behaviour.md §7: flow_framework_read_access has no cluster_monitor, so a real cluster answers GET / with the
    // security plugin's core 403. The credentials are proven good (not 401), and every workflow call still works.
    private const string NoMonitor =
        "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=reader, backend_roles=[], requestedTenant=null]\"}],"
        + "\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=reader, backend_roles=[], requestedTenant=null]\"},\"status\":403}";

    [Fact]
    public void A_user_without_cluster_monitor_still_connects_with_a_warning_and_can_read_status()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? new FakeResponse(403, NoMonitor) : ClusterScripts.IsSearch(r) ? ClusterScripts.TemplateHits("wf1") : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED")));
        using var ps = new PowerShellSession();
        var result = ps.Run($@"
$cred = [pscredential]::new('reader', (ConvertTo-SecureString 'R3ad-0nly!' -AsPlainText -Force))
Connect-FlowCluster -Uri '{cluster.Url}' -Credential $cred -PassThru
Get-FlowWorkflowStatus wf1");
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var connection = Assert.IsType<FlowConnection>(result.Output[0]);
        Assert.Equal("reader", connection.UserName);
        Assert.Null(connection.Version);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("reader", warning);
        Assert.Contains("HTTP 403", warning);
        Assert.Contains("cluster:monitor/main", warning);
        Assert.Equal("wf1", Assert.IsType<FlowWorkflowStatus>(result.Output[1]).WorkflowId);
    }
}

[CollectionDefinition("Environment", DisableParallelization = true)]
public class EnvironmentCollection { }
