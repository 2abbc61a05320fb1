using System.Management.Automation;

namespace FlowFramework.Tests;

/// <summary>Get-FlowWorkflowStatus without ids: the state search, its filters, and HasTemplate.</summary>
public class GetFlowWorkflowStatusSearchTests
{

    private static LifecycleCluster WithOrphan()
    {
        var cluster = new LifecycleCluster();
        cluster.Add("empty", "e");
        cluster.Add("full", "f", "COMPLETED", ClusterScripts.FullResources[..2]);
        cluster.Add("orphan", "o", "COMPLETED", ClusterScripts.FullResources[..1], template: false);
        cluster.Add("failed", "x", "FAILED", ClusterScripts.FullResources[..1]);
        return cluster;
    }

    [Fact]
    public void HasResources_lists_every_state_with_resources_and_marks_the_orphan()
    {
        using var cluster = WithOrphan();

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c -HasResources");

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { ("failed", (bool?)true), ("full", true), ("orphan", false) }, result.OfType<FlowWorkflowStatus>().Select(s => (s.WorkflowId, s.HasTemplate)));
        Assert.Contains("\"nested\":{\"path\":\"resources_created\"", Assert.Single(cluster.To("POST", "/state/_search")).Body);
        Assert.Contains("\"ids\":{\"values\":[\"failed\",\"full\",\"orphan\"]}", Assert.Single(cluster.To("POST", "/workflow/_search")).Body);
    }

    [Fact]
    public void State_filters_on_the_server_in_upper_case()
    {
        using var cluster = WithOrphan();

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c -State failed");

        Assert.Equal("failed", Assert.Single(result.OfType<FlowWorkflowStatus>()).WorkflowId);
        Assert.Contains("\"terms\":{\"state\":[\"FAILED\"]}", Assert.Single(cluster.To("POST", "/state/_search")).Body);
    }

    [Fact]
    public void Without_any_parameter_every_state_is_listed()
    {
        using var cluster = WithOrphan();

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c");

        Assert.Equal(4, result.OfType<FlowWorkflowStatus>().Count());
        Assert.DoesNotContain("\"nested\"", Assert.Single(cluster.To("POST", "/state/_search")).Body);
    }

    [Fact]
    public void An_unknown_state_and_ids_with_a_search_filter_are_binding_errors()
    {
        using var cluster = WithOrphan();

        var badState = cluster.Run("try { Get-FlowWorkflowStatus -Connection $c -State DONE } catch { $_.FullyQualifiedErrorId }");
        var mixed = cluster.Run("try { Get-FlowWorkflowStatus -Connection $c -WorkflowId full -HasResources } catch { $_.FullyQualifiedErrorId }");

        Assert.Equal("ParameterArgumentValidationError,FlowFramework.Commands.GetFlowWorkflowStatusCommand", Assert.Single(badState.Output));
        Assert.Equal("AmbiguousParameterSet,FlowFramework.Commands.GetFlowWorkflowStatusCommand", Assert.Single(mixed.Output));
        Assert.Empty(cluster.To("POST", "/state/_search"));
    }

    [Fact]
    public void Orphans_pipe_into_Invoke_FlowDeprovision_which_cleans_them()
    {
        using var cluster = WithOrphan();

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c -HasResources | Where-Object HasTemplate -EQ $false | Invoke-FlowDeprovision -Connection $c -Force -PassThru");

        Assert.Equal(("orphan", FlowDeprovisionStatus.Deprovisioned), (Assert.Single(result.OfType<FlowDeprovisionResult>()).WorkflowId, result.OfType<FlowDeprovisionResult>().Single().Status));
        Assert.False(cluster.States.ContainsKey("orphan"));
        Assert.Single(cluster.To("POST", "/_deprovision"));
    }

    [Fact]
    public void By_id_HasTemplate_comes_from_one_template_search()
    {
        using var cluster = WithOrphan();

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c -WorkflowId full, orphan -All");

        Assert.Equal(new[] { ("full", (bool?)true), ("orphan", false) }, result.OfType<FlowWorkflowStatus>().Select(s => (s.WorkflowId, s.HasTemplate)));
        Assert.Single(cluster.To("POST", "/workflow/_search"));
    }
}
