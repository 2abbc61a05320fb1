using FlowFramework.Simulator.Common;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Cluster;

internal sealed class ConnectorDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    public JsonObject Body { get; set; } = [];
    public long Created { get; set; }
    public long Version { get; set; } = 1;
}

internal sealed class ModelDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    public string Name { get; set; } = "";
    public string Algorithm { get; set; } = "REMOTE";
    public string? Description { get; set; }
    public string? ConnectorId { get; set; }
    public string ModelGroupId { get; set; } = "";
    public string ModelVersion { get; set; } = "1";
    public string State { get; set; } = "REGISTERED";
    public long Created { get; set; }
    public long Updated { get; set; }
    public long? LastDeployed { get; set; }

    /// <summary>When an undeploy last took the model off the node (not a document field: the undeploy lag uses it).</summary>
    public long? LastUndeployed { get; set; }

    public int? PlanningWorkerNodeCount { get; set; }
    public int? CurrentWorkerNodeCount { get; set; }
    public List<string>? PlanningWorkerNodes { get; set; }
    public bool? DeployToAllNodes { get; set; }
    public int? AutoRedeployRetryTimes { get; set; }

    /// <summary>The model in the node's memory (MLModelCacheHelper): null, DEPLOYING or DEPLOYED. Not a document field.</summary>
    public string? Served { get; set; }
    public long Version { get; set; } = 1;
}

internal sealed class ModelGroupDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int LatestVersion { get; set; }
    public string AccessMode { get; set; } = "public";
    public long Created { get; set; }
    public long Version { get; set; } = 1;
}

internal sealed class AgentDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    public JsonObject Body { get; set; } = [];
    public long Created { get; set; }
    public long Version { get; set; } = 1;
}

internal sealed class IndexDoc
{
    public string Name { get; set; } = "";
    public string Uuid { get; set; } = "";
    public JsonObject Settings { get; set; } = [];
    public JsonObject Mappings { get; set; } = [];
    public JsonObject Aliases { get; set; } = [];
    public long Created { get; set; }
}

internal sealed class PipelineDoc
{
    public string Id { get; set; } = "";
    public JsonObject Body { get; set; } = [];
}

internal sealed class TemplateDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    /// <summary>The normalised template without the server-maintained fields.</summary>
    public JsonObject Template { get; set; } = [];
    public JsonObject? User { get; set; }
    public long Created { get; set; }
    public long Updated { get; set; }
    public long? LastProvisioned { get; set; }
    public long Version { get; set; } = 1;
    public long SeqNo { get; set; }
}

internal sealed record ResourceCreated(string StepName, string StepId, string ResourceType, string ResourceId)
{
    public JsonObject ToJson() => new()
    {
        ["workflow_step_name"] = StepName,
        ["workflow_step_id"] = StepId,
        ["resource_type"] = ResourceType,
        ["resource_id"] = ResourceId,
    };
}

internal sealed class StateDoc
{
    public string Id { get; set; } = "";
    public string? Tenant { get; set; }
    public string State { get; set; } = "NOT_STARTED";
    public string Progress { get; set; } = "NOT_STARTED";
    public long? StartTime { get; set; }
    public long? EndTime { get; set; }
    public string? Error { get; set; }
    public JsonObject? User { get; set; }
    public JsonObject? UserOutputs { get; set; }
    public List<ResourceCreated> Resources { get; set; } = [];
    public List<string>? SharedPrincipals { get; set; }
    public long Version { get; set; } = 1;
    public long SeqNo { get; set; }

    /// <summary>The document as the state index holds it (null and empty fields omitted).</summary>
    public JsonObject ToJson(bool all)
    {
        var o = new JsonObject { ["workflow_id"] = Id };
        if (Error is not null) { o["error"] = Error; }
        o["state"] = State;
        if (all)
        {
            o["provisioning_progress"] = Progress;
            if (StartTime is not null) { o["provision_start_time"] = StartTime; }
            if (EndTime is not null) { o["provision_end_time"] = EndTime; }
            if (User is not null) { o["user"] = User.DeepClone(); }
            if (UserOutputs is { Count: > 0 }) { o["user_outputs"] = UserOutputs.DeepClone(); }
        }
        if (Resources.Count > 0)
        {
            var array = new JsonArray();
            foreach (var r in Resources) { array.Add(r.ToJson()); }
            o["resources_created"] = array;
        }
        if (all)
        {
            if (Tenant is not null) { o["tenant_id"] = Tenant; }
            if (SharedPrincipals is { Count: > 0 }) { o["all_shared_principals"] = Common.Json.Array(SharedPrincipals); }
        }
        return o;
    }
}

/// <summary>Everything the simulated cluster holds; serialised as one file with <c>--data-dir</c>.</summary>
internal sealed class ClusterData
{
    public Dictionary<string, ConnectorDoc> Connectors { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, ModelDoc> Models { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, ModelGroupDoc> ModelGroups { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, AgentDoc> Agents { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, IndexDoc> Indices { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, PipelineDoc> IngestPipelines { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, PipelineDoc> SearchPipelines { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, TemplateDoc> Templates { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, StateDoc> States { get; set; } = new(StringComparer.Ordinal);
    public bool TemplatesIndexExists { get; set; }

    /// <summary>The ML Commons system indices created so far (each is created with its first document).</summary>
    public HashSet<string> MlIndices { get; set; } = new(StringComparer.Ordinal);
    public bool StateIndexExists { get; set; }
    public long SeqNo { get; set; }
    /// <summary>Models deleted recently, still seen by the connector's "models using it" search until a refresh.</summary>
    public List<DeletedModel> RecentlyDeletedModels { get; set; } = [];

    /// <summary>Deleted agents the agent index has not refreshed away yet (DeleteAgentTransportAction sets no refresh policy).</summary>
    public List<DeletedAgent> RecentlyDeletedAgents { get; set; } = [];

    /// <summary>Dynamic cluster settings set with <c>PUT _cluster/settings</c> (flat keys, string values).</summary>
    public Dictionary<string, string> PersistentSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Transient ones: gone after a restart.</summary>
    public Dictionary<string, string> TransientSettings { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A deleted model the model index has not refreshed away yet: its connector, and the source searches still return.</summary>
internal sealed record DeletedAgent(string AgentId, long DeletedAt, JsonObject Source, string? Tenant = null);

internal sealed record DeletedModel(string? ConnectorId, string ModelId, long DeletedAt, JsonObject? Source = null, string? Tenant = null);
