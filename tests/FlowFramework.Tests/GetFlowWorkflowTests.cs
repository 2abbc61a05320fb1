using System.Management.Automation;
using System.Text.Json;

namespace FlowFramework.Tests;

public class GetFlowWorkflowTests
{

    [Fact]
    public void Without_ids_every_page_is_listed_with_states_from_one_state_search_per_page()
    {
        using var cluster = new LifecycleCluster();
        for (var i = 0; i < 101; i++)
        {
            cluster.Add("wf" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), "t" + i, i == 100 ? "FAILED" : "COMPLETED");
        }

        var result = cluster.Run("Get-FlowWorkflow -Connection $c");

        Assert.Empty(result.Errors);
        var workflows = result.OfType<FlowWorkflow>().ToList();
        Assert.Equal(101, workflows.Count);
        Assert.Equal("FAILED", workflows[^1].State);
        Assert.All(workflows.Take(100), w => Assert.Equal("COMPLETED", w.State));
        Assert.Equal(2, cluster.To("POST", "/workflow/_search").Count());
        Assert.Equal(2, cluster.To("POST", "/state/_search").Count());
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void Name_wildcards_and_use_case_are_sent_to_the_server_and_applied_exactly()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("a", "rag-one");
        cluster.Add("b", "RAG-two");
        cluster.Add("c", "rag-three", useCase: "HYBRID_SEARCH");

        var result = cluster.Run("Get-FlowWorkflow -Connection $c -Name 'rag-*' -UseCase semantic_search");

        Assert.Equal("a", Assert.Single(result.OfType<FlowWorkflow>()).WorkflowId);
        var body = cluster.To("POST", "/workflow/_search").Single().Body;
        Assert.Contains("\"wildcard\":{\"name.keyword\":{\"value\":\"rag-*\"}}", body);
        Assert.Contains("\"use_case\":[\"semantic_search\",\"SEMANTIC_SEARCH\"]", body);
    }

    [Fact]
    public void Ids_bind_by_value_and_property_name_and_a_missing_one_is_one_error()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("a", "one", "COMPLETED");
        cluster.Add("b", "two");

        var result = cluster.Run("'a', 'nope' | Get-FlowWorkflow -Connection $c; [pscustomobject]@{ workflow_id = 'b' } | Get-FlowWorkflow -Connection $c");

        Assert.Equal(new[] { ("a", "COMPLETED"), ("b", "NOT_STARTED") }, result.OfType<FlowWorkflow>().Select(w => (w.WorkflowId, w.State!)));
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowWorkflowNotFound,FlowFramework.Commands.GetFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Equal("nope", error.TargetObject);
        Assert.Contains("Failed to retrieve template (nope) from global context.", error.Exception.Message);
        Assert.Empty(cluster.To("POST", "/workflow/_search"));
    }

    [Fact]
    public void Its_objects_bind_into_Get_FlowWorkflowStatus()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("a", "one", "COMPLETED", new[] { ClusterScripts.FullResources[0] });

        var result = cluster.Run("Get-FlowWorkflow -Connection $c | Get-FlowWorkflowStatus -Connection $c");

        var status = Assert.Single(result.OfType<FlowWorkflowStatus>());
        Assert.Equal(("a", true, 1), (status.WorkflowId, status.HasTemplate, status.Resources.Length));
    }

    [Fact]
    public void A_denied_state_search_is_a_warning_and_the_templates_come_without_state()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("a", "one", "COMPLETED");
        cluster.Override = r => r.Path.EndsWith("/state/_search", StringComparison.Ordinal)
            ? new FakeResponse(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:admin/opensearch/flow_framework/workflow_state/search]\"},\"status\":403}")
            : null;

        var result = cluster.Run("Get-FlowWorkflow -Connection $c");

        Assert.Null(Assert.Single(result.OfType<FlowWorkflow>()).State);
        Assert.Empty(result.Errors);
        Assert.Contains("workflow_state/search", Assert.Single(result.Warnings));
    }

    [Fact]
    public void A_denied_template_search_is_one_access_error_and_rejected_credentials_stop_the_command()
    {
        using var cluster = new LifecycleCluster();
        cluster.Override = r => r.Path.EndsWith("/workflow/_search", StringComparison.Ordinal) ? ClusterScripts.Error(403, "Failed to get workflow.") : null;

        var denied = cluster.Run("Get-FlowWorkflow -Connection $c");

        var error = Assert.Single(denied.Errors);
        Assert.Equal("FlowAccessDenied,FlowFramework.Commands.GetFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("Failed to get workflow.", error.Exception.Message);

        cluster.Override = r => r.Path.EndsWith("/workflow/_search", StringComparison.Ordinal) ? new FakeResponse(401, "Unauthorized") : null;
        var rejected = cluster.Run("try { Get-FlowWorkflow -Connection $c -ErrorAction SilentlyContinue; 'not stopped' } catch { 'stopped: ' + $_.FullyQualifiedErrorId }");
        Assert.Equal("stopped: FlowAuthenticationFailed,FlowFramework.Commands.GetFlowWorkflowCommand", Assert.Single(rejected.Output));
    }

    [Fact]
    public void WorkflowId_completes_ids_and_names_of_the_newest_templates_from_the_session_connection()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("8xL8bowB8y25Tqfenm50", "rag-demo");
        cluster.Add("Zz00000000000000000a", "other");
        using var ps = new PowerShellSession();

        var byId = ps.Run($"Connect-FlowCluster '{cluster.Url}'; $s = 'Remove-FlowWorkflow -WorkflowId 8x'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches");
        var byName = ps.Run("$s = 'Get-FlowWorkflowStatus RAG'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches");

        var match = Assert.Single(byId.OfType<CompletionResult>());
        Assert.Equal(("8xL8bowB8y25Tqfenm50", "8xL8bowB8y25Tqfenm50 (rag-demo)"), (match.CompletionText, match.ListItemText));
        Assert.Equal("8xL8bowB8y25Tqfenm50", Assert.Single(byName.OfType<CompletionResult>()).CompletionText);
        var search = JsonDocument.Parse(cluster.To("POST", "/workflow/_search").First().Body).RootElement;
        Assert.Equal("desc", search.GetProperty("sort")[0].GetProperty("created_time").GetProperty("order").GetString());
    }

    [Fact]
    public void WorkflowId_completion_is_silent_when_the_cluster_fails_or_does_not_answer()
    {
        using var cluster = new LifecycleCluster();
        var gate = new ManualResetEventSlim();
        cluster.Override = r => r.Path.EndsWith("/_search", StringComparison.Ordinal) ? (gate.Wait(TimeSpan.FromSeconds(20)) ? null : null) : null;
        using var ps = new PowerShellSession();

        const string complete = "$s = 'Get-FlowWorkflow -Connection $c -WorkflowId '; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches";
        var hanging = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; {complete}");
        gate.Set();
        cluster.Override = r => r.Path.EndsWith("/_search", StringComparison.Ordinal) ? ClusterScripts.Error(500, "boom") : null;
        var failing = ps.Run(complete);

        Assert.DoesNotContain(hanging.OfType<CompletionResult>(), c => c.ResultType == CompletionResultType.ParameterValue);
        Assert.Empty(hanging.Errors);
        Assert.DoesNotContain(failing.OfType<CompletionResult>(), c => c.ResultType == CompletionResultType.ParameterValue);
        Assert.Empty(failing.Errors);
    }

    [Fact]
    public void UseCase_completes_the_built_in_use_case_names()
    {
        using var ps = new PowerShellSession();

        var result = ps.Run("$s = 'New-FlowWorkflow -UseCase semantic_search_with_c'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches");

        Assert.Equal(new[] { "semantic_search_with_cohere_embedding", "semantic_search_with_cohere_embedding_query_enricher" },
            result.OfType<CompletionResult>().Select(c => c.CompletionText));
    }
}
