using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

public class PlanTests
{
    private static readonly FlowWorkflowStatus Demo = ParseState(State(WorkflowId, Group, Connector, Model, Deploy, Pipeline, IndexEntry));

    [Fact]
    public void The_catalogue_has_every_step_of_the_server_table()
    {
        var rows = FlowStepCatalogue.All.Select(s => $"{s.StepName}|{s.ResourceType}|{s.DeprovisionStep}|{s.RequiresAllowDelete}|{s.RetainedByServer}");

        Assert.Equal(
            new[]
            {
                "create_connector|connector_id|delete_connector|False|False",
                "register_remote_model|model_id|delete_model|False|False",
                "register_local_custom_model|model_id|delete_model|False|False",
                "register_local_sparse_encoding_model|model_id|delete_model|False|False",
                "register_local_pretrained_model|model_id|delete_model|False|False",
                "deploy_model|model_id|undeploy_model|False|False",
                "register_model_group|model_group_id|noop|False|True",
                "create_ingest_pipeline|pipeline_id|delete_ingest_pipeline|True|False",
                "update_ingest_pipeline|pipeline_id|delete_ingest_pipeline|True|False",
                "create_search_pipeline|pipeline_id|delete_search_pipeline|True|False",
                "update_search_pipeline|pipeline_id|delete_search_pipeline|True|False",
                "create_index|index_name|delete_index|True|False",
                "update_index|index_name|delete_index|True|False",
                "reindex|index_name|noop|False|True",
                "register_agent|agent_id|delete_agent|False|False",
            },
            rows);
        Assert.NotNull(FlowStepCatalogue.Find("deploy_model"));
        Assert.Null(FlowStepCatalogue.Find("Deploy_Model"));
        Assert.Null(FlowStepCatalogue.Find("create_tool"));
    }

    private static string[] Steps(FlowDeprovisionPlan plan) =>
        plan.Steps.Select(s => $"{s.Action} {s.Resource.DeprovisionStep} {s.Resource} {s.Resource.Status}").ToArray();

    [Fact]
    public void The_plan_runs_in_reverse_stored_order_with_the_model_double_entry()
    {
        var plan = FlowDeprovisionPlan.Create(Demo, null);

        Assert.Equal(WorkflowId, plan.WorkflowId);
        Assert.Same(Demo, plan.State);
        Assert.Equal(
            new[]
            {
                "NeedsAllowDelete delete_index index_name my-nlp-index NeedsAllowDelete",
                "NeedsAllowDelete delete_ingest_pipeline pipeline_id nlp-ingest-pipeline NeedsAllowDelete",
                "Delete undeploy_model model_id N9jCQYwBLmvn802B0oyh Present",
                "Delete delete_model model_id N9jCQYwBLmvn802B0oyh Present",
                "Delete delete_connector connector_id NdjCQYwBLmvn802B0IwE Present",
                "RetainedByServer noop model_group_id GRP0bowB8y25Tqfenm50 Present",
            },
            Steps(plan));
        Assert.Empty(plan.AllowDelete);
        Assert.All(plan.Steps, s => Assert.Null(s.Resource.Reason));
    }

    [Fact]
    public void Allowed_ids_turn_gated_steps_into_deletes_exactly_and_case_sensitively()
    {
        var plan = FlowDeprovisionPlan.Create(Demo, new[] { "my-nlp-index", "NLP-ingest-pipeline" });

        Assert.Equal("Delete delete_index index_name my-nlp-index Present", Steps(plan)[0]);
        Assert.Equal(FlowPlannedAction.NeedsAllowDelete, plan.Steps[1].Action);
        Assert.Equal(new[] { "my-nlp-index" }, plan.AllowDelete);
        Assert.Equal(new[] { "NLP-ingest-pipeline" }, plan.UnmatchedPatterns);
    }

    [Fact]
    public void An_unknown_step_is_planned_as_a_delete_with_no_deprovision_step()
    {
        var state = ParseState(State(WorkflowId, Connector, Resource("create_magic", "magic_1", "magic_id", "m1")));

        var plan = FlowDeprovisionPlan.Create(state, null);

        var unknown = plan.Steps[0];
        Assert.Equal(FlowPlannedAction.Delete, unknown.Action);
        Assert.True(unknown.IsUnknownStep);
        Assert.Null(unknown.Resource.DeprovisionStep);
        Assert.False(plan.Steps[1].IsUnknownStep);
    }

    [Fact]
    public void An_empty_state_gives_an_empty_plan()
    {
        var plan = FlowDeprovisionPlan.Create(ParseState(EmptyState(WorkflowId)), null);

        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void Allow_delete_expansion_matches_exact_ids_and_wildcards_against_index_and_pipeline_ids_only()
    {
        var state = ParseState(State(WorkflowId,
            Connector,
            Resource("create_index", "i1", "index_name", "logs-2024"),
            Resource("create_index", "i2", "index_name", "logs-2025"),
            Resource("create_index", "i3", "index_name", "Logs-Archive"),
            Resource("create_search_pipeline", "p1", "pipeline_id", "search-pipe"),
            Resource("update_index", "i1", "index_name", "logs-2024")));

        var expansion = FlowDeprovisionPlan.Create(state, new[] { "logs-*", "search-pip?", "NdjCQYwBLmvn802B0IwE", "LOGS-2024", "nomatch*", "logs-2024", "" });

        Assert.Equal(new[] { "logs-2024", "logs-2025", "search-pipe" }, expansion.AllowDelete);
        Assert.Equal(new[] { "NdjCQYwBLmvn802B0IwE", "LOGS-2024", "nomatch*" }, expansion.UnmatchedPatterns);
    }

    [Fact]
    public void Allow_delete_expansion_sorts_ordinally_and_star_alone_takes_every_gated_id()
    {
        var expansion = FlowDeprovisionPlan.Create(Demo, new[] { "*" });

        Assert.Equal(new[] { "my-nlp-index", "nlp-ingest-pipeline" }, expansion.AllowDelete);
        Assert.All(expansion.Steps.Where(s => s.Resource.RequiresAllowDelete), s => Assert.Equal(FlowPlannedAction.Delete, s.Action));
        Assert.Empty(expansion.UnmatchedPatterns);
    }

    [Fact]
    public void Resources_are_immutable_and_With_changes_only_what_is_given()
    {
        var record = Demo.Resources[1];

        var failed = record.With(FlowResourceStatus.Failed, "why", 3);

        Assert.Equal(FlowResourceStatus.Present, record.Status);
        Assert.Equal((FlowResourceStatus.Failed, "why", 3), (failed.Status, failed.Reason, failed.Attempts));
        Assert.Equal((record.StepName, record.StepId, record.ResourceType, record.ResourceId, record.DeprovisionStep), (failed.StepName, failed.StepId, failed.ResourceType, failed.ResourceId, failed.DeprovisionStep));
        Assert.Equal("why", failed.With(attempts: 4).Reason);
        Assert.Null(failed.WithoutReason().Reason);
    }
}
