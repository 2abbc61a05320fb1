using System.Management.Automation;

namespace FlowFramework.Tests;

/// <summary>Invoke-FlowProvision and Wait-FlowWorkflow.</summary>
public class ProvisionAndWaitTests
{
    private const string Provisioning = "{\"workflow_id\":\"wf1\",\"state\":\"PROVISIONING\",\"provisioning_progress\":\"IN_PROGRESS\"}";


    [Fact]
    public void Provision_sends_parameters_in_the_body_and_writes_the_status()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one");

        var result = cluster.Run("Invoke-FlowProvision -Connection $c wf1 -Parameter @{ api_key = 'k3y' }");

        Assert.Empty(result.Errors);
        Assert.Equal("PROVISIONING", Assert.Single(result.OfType<FlowWorkflowStatus>()).State);
        var post = cluster.To("POST", "/wf1/_provision").Single();
        Assert.Equal("{\"api_key\":\"k3y\"}", post.Body);
        Assert.Equal("", post.Query);
    }

    [Fact]
    public void Provision_refused_by_the_server_is_FlowProvisionRejected_with_its_text_and_the_pipeline_goes_on()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("done", "d", "COMPLETED");
        cluster.Add("fresh", "f");

        var result = cluster.Run("'done', 'fresh' | Invoke-FlowProvision -Connection $c");

        Assert.Equal("fresh", Assert.Single(result.OfType<FlowWorkflowStatus>()).WorkflowId);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowProvisionRejected,FlowFramework.Commands.InvokeFlowProvisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(("done", ErrorCategory.InvalidOperation), (error.TargetObject, error.CategoryInfo.Category));
        Assert.Contains("can not be provisioned unless its state is NOT_STARTED: done", error.Exception.Message);
    }

    [Fact]
    public void Provision_Wait_writes_the_final_status()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one");
        cluster.StatusScript["wf1"] = new Queue<string>(new[] { Provisioning, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0]) });

        var result = cluster.Run("Invoke-FlowProvision -Connection $c wf1 -Wait");

        Assert.Empty(result.Errors);
        var status = Assert.Single(result.OfType<FlowWorkflowStatus>());
        Assert.Equal(("COMPLETED", 1), (status.State, status.Resources.Length));
    }

    [Fact]
    public void Provision_WhatIf_sends_nothing()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one");

        var result = cluster.Run("Invoke-FlowProvision -Connection $c wf1 -WhatIf");

        Assert.Empty(result.Output);
        Assert.Empty(cluster.To("POST", "/_provision"));
    }

    [Fact]
    public void Wait_on_FAILED_writes_the_status_and_an_error_carrying_the_server_text()
    {
        using var cluster = new LifecycleCluster();
        const string text = "WorkflowStepException during step create_index, Failed to create the index demo, restStatus: BAD_REQUEST";
        cluster.Add("wf1", "one");
        cluster.StatusScript["wf1"] = new Queue<string>(new[] { Provisioning, "{\"workflow_id\":\"wf1\",\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"error\":\"" + text + "\"}" });

        var result = cluster.Run("Wait-FlowWorkflow -Connection $c -WorkflowId wf1");

        Assert.Equal("FAILED", Assert.Single(result.OfType<FlowWorkflowStatus>()).State);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowProvisioningFailed,FlowFramework.Commands.WaitFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Equal(("wf1", ErrorCategory.InvalidResult), (error.TargetObject, error.CategoryInfo.Category));
        Assert.Contains(text, error.Exception.Message);
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.StartsWith("PROVISIONING", StringComparison.Ordinal));
    }

    [Fact]
    public void Wait_on_a_workflow_nobody_provisions_is_FlowWorkflowNotProvisioning_and_a_missing_one_is_not_found()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("idle", "i");

        var result = cluster.Run("'idle', 'nope' | Wait-FlowWorkflow -Connection $c");

        Assert.Equal(new[] { "FlowWorkflowNotProvisioning", "FlowWorkflowNotFound" },
            result.Errors.OrderBy(e => e.TargetObject).Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }

    [Fact]
    public void Wait_stops_at_TimeoutSec_with_FlowWaitTimeout()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "PROVISIONING");

        var result = cluster.Run("Wait-FlowWorkflow -Connection $c wf1 -TimeoutSec 1");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("FlowWaitTimeout", ErrorCategory.OperationTimeout), (error.FullyQualifiedErrorId.Split(',')[0], error.CategoryInfo.Category));
        Assert.Equal("PROVISIONING", Assert.Single(result.OfType<FlowWorkflowStatus>()).State);
        Assert.Contains("-TimeoutSec", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Wait_TimeoutSec_is_validated()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("try { Wait-FlowWorkflow -Connection $c wf1 -TimeoutSec 0 } catch { $_.FullyQualifiedErrorId }");

        Assert.Equal("ParameterArgumentValidationError,FlowFramework.Commands.WaitFlowWorkflowCommand", Assert.Single(result.Output));
        Assert.Empty(cluster.To("GET", "/_status"));
    }
}
