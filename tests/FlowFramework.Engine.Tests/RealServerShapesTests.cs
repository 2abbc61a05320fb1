using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>
/// The engine against the state documents and answers a real server leaves (server-behaviour.md §4, §1, §6-§7):
/// after a partial deprovision the state lists the failed resources in the reverse of their stored order, then the
/// skipped ones; a read right after the 202 may still show the earlier list; and the 403s a server gives for a
/// workflow the user may not touch.
/// </summary>
public class RealServerShapesTests
{
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";
    private const string ConnectorId = "NdjCQYwBLmvn802B0IwE";

    /// <summary>As stored after provisioning: completion order.</summary>
    private static readonly string Provisioned = State(WorkflowId, Group, Connector, Model, Deploy, Pipeline, IndexEntry);

    /// <summary>
    /// After a first deprovision without allow_delete: the server ran index (skipped), pipeline (skipped), deploy (undone),
    /// model (failed), connector (failed), group (dropped); it stores the failed ones reversed (model, connector), then
    /// the skipped ones in stored order (pipeline, index).
    /// </summary>
    private static readonly string AfterPartial = State(WorkflowId, Model, Connector, Pipeline, IndexEntry);

    /// <summary>The same read before that final write lands: only the incremental removals (deploy, group) are seen.</summary>
    private static readonly string StaleAfterPartial = State(WorkflowId, Connector, Model, Pipeline, IndexEntry);

    private const string PartialMessage = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "]. "
        + "These resources require the allow_delete parameter to deprovision: [pipeline_id nlp-ingest-pipeline, index_name my-nlp-index].";

    private static async Task<(FlowDeprovisionReport Report, FakeCluster Cluster, List<FlowDeprovisionEvent> Events)> Run(
        FakeCluster cluster, string state, string[]? allowDelete = null, int maxAttempts = 10)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        var events = new List<FlowDeprovisionEvent>();
        var deprovisioner = new FlowDeprovisioner(Client(cluster), new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7, MaxAttempts = maxAttempts });
        var plan = FlowDeprovisionPlan.Create(ParseState(state), allowDelete);
        var report = await clock.Drive(deprovisioner.RunAsync(plan, events.Add, CancellationToken.None));
        return (report, cluster, events);
    }

    private static string[] Rows(IEnumerable<FlowResource> resources) =>
        resources.Select(r => $"{r.StepName} {r.ResourceId} {r.Status}").ToArray();

    [Fact]
    public void A_state_left_by_a_partial_deprovision_is_planned_in_the_order_the_server_will_run_it()
    {
        var plan = FlowDeprovisionPlan.Create(ParseState(AfterPartial), new[] { "nlp-ingest-pipeline", "my-nlp-index" });

        // The server walks the stored list and reverses it: the skipped ones come first, then connector before model.
        Assert.Equal(
            new[] { "delete_index my-nlp-index", "delete_ingest_pipeline nlp-ingest-pipeline", "delete_connector " + ConnectorId, "delete_model " + ModelId },
            plan.Steps.Select(s => s.Resource.DeprovisionStep + " " + s.Resource.ResourceId));
        Assert.All(plan.Steps, s => Assert.Equal(FlowPlannedAction.Delete, s.Action));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partial_deprovision_is_read_from_the_state_whether_the_final_write_has_landed_or_not(bool stale)
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, PartialMessage))
            .OnStatus(Answer.Json(200, stale ? StaleAfterPartial : AfterPartial))
            .OnResource(Answer.Json(200, "{\"model_state\":\"REGISTERED\"}"));

        var (report, _, _) = await Run(cluster, Provisioned, maxAttempts: 1);

        Assert.Equal((FlowDeprovisionStatus.Partial, 1), (report.Result.Status, report.Result.Attempts));
        // The same leftovers either way, in the order the status read listed them; skipped ones need allow_delete.
        var model = "register_remote_model " + ModelId + " Failed";
        var connector = "create_connector " + ConnectorId + " Failed";
        Assert.Equal(
            new[] { stale ? connector : model, stale ? model : connector, "create_ingest_pipeline nlp-ingest-pipeline NeedsAllowDelete", "create_index my-nlp-index NeedsAllowDelete" },
            Rows(report.Result.Remaining));
        Assert.Equal(new[] { "deploy_model " + ModelId + " Deprovisioned" }, Rows(report.Result.Deprovisioned));
        Assert.Equal(new[] { "register_model_group GRP0bowB8y25Tqfenm50 Retained" }, Rows(report.Result.Retained));
    }

    [Fact]
    public async Task Two_attempts_through_a_stale_read_then_the_real_order_end_deprovisioned()
    {
        const string failed = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, failed), Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."), Answer.Ok(WorkflowId))
            .OnStatus(
                Answer.Json(200, State(WorkflowId, Connector, Model)),   // stale: forward, the deleted ones already gone
                Answer.Json(200, State(WorkflowId, Connector)),          // after the second pass: only the connector
                Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Json(200, "{\"model_state\":\"UNDEPLOYED\"}"));

        var (report, seen, _) = await Run(cluster, Provisioned, new[] { "nlp-ingest-pipeline", "my-nlp-index" });

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 3), (report.Result.Status, report.Result.Attempts));
        Assert.Empty(report.Result.Remaining);
        Assert.Equal(
            new[] { "create_index my-nlp-index", "create_ingest_pipeline nlp-ingest-pipeline", "deploy_model " + ModelId, "register_remote_model " + ModelId, "create_connector " + ConnectorId },
            report.Result.Deprovisioned.Select(r => r.StepName + " " + r.ResourceId));
        Assert.All(seen.Deprovisions, r => Assert.Equal(new[] { "my-nlp-index", "nlp-ingest-pipeline" },
            new Uri(r.AbsoluteUri).Query.Replace("?allow_delete=", string.Empty, StringComparison.Ordinal).Split(',').Order(StringComparer.Ordinal)));
    }

    public static TheoryData<string, string> Forbidden() => new()
    {
        // filter_by_backend_roles: the workflow belongs to users with other backend roles.
        { "backend roles", "User does not have permissions to access workflow: " + WorkflowId },
        // plugins.flow_framework.enabled is false: every Flow Framework call answers this.
        { "disabled", "This API is disabled. To enable it, update the setting [plugins.flow_framework.enabled] to true." },
        // 3.4+ resource sharing: the security plugin refuses a workflow not shared with the user (or one that does not
        // exist, which looks the same); the REST handler rewraps it as its generic text with the 403.
        { "resource sharing", "Failed to get workflow." },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task A_403_on_the_deprovision_stops_at_once_as_Forbidden_with_the_servers_text_and_nothing_taken_as_deleted(string why, string message)
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(403, message)).OnStatus(Answer.Json(200, Provisioned));

        var (report, seen, _) = await Run(cluster, Provisioned);

        Assert.True(report.Error is { Kind: FlowErrorKind.Forbidden, StatusCode: 403 }, why);
        Assert.Equal(message, report.Error!.ServerMessage);
        Assert.Equal((FlowDeprovisionStatus.Failed, 1), (report.Result.Status, report.Result.Attempts));
        Assert.Single(seen.Deprovisions);
        Assert.Empty(report.Result.Deprovisioned);
        Assert.Equal(6, report.Result.Remaining.Length); // nothing reached the server's deprovision logic: all of it is still there
    }

    [Theory]
    [InlineData("User does not have permissions to access workflow: " + WorkflowId)]
    [InlineData("This API is disabled. To enable it, update the setting [plugins.flow_framework.enabled] to true.")]
    [InlineData("Failed to get workflow status.")]
    public async Task A_403_on_the_status_read_gives_no_plan_and_sends_no_deprovision(string message)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Error(403, message));
        var deprovisioner = new FlowDeprovisioner(Client(cluster), new FlowDeprovisionOptions { RandomSeed = 7 });

        var prepared = await deprovisioner.PrepareAsync(WorkflowId, null, null, CancellationToken.None);

        Assert.Null(prepared.Plan);
        Assert.Equal(FlowDeprovisionStatus.Failed, prepared.Failure!.Result.Status);
        Assert.True(prepared.Failure.Error is { Kind: FlowErrorKind.Forbidden, StatusCode: 403 });
        Assert.Equal(message, prepared.Failure.Error!.ServerMessage);
        Assert.Single(cluster.StatusReads); // a 403 is not transient: read once
        Assert.Empty(cluster.Deprovisions);
    }

    // Found by the soak: a 200 whose body is JSON but no workflow state (a proxy's page, a slow fault's canned body)
    // was read as a workflow without resources, and the deprovision was planned from nothing.
    [Theory]
    [InlineData("{\"acknowledged\":true}")]
    [InlineData("{}")]
    [InlineData("{\"workflow_id\":\"" + WorkflowId + "\"}")]
    public async Task A_status_answer_that_is_not_a_workflow_state_is_an_invalid_response_and_no_plan(string body)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, body));

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => Client(cluster).GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));
        var prepared = await new FlowDeprovisioner(Client(cluster), null).PrepareAsync(WorkflowId, null, null, CancellationToken.None);

        Assert.Equal(FlowErrorKind.InvalidResponse, ex.Kind);
        Assert.Null(prepared.Plan);
        Assert.Equal(FlowErrorKind.InvalidResponse, prepared.Failure!.Error!.Kind);
        Assert.Empty(cluster.Deprovisions);
    }

    // Found by the soak: one 503 on the status read after a 202 made the leftovers come from the answer's text, which
    // names a model once, so its deploy entry (already undeployed by the server) was reported left as well.
    [Fact]
    public async Task The_status_read_after_a_202_rides_out_a_transient_failure_and_the_leftovers_are_the_states()
    {
        const string failed = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, failed))
            .OnStatus(Answer.Error(503, "unavailable"), Answer.Json(200, State(WorkflowId, Model, Connector)))
            .OnResource(Answer.Json(200, "{\"model_state\":\"UNDEPLOYED\"}"));

        var (report, seen, events) = await Run(cluster, State(WorkflowId, Connector, Model, Deploy), maxAttempts: 1);

        Assert.Equal(new[] { "register_remote_model " + ModelId + " Failed", "create_connector " + ConnectorId + " Failed" }, Rows(report.Result.Remaining));
        Assert.Equal(new[] { "deploy_model " + ModelId + " Deprovisioned" }, Rows(report.Result.Deprovisioned));
        Assert.Equal(2, seen.StatusReads.Count);
        Assert.Contains(events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("reading the status failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_status_that_stays_unreadable_after_a_202_leaves_the_answers_text_as_the_fallback_within_three_reads()
    {
        const string failed = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, failed))
            .OnStatus(Answer.Error(503, "unavailable"))
            .OnResource(Answer.Json(200, "{\"model_state\":\"UNDEPLOYED\"}"));

        var (report, seen, events) = await Run(cluster, State(WorkflowId, Connector, Model, Deploy), maxAttempts: 1);

        Assert.Equal(3, seen.StatusReads.Count);
        Assert.Contains(events, e => e.Message.Contains("Could not read the leftovers from the status", StringComparison.Ordinal));
        // The text names the model once: both of its entries stay, as nothing says which step failed.
        Assert.Equal(3, report.Result.Remaining.Length);
    }
}
