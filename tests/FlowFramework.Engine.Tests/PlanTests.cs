using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

public class PlanTests
{
    private static readonly FlowWorkflowState Demo = ParseState(State(WorkflowId, Group, Connector, Model, Deploy, Pipeline, IndexEntry));

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

    [Fact]
    public void The_plan_runs_in_reverse_stored_order_with_the_model_double_entry()
    {
        var plan = FlowDeprovisionPlan.FromState(Demo, Array.Empty<string>());

        Assert.Equal(WorkflowId, plan.WorkflowId);
        Assert.Same(Demo, plan.State);
        Assert.Equal(
            new[]
            {
                "skip delete_index index_name my-nlp-index (needs -AllowDelete my-nlp-index)",
                "skip delete_ingest_pipeline pipeline_id nlp-ingest-pipeline (needs -AllowDelete nlp-ingest-pipeline)",
                "undeploy_model model_id N9jCQYwBLmvn802B0oyh",
                "delete_model model_id N9jCQYwBLmvn802B0oyh",
                "delete_connector connector_id NdjCQYwBLmvn802B0IwE",
                "keep model_group_id GRP0bowB8y25Tqfenm50 (the server drops it from the state without deleting it)",
            },
            plan.Steps.Select(s => s.Description));
        Assert.Equal(
            new[] { FlowPlannedAction.NeedsAllowDelete, FlowPlannedAction.NeedsAllowDelete, FlowPlannedAction.Delete, FlowPlannedAction.Delete, FlowPlannedAction.Delete, FlowPlannedAction.RetainedByServer },
            plan.Steps.Select(s => s.Action));
        var index = plan.Steps[0].Resource;
        Assert.Equal(FlowResourceStatus.NeedsAllowDelete, index.Status);
        Assert.Contains("-AllowDelete 'my-nlp-index'", index.Reason);
    }

    [Fact]
    public void Allowed_ids_turn_gated_steps_into_deletes_exactly_and_case_sensitively()
    {
        var plan = FlowDeprovisionPlan.FromState(Demo, new[] { "my-nlp-index", "NLP-ingest-pipeline" });

        Assert.Equal("delete_index index_name my-nlp-index", plan.Steps[0].Description);
        Assert.Equal(FlowPlannedAction.Delete, plan.Steps[0].Action);
        Assert.Equal(FlowResourceStatus.Present, plan.Steps[0].Resource.Status);
        Assert.Equal(FlowPlannedAction.NeedsAllowDelete, plan.Steps[1].Action);
    }

    [Fact]
    public void An_unknown_step_is_planned_as_a_delete_with_no_deprovision_step_and_a_reason()
    {
        var state = ParseState(State(WorkflowId, Connector, Resource("create_magic", "magic_1", "magic_id", "m1")));

        var plan = FlowDeprovisionPlan.FromState(state, Array.Empty<string>());

        var unknown = plan.Steps[0];
        Assert.Equal(FlowPlannedAction.Delete, unknown.Action);
        Assert.Null(unknown.Resource.DeprovisionStep);
        Assert.Equal("(unknown step create_magic) magic_id m1", unknown.Description);
        Assert.Contains("unknown", unknown.Resource.Reason);
    }

    [Fact]
    public void An_empty_state_gives_an_empty_plan()
    {
        var plan = FlowDeprovisionPlan.FromState(ParseState(EmptyState(WorkflowId)), Array.Empty<string>());

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

        var expansion = FlowDeprovisionPlan.ExpandAllowDelete(state, new[] { "logs-*", "search-pip?", "NdjCQYwBLmvn802B0IwE", "LOGS-2024", "nomatch*", "logs-2024", "" });

        Assert.Equal(new[] { "logs-2024", "logs-2025", "search-pipe" }, expansion.Ids);
        Assert.Equal(new[] { "NdjCQYwBLmvn802B0IwE", "LOGS-2024", "nomatch*" }, expansion.UnmatchedPatterns);
    }

    [Fact]
    public void Allow_delete_expansion_sorts_ordinally_and_star_alone_takes_every_gated_id()
    {
        var expansion = FlowDeprovisionPlan.ExpandAllowDelete(Demo, new[] { "*" });

        Assert.Equal(new[] { "my-nlp-index", "nlp-ingest-pipeline" }, expansion.Ids);
        Assert.Empty(expansion.UnmatchedPatterns);
    }

    [Fact]
    public void Records_are_immutable_and_With_changes_only_what_is_given()
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
