using System.Text.Json;

namespace FlowFramework.Tests;

/// <summary>Bodies shaped like a real cluster's (server-behaviour.md §1, §2, §4).</summary>
public static class ClusterScripts
{
    public const string WorkflowPath = "/_plugins/_flow_framework/workflow/";

    public static string Resource(string step, string stepId, string type, string id) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["workflow_step_name"] = step,
            ["workflow_step_id"] = stepId,
            ["resource_type"] = type,
            ["resource_id"] = id,
        });

    public static readonly string[] FullResources =
    {
        Resource("create_connector", "create_connector_1", "connector_id", "conn1"),
        Resource("register_model_group", "model_group", "model_group_id", "group1"),
        Resource("register_remote_model", "register_model_2", "model_id", "model1"),
        Resource("deploy_model", "register_model_2", "model_id", "model1"),
        Resource("create_ingest_pipeline", "pipeline", "pipeline_id", "my-pipeline"),
        Resource("create_index", "index", "index_name", "my-index"),
    };

    public static string Status(string workflowId, string state, params string[] resources)
    {
        var list = resources.Length == 0 ? "" : ",\"resources_created\":[" + string.Join(",", resources) + "]";
        return $"{{\"workflow_id\":{JsonSerializer.Serialize(workflowId)},\"state\":\"{state}\",\"provisioning_progress\":\"{(state == "NOT_STARTED" ? "NOT_STARTED" : "DONE")}\",\"provision_start_time\":1710435961112,\"provision_end_time\":1710435968966,\"user\":{{\"name\":\"admin\",\"backend_roles\":[],\"roles\":[\"all_access\"]}}{list}}}";
    }

    public static FakeResponse Root() => new(200, FakeCluster.RootBody);

    /// <summary>A search answer whose hits are these template ids (Get-FlowWorkflowStatus looks up whether each template exists).</summary>
    public static FakeResponse TemplateHits(params string[] ids) =>
        new(200, "{\"took\":1,\"timed_out\":false,\"hits\":{\"total\":{\"value\":" + ids.Length + ",\"relation\":\"eq\"},\"hits\":["
            + string.Join(",", ids.Select(id => "{\"_index\":\".plugins-flow-framework-templates\",\"_id\":" + JsonSerializer.Serialize(id) + ",\"_source\":{\"name\":\"n\"}}")) + "]}}");

    public static bool IsSearch(FakeRequest r) => r.Method == "POST" && r.Path.EndsWith("/_search", StringComparison.Ordinal);

    public static FakeResponse Error(int status, string message) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message }));

    public static bool IsStatus(FakeRequest r) => r.Method == "GET" && r.Path.EndsWith("/_status", StringComparison.Ordinal);

    public static bool IsDeprovision(FakeRequest r) => r.Method == "POST" && r.Path.EndsWith("/_deprovision", StringComparison.Ordinal);

    public static string IdOf(FakeRequest r)
    {
        var rest = r.Path[WorkflowPath.Length..];
        return Uri.UnescapeDataString(rest[..rest.IndexOf('/')]);
    }
}
