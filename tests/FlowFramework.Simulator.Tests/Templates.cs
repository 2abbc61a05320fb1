using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Tests;

/// <summary>Locates ../shared/flow-framework by walking up from the test assembly.</summary>
public static class Shared
{
    public static string? FlowFrameworkDir { get; } = Find();

    private static string? Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "flow-framework");
            if (Directory.Exists(Path.Combine(candidate, "upstream")))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        return null;
    }

    public const string AbsentReason = "../shared/flow-framework/upstream is not beside this clone (a checkout outside the workspace)";

    public static string Upstream(string relative) => Path.Combine(FlowFrameworkDir!, "upstream", relative);
}

/// <summary>Small templates used across tests.</summary>
public static class Templates
{
    public static JsonObject Connector(string id = "conn") => new()
    {
        ["id"] = id,
        ["type"] = "create_connector",
        ["user_inputs"] = new JsonObject
        {
            ["name"] = "c", ["description"] = "d", ["version"] = "1", ["protocol"] = "http",
            ["parameters"] = new JsonObject { ["endpoint"] = "api.openai.com" },
            ["credential"] = new JsonObject { ["key"] = "secret-key" },
            ["actions"] = new JsonArray(new JsonObject { ["action_type"] = "predict", ["method"] = "POST", ["url"] = "https://x" }),
        },
    };

    public static JsonObject Model(string id = "model", string connector = "conn", bool deploy = true) => new()
    {
        ["id"] = id,
        ["type"] = "register_remote_model",
        ["previous_node_inputs"] = new JsonObject { [connector] = "connector_id" },
        ["user_inputs"] = new JsonObject { ["name"] = "m", ["deploy"] = deploy },
    };

    public static JsonObject Pipeline(string pipelineId, string from = "model") => new()
    {
        ["id"] = "pipeline",
        ["type"] = "create_ingest_pipeline",
        ["previous_node_inputs"] = new JsonObject { [from] = "model_id" },
        ["user_inputs"] = new JsonObject
        {
            ["pipeline_id"] = pipelineId,
            ["configurations"] = new JsonObject
            {
                ["processors"] = new JsonArray(new JsonObject { ["text_embedding"] = new JsonObject { ["model_id"] = $"${{{{{from}.model_id}}}}" } }),
            },
        },
    };

    public static JsonObject Index(string name, string? after = "pipeline") => new()
    {
        ["id"] = "index",
        ["type"] = "create_index",
        ["previous_node_inputs"] = after is null ? new JsonObject() : new JsonObject { [after] = "pipeline_id" },
        ["user_inputs"] = new JsonObject { ["index_name"] = name, ["configurations"] = new JsonObject { ["settings"] = new JsonObject() } },
    };

    public static JsonObject Of(params JsonObject[] nodes)
    {
        var array = new JsonArray();
        foreach (var n in nodes) { array.Add(n); }
        return new JsonObject { ["name"] = "test", ["workflows"] = new JsonObject { ["provision"] = new JsonObject { ["nodes"] = array } } };
    }

    public static JsonObject RemoteModel() => Of(Connector(), Model());

    public static JsonObject Full(string pipeline = "p1", string index = "idx1") => Of(Connector(), Model(), Pipeline(pipeline), Index(index));

    public static IEnumerable<JsonObject> Resources(JsonNode state)
        => (state["resources_created"] as JsonArray ?? []).Select(r => r!.AsObject());

    public static string ResourceId(JsonNode state, string stepName)
        => Resources(state).First(r => r["workflow_step_name"]!.GetValue<string>() == stepName)["resource_id"]!.GetValue<string>();
}
