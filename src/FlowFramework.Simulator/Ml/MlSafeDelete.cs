using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>
/// ML Commons' safe delete (DeleteModelTransportAction#checkDownstreamTaskBeforeDeleteModel): with
/// <c>plugins.ml_commons.safe_delete_model</c> on, a model that is not deployed is deleted only when no visible agent
/// names it in a tool's parameters (AgentModelsSearcher) and no ingest or search pipeline config holds a <c>model_id</c>
/// equal to it. The three checks run as the system (the caller's rights do not limit them); upstream runs them at once
/// and the first to fail answers, here in the order agents, ingest pipelines, search pipelines.
/// </summary>
internal sealed partial class MlService
{
    /// <summary>The model keys of ML Commons' tools with a model (MLModelTool, QueryPlanningTool: <c>model_id</c>).</summary>
    private static readonly string[] ToolModelKeys = ["model_id"];

    /// <summary>The 409 that refuses the delete, or null when nothing uses the model. Call under the store's gate.</summary>
    private OpResult? SafeDeleteRefusal(string modelId)
    {
        if (!settings.SafeDelete)
        {
            return null;
        }
        var agents = AgentsUsing(modelId);
        if (agents.Count > 0)
        {
            return OpResult.StatusError(409, Invariant($"{agents.Count} agents are still using this model, please delete or update the agents first, all visible agents are: [{string.Join(", ", agents)}]"));
        }
        foreach (var (kind, pipelines) in new[] { ("ingest", store.Data.IngestPipelines), ("search", store.Data.SearchPipelines) })
        {
            var users = pipelines.Values.Where(p => ConfigNamesModel(p.Body, modelId)).Select(p => p.Id).ToList();
            if (users.Count > 0)
            {
                return OpResult.StatusError(409, Invariant($"{users.Count} {kind} pipelines are still using this model, please delete or update the pipelines first: [{string.Join(", ", users)}]"));
            }
        }
        return null;
    }

    /// <summary>
    /// AgentModelsSearcher's query on the agent index (non-hidden agents with the id in <c>tools.parameters.&lt;key&gt;</c>),
    /// with a SearchRequest's default size of 10: the message counts the hits it got. A missing index uses nothing.
    /// </summary>
    private List<string> AgentsUsing(string modelId)
    {
        if (!IndexExists(AgentIndex))
        {
            return [];
        }
        var notHidden = new JsonObject
        {
            ["bool"] = new JsonObject
            {
                ["should"] = new JsonArray(
                    new JsonObject { ["bool"] = new JsonObject { ["must_not"] = new JsonArray(new JsonObject { ["exists"] = new JsonObject { ["field"] = "is_hidden" } }) } },
                    new JsonObject { ["bool"] = new JsonObject { ["must"] = new JsonArray(
                        new JsonObject { ["terms"] = new JsonObject { ["is_hidden"] = new JsonArray(false) } },
                        new JsonObject { ["exists"] = new JsonObject { ["field"] = "is_hidden" } }) } }),
            },
        };
        var usesModel = new JsonObject
        {
            ["bool"] = new JsonObject
            {
                ["should"] = new JsonArray(ToolModelKeys.Select(key => (JsonNode)new JsonObject { ["terms"] = new JsonObject { ["tools.parameters." + key] = new JsonArray(modelId) } }).ToArray()),
            },
        };
        var query = new JsonObject { ["query"] = new JsonObject { ["bool"] = new JsonObject { ["must"] = new JsonArray(notHidden, usesModel) } } };
        var docs = AgentSearchDocs(_ => true);
        var answer = SearchDsl.Search(query, new SearchRequest(AgentIndex, IndexMapping.Agents, docs, Versions: false));
        return answer.Body["hits"]?["hits"] is JsonArray hits ? hits.Select(h => Json.AsText(h?["_id"]) ?? "").ToList() : [];
    }

    /// <summary>searchThroughConfig: any value under a <c>model_id</c> key (list items keep their key) equal to the id.</summary>
    private static bool ConfigNamesModel(JsonNode? node, string modelId, string key = "")
    {
        return node switch
        {
            JsonObject o => o.Any(kv => ConfigNamesModel(kv.Value, modelId, kv.Key)),
            JsonArray a => a.Any(item => ConfigNamesModel(item, modelId, key)),
            JsonValue v when v.TryGetValue<string>(out var s) => key == "model_id" && s == modelId,
            _ => false,
        };
    }
}
