using System.Management.Automation;
using System.Reflection;

namespace FlowFramework.Tests;

public class RemoveFlowWorkflowTests
{
    private static readonly string[] ModelAndGroup = { ClusterScripts.FullResources[1], ClusterScripts.FullResources[2] };


    [Fact]
    public void It_confirms_with_impact_High()
    {
        var cmdlet = typeof(Commands.RemoveFlowWorkflowCommand).GetCustomAttribute<CmdletAttribute>()!;
        Assert.True(cmdlet.SupportsShouldProcess);
        Assert.Equal(ConfirmImpact.High, cmdlet.ConfirmImpact);
    }

    [Theory]
    [InlineData("No", false)]
    [InlineData("Yes", true)]
    public void The_confirmation_prompt_lists_the_steps_and_decides_whether_anything_is_sent(string answer, bool sent)
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);
        var host = new AnsweringHost(answer);
        using var ps = new PowerShellSession(host);

        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; Remove-FlowWorkflow -Connection $c wf1 -Deprovision");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var prompt = Assert.Single(host.Prompts);
        // The prompt shows only the query: it names the steps in the server's order, then asks.
        Assert.Equal("Confirm", prompt.Caption);
        Assert.Equal(string.Join(Environment.NewLine, "Deprovision workflow wf1: 2 step(s) in this order:",
            "  delete_model model_id model1 (delete)",
            "  keep model_group_id group1 (the server drops it from the state without deleting it)",
            "Then delete its template, if nothing but retained resources is left.",
            "Deprovision and delete workflow wf1?"), prompt.Message);
        Assert.Equal(sent ? 1 : 0, cluster.To("POST", "/_deprovision").Count());
        Assert.Equal(sent ? 1 : 0, cluster.To("DELETE", "/workflow/wf1").Count());
    }

    [Fact]
    public void Without_Deprovision_an_empty_workflow_is_deleted_with_one_request()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one");

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -Force");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Empty(result.Output);
        Assert.Equal("", cluster.To("DELETE", "/workflow/wf1").Single().Query);
        Assert.False(cluster.Templates.ContainsKey("wf1"));
        Assert.False(cluster.States.ContainsKey("wf1"));
    }

    [Fact]
    public void Without_Deprovision_resources_stay_and_a_warning_names_the_orphan()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -Force");

        Assert.Empty(result.Errors);
        Assert.Contains("still lists 2 resource(s)", Assert.Single(result.Warnings));
        Assert.Contains("Get-FlowWorkflowStatus -HasResources", result.Warnings[0]);
        Assert.True(cluster.States.ContainsKey("wf1"));
        Assert.Empty(cluster.To("POST", "/_deprovision"));
    }

    [Fact]
    public void ClearStatus_sends_clear_status_true()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -ClearStatus -Force");

        Assert.Equal("clear_status=true", cluster.To("DELETE", "/workflow/wf1").Single().Query);
        Assert.False(cluster.States.ContainsKey("wf1"));
        Assert.Contains("nothing tracks them", Assert.Single(result.Warnings));
    }

    [Fact]
    public void A_workflow_with_neither_template_nor_state_is_FlowWorkflowNotFound()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("other", "o");

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c nope -Force");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("FlowWorkflowNotFound,FlowFramework.Commands.RemoveFlowWorkflowCommand", "nope"), (error.FullyQualifiedErrorId, (string)error.TargetObject));
    }

    [Fact]
    public void WhatIf_names_the_resources_that_stay_and_deletes_nothing()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);
        cluster.Add("wf2", "two", "COMPLETED", ModelAndGroup);

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -WhatIf; Remove-FlowWorkflow -Connection $c wf2 -Deprovision -IncludeModelGroups -WhatIf");

        Assert.DoesNotContain(cluster.Requests, r => r.Method == "DELETE" || r.Path.EndsWith("/_deprovision", StringComparison.Ordinal));
        Assert.True(cluster.Templates.ContainsKey("wf1") && cluster.Templates.ContainsKey("wf2"));
    }

    [Fact]
    public void Deprovision_tears_down_deletes_the_model_group_after_it_and_then_the_template()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -Deprovision -IncludeModelGroups -Force");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        var order = cluster.Requests.Select(r => r.Method + " " + r.Path).Where(p => !p.StartsWith("GET", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[]
        {
            "POST /_plugins/_flow_framework/workflow/wf1/_deprovision",
            "DELETE /_plugins/_ml/model_groups/group1",
            "DELETE /_plugins/_flow_framework/workflow/wf1",
        }, order);
        Assert.False(cluster.Templates.ContainsKey("wf1"));
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void Deprovision_keeps_the_template_and_writes_the_leftovers_exactly_as_Invoke_FlowDeprovision()
    {
        using var cluster = new LifecycleCluster();
        var index = ClusterScripts.Resource("create_index", "index", "index_name", "my-index");
        cluster.Add("wf1", "one", "COMPLETED", new[] { index });
        cluster.Override = r => r.Path.EndsWith("/_deprovision", StringComparison.Ordinal)
            ? ClusterScripts.Error(403, "These resources require the allow_delete parameter to deprovision: [index_name my-index].")
            : null;

        var removed = cluster.Run("Remove-FlowWorkflow -Connection $c wf1 -Deprovision -Force");
        var invoked = cluster.Run("Invoke-FlowDeprovision -Connection $c wf1 -Force");

        var left = Assert.Single(removed.OfType<FlowResource>());
        Assert.Equal(("my-index", FlowResourceStatus.NeedsAllowDelete), (left.ResourceId, left.Status));
        Assert.Equal(invoked.OfType<FlowResource>().Select(r => (r.ResourceId, r.Status, r.Reason)), removed.OfType<FlowResource>().Select(r => (r.ResourceId, r.Status, r.Reason)));
        Assert.Equal(invoked.Errors.Select(e => (e.FullyQualifiedErrorId.Split(',')[0], e.Exception.Message, e.ErrorDetails.RecommendedAction)),
            removed.Errors.Select(e => (e.FullyQualifiedErrorId.Split(',')[0], e.Exception.Message, e.ErrorDetails.RecommendedAction)));
        Assert.Empty(cluster.To("DELETE", "/workflow/wf1"));
        Assert.True(cluster.Templates.ContainsKey("wf1"));
    }

    [Fact]
    public void Deprovision_of_a_workflow_without_state_still_deletes_its_template()
    {
        using var cluster = new LifecycleCluster();
        cluster.Templates["bare"] = ("bare", "", 1);

        var result = cluster.Run("Remove-FlowWorkflow -Connection $c bare -Deprovision -Force");

        Assert.Empty(result.Errors);
        Assert.False(cluster.Templates.ContainsKey("bare"));
        Assert.Empty(cluster.To("POST", "/_deprovision"));
    }

    [Fact]
    public void AllowDelete_and_IncludeModelGroups_need_Deprovision()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("try { Remove-FlowWorkflow -Connection $c wf1 -AllowDelete x -Force } catch { $_.FullyQualifiedErrorId }; try { Remove-FlowWorkflow -Connection $c wf1 -IncludeModelGroups -Force } catch { $_.FullyQualifiedErrorId }");

        Assert.Equal(new object?[] { "MissingMandatoryParameter,FlowFramework.Commands.RemoveFlowWorkflowCommand", "MissingMandatoryParameter,FlowFramework.Commands.RemoveFlowWorkflowCommand" }, result.Output);
        Assert.DoesNotContain(cluster.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public void Statuses_pipe_in_and_each_workflow_is_removed_once()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", ModelAndGroup);
        cluster.Add("wf2", "two", "COMPLETED", ModelAndGroup);

        var result = cluster.Run("Get-FlowWorkflowStatus -Connection $c -HasResources | Remove-FlowWorkflow -Connection $c -Deprovision -Force");

        Assert.Empty(result.Errors);
        Assert.Empty(cluster.Templates);
        Assert.Equal(2, cluster.To("POST", "/_deprovision").Count());
        Assert.Contains(result.Warnings, w => w.Contains("group1", StringComparison.Ordinal) && w.Contains("-IncludeModelGroups", StringComparison.Ordinal));
    }
}
