using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Flow;

/// <summary>One workflow step type: what it needs and gives, and how the server undoes what it creates.</summary>
internal sealed record StepInfo(
    string Name,
    string[] Inputs,
    string[] Outputs,
    bool NeedsMl,
    string? Timeout,
    string? ResourceType = null,
    string? DeprovisionStep = null);
// DeprovisionStep is looked up by the *create* step name only (WorkflowResources.getDeprovisionStepByWorkflowStep);
// update steps have a resource type but no deprovision step.

/// <summary>The step catalogue of the Flow Framework plugin (WorkflowStepFactory + WorkflowResources).</summary>
internal static class StepCatalogue
{
    public static readonly string[] Denylist = ["delete_index", "delete_ingest_pipeline", "delete_search_pipeline"];

    /// <summary>Deprovision steps that need the resource id in allow_delete.</summary>
    public static readonly string[] AllowDeleteRequired = ["delete_index", "delete_ingest_pipeline", "delete_search_pipeline"];

    private static readonly StepInfo[] All =
    [
        new("noop", [], [], false, null),
        new("create_index", ["index_name", "configurations"], ["index_name"], false, null, "index_name", "delete_index"),
        new("delete_index", ["index_name"], ["index_name"], false, null),
        new("reindex", ["source_index", "destination_index"], ["reindex"], false, null, "index_name", "noop"),
        new("create_connector", ["name", "description", "version", "protocol", "parameters", "credential", "actions"], ["connector_id"], true, "60s", "connector_id", "delete_connector"),
        new("register_local_custom_model", ["name", "version", "model_format", "function_name", "model_content_hash_value", "url", "model_type", "embedding_dimension", "framework_type"], ["model_id", "register_model_status"], true, "60s", "model_id", "delete_model"),
        new("register_local_sparse_encoding_model", ["name", "version", "model_format"], ["model_id", "register_model_status", "function_name", "model_content_hash_value", "url"], true, "60s", "model_id", "delete_model"),
        new("register_local_pretrained_model", ["name", "version", "model_format"], ["model_id", "register_model_status"], true, "60s", "model_id", "delete_model"),
        new("register_remote_model", ["name", "connector_id"], ["model_id", "register_model_status"], true, null, "model_id", "delete_model"),
        new("register_model_group", ["name"], ["model_group_id", "model_group_status"], true, null, "model_group_id", "noop"),
        new("deploy_model", ["model_id"], ["model_id"], true, "15s", "model_id", "undeploy_model"),
        new("undeploy_model", ["model_id"], ["success"], true, null),
        new("delete_model", ["model_id"], ["model_id"], true, null),
        new("delete_connector", ["connector_id"], ["connector_id"], true, null),
        new("register_agent", ["name", "type"], ["agent_id"], true, null, "agent_id", "delete_agent"),
        new("delete_agent", ["agent_id"], ["agent_id"], true, null),
        new("create_tool", ["type"], ["tools"], true, null),
        new("create_ingest_pipeline", ["pipeline_id", "configurations"], ["pipeline_id"], false, null, "pipeline_id", "delete_ingest_pipeline"),
        new("delete_ingest_pipeline", ["pipeline_id"], ["pipeline_id"], false, null),
        new("create_search_pipeline", ["pipeline_id", "configurations"], ["pipeline_id"], false, null, "pipeline_id", "delete_search_pipeline"),
        new("update_ingest_pipeline", ["pipeline_id", "configurations"], ["pipeline_id"], false, null, "pipeline_id"),
        new("update_search_pipeline", ["pipeline_id", "configurations"], ["pipeline_id"], false, null, "pipeline_id"),
        new("update_index", ["index_name", "configurations"], ["index_name"], false, null, "index_name"),
        new("delete_search_pipeline", ["pipeline_id"], ["pipeline_id"], false, null),
    ];

    private static readonly Dictionary<string, StepInfo> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static StepInfo? Find(string name) => ByName.GetValueOrDefault(name);

    public static IEnumerable<StepInfo> Public => All.Where(s => !Denylist.Contains(s.Name));

    public static JsonObject Describe(StepInfo s)
    {
        var o = new JsonObject
        {
            ["inputs"] = Json.Array(s.Inputs),
            ["outputs"] = Json.Array(s.Outputs),
            ["required_plugins"] = Json.Array(s.NeedsMl ? ["opensearch-ml"] : []),
        };
        if (s.Timeout is not null)
        {
            o["timeout"] = s.Timeout;
        }
        return o;
    }
}
