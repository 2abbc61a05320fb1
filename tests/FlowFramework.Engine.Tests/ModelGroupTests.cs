using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>-IncludeModelGroups: the groups a workflow registered are deleted once the server reports it clean, and only then.</summary>
public class ModelGroupTests
{
    private const string GroupId = "GRP0bowB8y25Tqfenm50";
    private const string Conflict = "{\"error\":{\"root_cause\":[{\"type\":\"status_exception\",\"reason\":\"Cannot delete the model group when it has associated model versions\"}],\"type\":\"status_exception\",\"reason\":\"Cannot delete the model group when it has associated model versions\"},\"status\":409}";

    private static async Task<(FlowDeprovisionReport Report, FakeCluster Cluster, List<FlowDeprovisionEvent> Events)> Run(FakeCluster cluster, bool include, string state, string[]? allowDelete = null)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        using var client = Client(cluster);
        var events = new List<FlowDeprovisionEvent>();
        var deprovisioner = new FlowDeprovisioner(client, new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7, IncludeModelGroups = include });
        var plan = FlowDeprovisionPlan.Create(ParseState(state), allowDelete);
        var report = await clock.Drive(deprovisioner.RunAsync(plan, events.Add, CancellationToken.None));
        return (report, cluster, events);
    }

    private static FakeCluster Clean() => new FakeCluster().OnDeprovision(Answer.Ok(WorkflowId)).OnStatus(Answer.Json(200, EmptyState(WorkflowId)));

    [Fact]
    public async Task A_clean_workflow_gets_its_model_group_deleted_after_the_deprovision()
    {
        var cluster = Clean().On("model-group", Answer.Json(200, "{\"_id\":\"" + GroupId + "\",\"result\":\"deleted\"}"));

        var (report, _, events) = await Run(cluster, true, State(WorkflowId, Group, Connector, Model, Deploy));

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, report.Result.Status);
        Assert.Empty(report.Result.Retained);
        Assert.Contains(report.Result.Deprovisioned, r => r.ResourceId == GroupId && r.Status == FlowResourceStatus.Deprovisioned);
        var order = cluster.Requests.Select(r => r.Method + " " + new Uri(r.AbsoluteUri).AbsolutePath).ToList();
        Assert.Equal("DELETE /_plugins/_ml/model_groups/" + GroupId, order.Last());
        Assert.True(order.IndexOf("DELETE /_plugins/_ml/model_groups/" + GroupId) > order.FindIndex(o => o.EndsWith("/_deprovision", StringComparison.Ordinal)));
        Assert.Contains(events, e => e.Message.Contains("Deleted model group " + GroupId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_group_that_still_has_models_stays_as_a_failed_leftover_with_the_server_text()
    {
        var cluster = Clean().On("model-group", Answer.Json(409, Conflict));

        var (report, _, _) = await Run(cluster, true, State(WorkflowId, Group, Connector));

        Assert.Equal(FlowDeprovisionStatus.Partial, report.Result.Status);
        var left = Assert.Single(report.Result.Remaining);
        Assert.Equal((GroupId, FlowResourceStatus.Failed), (left.ResourceId, left.Status));
        Assert.Contains("HTTP 409: Cannot delete the model group when it has associated model versions", left.Reason);
        Assert.Contains("model_group_id " + GroupId, left.Reason);
        Assert.Empty(report.Result.Retained);
        Assert.Null(report.Error);
        Assert.Single(cluster.To("model-group")); // a 409 is an answer, not retried
    }

    [Fact]
    public async Task A_denied_group_delete_stays_with_the_permission_it_needs()
    {
        var cluster = Clean().On("model-group", Answer.Json(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:admin/opensearch/ml/model_groups/delete]\"},\"status\":403}"));

        var (report, _, _) = await Run(cluster, true, State(WorkflowId, Group));

        var left = Assert.Single(report.Result.Remaining);
        Assert.Contains("cluster:admin/opensearch/ml/model_groups/delete", left.Reason);
    }

    [Fact]
    public async Task A_group_already_gone_counts_as_deleted()
    {
        var cluster = Clean().On("model-group", Answer.Json(404, "{\"error\":{\"type\":\"status_exception\",\"reason\":\"Failed to find model group\"},\"status\":404}"));

        var (report, _, _) = await Run(cluster, true, State(WorkflowId, Group));

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, report.Result.Status);
        Assert.Single(report.Result.Deprovisioned, r => r.ResourceId == GroupId);
    }

    [Fact]
    public async Task A_busy_cluster_is_ridden_out_for_the_group_delete()
    {
        var cluster = Clean().On("model-group", Answer.Error(503, "busy"), Answer.Json(200, "{\"result\":\"deleted\"}"));

        var (report, _, _) = await Run(cluster, true, State(WorkflowId, Group));

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, report.Result.Status);
        Assert.Equal(2, cluster.To("model-group").Count);
    }

    [Fact]
    public async Task Without_the_switch_the_group_is_Retained_and_never_deleted()
    {
        var (report, cluster, _) = await Run(Clean(), false, State(WorkflowId, Group, Connector));

        Assert.Equal(GroupId, Assert.Single(report.Result.Retained).ResourceId);
        Assert.Empty(cluster.To("model-group"));
    }

    [Fact]
    public async Task A_workflow_that_is_not_clean_keeps_its_group_untouched_and_says_why()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(403, "These resources require the allow_delete parameter to deprovision: [index_name my-nlp-index]."))
            .OnStatus(Answer.Json(200, State(WorkflowId, IndexEntry)));

        var (report, _, _) = await Run(cluster, true, State(WorkflowId, Group, IndexEntry));

        Assert.Equal(FlowDeprovisionStatus.NeedsAllowDelete, report.Result.Status);
        Assert.Empty(cluster.To("model-group"));
        Assert.Contains("only once the workflow is clean", Assert.Single(report.Result.Retained).Reason);
    }

    [Theory]
    [InlineData(FlowDeprovisionStatus.Deprovisioned, false, TemplateRemovalReason.Clean, true)]
    [InlineData(FlowDeprovisionStatus.NotFound, false, TemplateRemovalReason.NoState, true)]
    [InlineData(FlowDeprovisionStatus.Failed, true, TemplateRemovalReason.DeprovisionFailed, false)]
    [InlineData(FlowDeprovisionStatus.NeedsAllowDelete, true, TemplateRemovalReason.LeftoversRemain, false)]
    [InlineData(FlowDeprovisionStatus.Partial, false, TemplateRemovalReason.LeftoversRemain, false)]
    public void The_template_goes_only_when_nothing_needs_tracking(FlowDeprovisionStatus status, bool clearStatus, TemplateRemovalReason expected, bool deletes)
    {
        var left = status is FlowDeprovisionStatus.Partial or FlowDeprovisionStatus.NeedsAllowDelete
            ? new[] { ParseState(State(WorkflowId, IndexEntry)).Resources[0].With(status == FlowDeprovisionStatus.Partial ? FlowResourceStatus.Failed : FlowResourceStatus.NeedsAllowDelete) }
            : null;
        var reason = TemplateRemoval.Decide(new FlowDeprovisionResult(WorkflowId, status, 1, TimeSpan.Zero, remaining: left), clearStatus);

        Assert.Equal(expected, reason);
        Assert.Equal(deletes, TemplateRemoval.Deletes(reason));
    }

    [Fact]
    public void Only_missing_leftovers_let_the_template_go_and_only_with_clear_status()
    {
        var missing = ParseState(State(WorkflowId, IndexEntry)).Resources[0].With(FlowResourceStatus.Missing);
        var failed = missing.With(FlowResourceStatus.Failed);
        FlowDeprovisionResult Partial(params FlowResource[] left) => new(WorkflowId, FlowDeprovisionStatus.Partial, 3, TimeSpan.Zero, remaining: left);

        Assert.Equal(TemplateRemovalReason.OnlyMissingWithClearStatus, TemplateRemoval.Decide(Partial(missing), clearStatus: true));
        Assert.Equal(TemplateRemovalReason.LeftoversRemain, TemplateRemoval.Decide(Partial(missing), clearStatus: false));
        Assert.Equal(TemplateRemovalReason.LeftoversRemain, TemplateRemoval.Decide(Partial(missing, failed), clearStatus: true));
    }
}
