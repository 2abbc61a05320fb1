using System.Management.Automation;

namespace FlowFramework.Tests;

public class GetFlowWorkflowStatusTests
{
    [Fact]
    public void All_sends_all_true_and_maps_every_field()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? ClusterScripts.Root() : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources)));
        using var ps = new PowerShellSession();
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; Get-FlowWorkflowStatus -Connection $c -WorkflowId wf1 -All");
        var status = Assert.Single(result.OfType<FlowWorkflowStatus>());
        Assert.Equal("COMPLETED", status.State);
        Assert.Equal("DONE", status.ProvisioningProgress);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1710435961112), status.ProvisionStartTime);
        Assert.Equal(TimeSpan.Zero, status.ProvisionEndTime!.Value.Offset);
        Assert.Equal("admin", status.User);
        Assert.Equal(6, status.Resources.Length);
        Assert.All(status.Resources, r => Assert.Equal(FlowResourceStatus.Present, r.Status));
        Assert.Equal(new[] { "conn1", "group1", "model1", "model1", "my-pipeline", "my-index" }, status.Resources.Select(r => r.ResourceId));
        Assert.Equal("undeploy_model", status.Resources[3].DeprovisionStep);
        Assert.True(status.Resources[5].RequiresAllowDelete);
        Assert.Contains(cluster.RequestList, r => r.Query == "all=true");
    }

    [Fact]
    public void A_missing_workflow_is_ObjectNotFound_and_the_others_still_come_back()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? ClusterScripts.Root()
            : ClusterScripts.IdOf(r) == "nope" ? ClusterScripts.Error(404, "Fail to find workflow status of nope")
            : new FakeResponse(200, ClusterScripts.Status(ClusterScripts.IdOf(r), "NOT_STARTED")));
        using var ps = new PowerShellSession();
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; 'nope','yes' | Get-FlowWorkflowStatus -Connection $c");
        Assert.Equal("yes", Assert.Single(result.OfType<FlowWorkflowStatus>()).WorkflowId);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowWorkflowNotFound,FlowFramework.Commands.GetFlowWorkflowStatusCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("nope", error.TargetObject);
        Assert.Contains("Fail to find workflow status of nope", error.Exception.Message);
    }

    [Fact]
    public void Malformed_json_is_an_InvalidResult_error()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? ClusterScripts.Root() : new FakeResponse(200, "{\"workflow_id\":\"wf1\",\"state\":"));
        using var ps = new PowerShellSession();
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; Get-FlowWorkflowStatus -Connection $c wf1");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowInvalidResponse,FlowFramework.Commands.GetFlowWorkflowStatusCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
    }
}
