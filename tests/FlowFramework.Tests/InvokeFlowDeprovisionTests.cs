using System.Collections.Concurrent;
using System.Management.Automation;

namespace FlowFramework.Tests;

public class InvokeFlowDeprovisionTests
{
    private static FakeCluster Cluster(Func<FakeRequest, FakeResponse> workflowRoutes) =>
        new(r => r.Path == "/" ? ClusterScripts.Root() : workflowRoutes(r));

    /// <summary>A cluster where every workflow deprovisions cleanly on the first try.</summary>
    private static FakeCluster CleanCluster()
    {
        var deprovisioned = new ConcurrentDictionary<string, bool>();
        return Cluster(r =>
        {
            var id = ClusterScripts.IdOf(r);
            if (ClusterScripts.IsDeprovision(r))
            {
                deprovisioned[id] = true;
                return new FakeResponse(200, $"{{\"workflow_id\":\"{id}\"}}");
            }
            return deprovisioned.ContainsKey(id)
                ? new FakeResponse(200, ClusterScripts.Status(id, "NOT_STARTED"))
                : new FakeResponse(200, ClusterScripts.Status(id, "COMPLETED", ClusterScripts.FullResources[..4]));
        });
    }

    private static PowerShellSession.Result Run(FakeCluster cluster, string script)
    {
        using var ps = new PowerShellSession();
        return ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru\n{script}");
    }

    [Fact]
    public void Ids_bind_by_value_and_each_workflow_is_deprovisioned_once()
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, "'wf1','wf2' | Invoke-FlowDeprovision -Connection $c -Force -PassThru");
        Assert.Empty(result.Errors);
        var results = result.OfType<FlowDeprovisionResult>().OrderBy(r => r.WorkflowId).ToList();
        Assert.Equal(new[] { "wf1", "wf2" }, results.Select(r => r.WorkflowId));
        Assert.All(results, r => Assert.Equal(FlowDeprovisionStatus.Deprovisioned, r.Status));
        Assert.Equal(1, cluster.RequestList.Count(r => ClusterScripts.IsDeprovision(r) && ClusterScripts.IdOf(r) == "wf1"));
        Assert.Equal(1, cluster.RequestList.Count(r => ClusterScripts.IsDeprovision(r) && ClusterScripts.IdOf(r) == "wf2"));
    }

    [Fact]
    public void Piped_leftovers_of_one_workflow_cause_one_deprovision_and_bind_by_property_name()
    {
        using var cluster = CleanCluster();
        using var ps = new PowerShellSession();
        var leftovers = new[]
        {
            new FlowResource("wf1", "create_connector", "c", "connector_id", "conn1", "delete_connector", false, FlowResourceStatus.Failed, "busy", 3),
            new FlowResource("wf1", "register_remote_model", "m", "model_id", "model1", "delete_model", false, FlowResourceStatus.Failed, "busy", 3),
            new FlowResource("wf1", "create_index", "i", "index_name", "my-index", "delete_index", true, FlowResourceStatus.NeedsAllowDelete, null, 3),
        };
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; $left | Invoke-FlowDeprovision -Connection $c -Force -PassThru",
            new Dictionary<string, object?> { ["left"] = leftovers });
        Assert.Empty(result.Errors);
        Assert.Equal("wf1", Assert.Single(result.OfType<FlowDeprovisionResult>()).WorkflowId);
        var post = Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision);
        Assert.Equal("", post.Query); // -AllowDelete is never inferred from the piped index leftover
    }

    [Fact]
    public void A_pscustomobject_with_workflow_id_binds()
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, "[pscustomobject]@{ workflow_id = 'wfx' } | Invoke-FlowDeprovision -Connection $c -Force -PassThru");
        Assert.Empty(result.Errors);
        Assert.Equal("wfx", Assert.Single(result.OfType<FlowDeprovisionResult>()).WorkflowId);
    }

    [Fact]
    public void WhatIf_reads_the_plan_and_sends_nothing_that_changes_the_cluster()
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -WhatIf");
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(cluster.RequestList, r => r.Method != "GET");
        Assert.Contains(cluster.RequestList, ClusterScripts.IsStatus);
    }

    [Fact]
    public void AllowDelete_expands_wildcards_against_the_workflows_index_and_pipeline_ids_only()
    {
        var deprovisioned = false;
        using var cluster = Cluster(r =>
        {
            if (ClusterScripts.IsDeprovision(r))
            {
                deprovisioned = true;
                return new FakeResponse(200, "{\"workflow_id\":\"wf1\"}");
            }
            return new FakeResponse(200, deprovisioned ? ClusterScripts.Status("wf1", "NOT_STARTED") : ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources));
        });
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -AllowDelete 'my-*','conn*','absent-index' -Force -PassThru");
        var post = Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision);
        Assert.Equal("allow_delete=my-index%2Cmy-pipeline", post.Query.Replace("%2c", "%2C").Replace(",", "%2C"));
        var sent = Assert.Single(result.OfType<FlowDeprovisionResult>()).AllowDeleteSent;
        Assert.Equal(new[] { "my-index", "my-pipeline" }, sent);
        Assert.Contains(result.Warnings, w => w.Contains("'absent-index'"));
        Assert.Contains(result.Warnings, w => w.Contains("'conn*'"));
    }

    [Fact]
    public void AllowDelete_matching_is_case_sensitive_like_the_server()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? ClusterScripts.Error(403, "These resources require the allow_delete parameter to deprovision: [index_name my-index].")
            : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[5])));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -AllowDelete 'MY-INDEX' -Force");
        var post = Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision);
        Assert.Equal("", post.Query);
        Assert.Contains(result.Warnings, w => w.Contains("'MY-INDEX'"));
    }

    [Fact]
    public void Only_allow_delete_leftovers_give_NeedsAllowDelete_objects_and_error_without_retrying()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? ClusterScripts.Error(403, "These resources require the allow_delete parameter to deprovision: [index_name my-index].")
            : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[5])));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force");
        var left = Assert.Single(result.OfType<FlowResource>());
        Assert.Equal(FlowResourceStatus.NeedsAllowDelete, left.Status);
        Assert.Equal("my-index", left.ResourceId);
        Assert.Equal("wf1", left.WorkflowId);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowDeprovisionNeedsAllowDelete,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal("wf1", error.TargetObject);
        Assert.Contains("-AllowDelete my-index", error.ErrorDetails.RecommendedAction);
        Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision);
    }

    [Fact]
    public void Leftovers_that_keep_failing_are_written_with_a_reason_and_a_ResourceBusy_error()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? ClusterScripts.Error(202, "Failed to deprovision some resources: [connector_id conn1].")
            : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0])));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -MaxAttempts 1 -Force");
        var left = Assert.Single(result.OfType<FlowResource>());
        Assert.Equal(FlowResourceStatus.Failed, left.Status);
        Assert.Equal("conn1", left.ResourceId);
        Assert.False(string.IsNullOrWhiteSpace(left.Reason));
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowDeprovisionIncomplete,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
        Assert.Equal("wf1", error.TargetObject);
        Assert.Contains("Invoke-FlowDeprovision", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_registered_and_deployed_model_is_two_leftovers_but_named_once_in_the_error()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? ClusterScripts.Error(202, "Failed to deprovision some resources: [model_id model1].")
            : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[2], ClusterScripts.FullResources[3])));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -MaxAttempts 1 -Force");
        var left = result.OfType<FlowResource>().ToList();
        Assert.Equal(new[] { "deploy_model", "register_remote_model" }, left.Select(r => r.StepName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(left, r => Assert.Equal("model1", r.ResourceId));
        var message = Assert.Single(result.Errors).Exception.Message;
        Assert.Contains("still has 1 resource(s)", message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "model_id model1(?!\\])"));
    }

    [Fact]
    public void An_unknown_workflow_is_a_non_terminating_ObjectNotFound_and_the_pipeline_goes_on()
    {
        using var cluster = Cluster(r =>
        {
            var id = ClusterScripts.IdOf(r);
            if (id == "missing")
            {
                return ClusterScripts.Error(404, "Fail to find workflow status of missing");
            }
            return ClusterScripts.IsDeprovision(r)
                ? new FakeResponse(200, "{\"workflow_id\":\"ok\"}")
                : new FakeResponse(200, ClusterScripts.Status(id, "NOT_STARTED"));
        });
        var result = Run(cluster, "'missing','ok' | Invoke-FlowDeprovision -Connection $c -Force -PassThru");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowWorkflowNotFound,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("missing", error.TargetObject);
        var results = result.OfType<FlowDeprovisionResult>().ToDictionary(r => r.WorkflowId);
        Assert.Equal(FlowDeprovisionStatus.NotFound, results["missing"].Status);
        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, results["ok"].Status);
    }

    [Fact]
    public void Forbidden_is_a_PermissionDenied_error_with_the_servers_message()
    {
        using var cluster = Cluster(_ => ClusterScripts.Error(403, "Failed to get workflow status."));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAccessDenied,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("Failed to get workflow status.", error.Exception.Message);
        Assert.Equal("wf1", error.TargetObject);
    }

    [Fact]
    public void Rejected_credentials_stop_the_whole_command()
    {
        using var cluster = new FakeCluster(r => r.Path == "/" ? ClusterScripts.Root() : new FakeResponse(401,
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"Unauthorized\"}],\"type\":\"security_exception\",\"reason\":\"Unauthorized\"},\"status\":401}"));
        var result = Run(cluster, "'wf1','wf2','wf3' | Invoke-FlowDeprovision -Connection $c -Force -ThrottleLimit 1");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowAuthenticationFailed,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain(cluster.RequestList, r => r.Path.Contains("wf3"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_id_is_InvalidArgument_and_sends_no_request(string id)
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, $"Invoke-FlowDeprovision -Connection $c -WorkflowId '{id}' -Force");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowInvalidWorkflowId,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.DoesNotContain(cluster.RequestList, r => r.Path != "/");
    }

    [Fact]
    public void Ids_with_reserved_characters_are_escaped_into_the_path()
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId 'a/b?c#d%e+f g' -Force -PassThru");
        Assert.Empty(result.Errors);
        Assert.Contains(cluster.RequestList, r => r.Path == "/_plugins/_flow_framework/workflow/a%2Fb%3Fc%23d%25e%2Bf%20g/_deprovision");
    }

    [Fact]
    public void Model_groups_are_reported_retained_with_a_warning()
    {
        var deprovisioned = false;
        using var cluster = Cluster(r =>
        {
            if (ClusterScripts.IsDeprovision(r))
            {
                deprovisioned = true;
                return new FakeResponse(200, "{\"workflow_id\":\"wf1\"}");
            }
            return new FakeResponse(200, deprovisioned ? ClusterScripts.Status("wf1", "NOT_STARTED") : ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[..4]));
        });
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force -PassThru");
        var outcome = Assert.Single(result.OfType<FlowDeprovisionResult>());
        var retained = Assert.Single(outcome.Retained);
        Assert.Equal("group1", retained.ResourceId);
        Assert.Equal(FlowResourceStatus.Retained, retained.Status);
        Assert.Contains(result.Warnings, w => w.Contains("model_group_id group1"));
        Assert.Empty(result.OfType<FlowResource>());
    }

    // On Invoke-FlowDeprovision, -TimeoutSec limits the whole run; the time limit of one request is the connection's.
    [Fact]
    public void A_request_that_gets_no_answer_names_the_connections_time_limit_not_the_runs()
    {
        // The status read never gets an answer while the test runs (the fake holds it until the test is over).
        using var over = new ManualResetEventSlim();
        using var cluster = Cluster(r =>
        {
            over.Wait(TimeSpan.FromMinutes(1));
            return new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED"));
        });
        using var release = new Releaser(over);
        using var ps = new PowerShellSession();
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -TimeoutSec 1 -PassThru\nInvoke-FlowDeprovision -Connection $c -WorkflowId wf1 -MaxAttempts 1 -Force -PassThru");
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowClusterUnavailable,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Equal($"The cluster at {cluster.Url}/ did not answer GET /_plugins/_flow_framework/workflow/wf1/_status?all=true within 1 s.", error.Exception.Message);
        Assert.Contains("Connect-FlowCluster -TimeoutSec", error.ErrorDetails.RecommendedAction);
        Assert.Contains("(1 s)", error.ErrorDetails.RecommendedAction);
        Assert.Contains("the -TimeoutSec of Invoke-FlowDeprovision limits a whole run, not one request", error.ErrorDetails.RecommendedAction);
        Assert.Equal(FlowDeprovisionStatus.Failed, Assert.Single(result.OfType<FlowDeprovisionResult>()).Status);
    }

    private static string Pool(int max) =>
        "{\"nodes\":{\"n1\":{\"thread_pool\":{\"opensearch_deprovision_workflow\":{\"type\":\"scaling\",\"core\":1,\"max\":" + max + ",\"keep_alive\":\"1m\",\"queue_size\":-1}}}}}";

    private sealed class Releaser(ManualResetEventSlim gate) : IDisposable
    {
        public void Dispose() => gate.Set();
    }

    [Fact]
    public void Asking_for_more_than_the_connection_allows_is_one_warning_and_runs_at_the_cap()
    {
        var inFlight = 0;
        var most = 0;
        // Deprovisions are held until two are in flight at once: the run does reach the cap, and the bound is exact.
        using var reached = new ManualResetEventSlim();
        var deprovisioned = new ConcurrentDictionary<string, bool>();
        using var cluster = Cluster(r =>
        {
            if (r.Path == "/_nodes/thread_pool")
            {
                return new FakeResponse(200, Pool(3));
            }
            var id = ClusterScripts.IdOf(r);
            if (ClusterScripts.IsDeprovision(r))
            {
                var now = Interlocked.Increment(ref inFlight);
                lock (deprovisioned) { most = Math.Max(most, now); }
                if (now >= 2) { reached.Set(); }
                reached.Wait(TimeSpan.FromSeconds(30));
                deprovisioned[id] = true;
                Interlocked.Decrement(ref inFlight);
                return new FakeResponse(200, $"{{\"workflow_id\":\"{id}\"}}");
            }
            return new FakeResponse(200, deprovisioned.ContainsKey(id) ? ClusterScripts.Status(id, "NOT_STARTED") : ClusterScripts.Status(id, "COMPLETED", ClusterScripts.FullResources[0]));
        });
        var result = Run(cluster, "'w1','w2','w3','w4','w5' | Invoke-FlowDeprovision -Connection $c -ThrottleLimit 5 -Force -PassThru");
        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("-ThrottleLimit 5 is more than this connection allows; running 2 at once. The cluster's deprovision thread pool has 3 threads", warning);
        Assert.Equal(5, result.OfType<FlowDeprovisionResult>().Count(r => r.Status == FlowDeprovisionStatus.Deprovisioned));
        Assert.Equal(2, most);
        Assert.Single(cluster.RequestList, r => r.Path == "/_nodes/thread_pool");
    }

    [Fact]
    public void The_default_stays_quiet_and_a_pool_that_cannot_be_read_is_taken_as_four()
    {
        using var cluster = CleanCluster(); // answers GET _nodes/thread_pool with something that is not a pool
        var quiet = Run(cluster, "'a','b','c' | Invoke-FlowDeprovision -Connection $c -Force");
        var capped = Run(cluster, "'d','e' | Invoke-FlowDeprovision -Connection $c -ThrottleLimit 4 -Force");
        Assert.DoesNotContain(quiet.Warnings, w => w.Contains("-ThrottleLimit"));
        var warning = Assert.Single(capped.Warnings, w => w.Contains("-ThrottleLimit")); // the others name the retained model groups
        Assert.Contains("running 3 at once", warning);
        Assert.Contains("could not be read", warning);
        Assert.Contains("its default of 4 threads is assumed", warning);
    }

    [Fact]
    public void A_leftover_deleted_outside_the_workflow_is_Missing_and_the_error_names_clear_status()
    {
        using var cluster = Cluster(r =>
            r.Method == "HEAD" && r.Path == "/my-index" ? new FakeResponse(404, "")
            : ClusterScripts.IsDeprovision(r) ? ClusterScripts.Error(202, "Failed to deprovision some resources: [index_name my-index].")
            : new FakeResponse(200, ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[5])));
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -AllowDelete my-index -Force -PassThru");
        var left = Assert.Single(result.OfType<FlowResource>());
        Assert.Equal((FlowResourceStatus.Missing, "my-index"), (left.Status, left.ResourceId));
        Assert.Contains("clear_status=true", left.Reason);
        Assert.Equal(FlowDeprovisionStatus.Partial, Assert.Single(result.OfType<FlowDeprovisionResult>()).Status);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowDeprovisionIncomplete,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
        Assert.Contains("1 resource(s) deleted outside the workflow, which the server fails on at every deprovision: index_name my-index.", error.Exception.Message);
        Assert.Contains("DELETE _plugins/_flow_framework/workflow/wf1?clear_status=true", error.ErrorDetails.RecommendedAction);
        Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision); // nothing left worth retrying
    }

    [Fact]
    public void Verbose_shows_each_request_and_progress_completes()
    {
        using var cluster = CleanCluster();
        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force -Verbose");
        Assert.Contains(result.Verbose, v => v.StartsWith("POST /_plugins/_flow_framework/workflow/wf1/_deprovision -> 200", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("GET /_plugins/_flow_framework/workflow/wf1/_status?all=true -> 200", StringComparison.Ordinal));
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void IncludeModelGroups_deletes_the_workflows_model_group_once_it_is_clean()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", new[] { ClusterScripts.FullResources[1], ClusterScripts.FullResources[2] });

        var result = cluster.Run("Invoke-FlowDeprovision -Connection $c wf1 -IncludeModelGroups -Force -PassThru");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        var outcome = Assert.Single(result.OfType<FlowDeprovisionResult>());
        Assert.Empty(outcome.Retained);
        Assert.Contains(outcome.Deprovisioned, r => r.ResourceType == "model_group_id" && r.ResourceId == "group1");
        Assert.Single(cluster.To("DELETE", "/_plugins/_ml/model_groups/group1"));
    }

    [Fact]
    public void IncludeModelGroups_keeps_a_group_that_still_has_models_as_a_leftover_with_the_server_text()
    {
        using var cluster = new LifecycleCluster();
        cluster.Add("wf1", "one", "COMPLETED", new[] { ClusterScripts.FullResources[1] });
        cluster.Override = r => r.Path.StartsWith("/_plugins/_ml/model_groups/", StringComparison.Ordinal)
            ? new FakeResponse(409, "{\"error\":{\"type\":\"status_exception\",\"reason\":\"Cannot delete the model group when it has associated model versions\"},\"status\":409}")
            : null;

        var result = cluster.Run("Invoke-FlowDeprovision -Connection $c wf1 -IncludeModelGroups -Force");

        var left = Assert.Single(result.OfType<FlowResource>());
        Assert.Equal(("group1", FlowResourceStatus.Failed), (left.ResourceId, left.Status));
        Assert.Contains("Cannot delete the model group when it has associated model versions", left.Reason);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowDeprovisionIncomplete,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
    }

}
