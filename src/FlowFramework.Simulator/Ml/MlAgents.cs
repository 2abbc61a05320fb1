using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons agents: register, get and delete (Register/Get/DeleteAgentTransportAction).</summary>
internal sealed partial class MlService
{
    public OpResult RegisterAgent(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "agents/register") is { } d) { return d; }
        if (string.IsNullOrWhiteSpace(Json.AsText(body["name"])))
        {
            return OpResult.Core(400, "illegal_argument_exception", "agent name is null");
        }
        if ((Json.AsText(body["type"]) ?? "").ToLowerInvariant() is not ("flow" or "conversational" or "conversational_flow" or "plan_execute_and_reflect"))
        {
            return OpResult.Core(400, "illegal_argument_exception", $"{Json.AsText(body["type"])} is not a valid Agent Type");
        }
        var id = Ids.New();
        lock (store.Gate)
        {
            store.Data.MlIndices.Add(AgentIndex);
            store.Data.Agents[id] = new AgentDoc { Id = id, Tenant = tenant, Body = (JsonObject)body.DeepClone(), Created = Ids.NowMs() };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["agent_id"] = id }, id);
    }

    public OpResult GetAgent(string id, string? tenant, SimUser? caller)
        => GetDocument(caller, "agents/get", AgentIndex, "Failed to get agent index", store.Data.Agents, id, $"Failed to find agent with the provided agent id: {id}", tenant, doc => doc.Tenant, AgentSource);

    private static JsonObject AgentSource(AgentDoc a)
    {
        var o = (JsonObject)a.Body.DeepClone();
        o["created_time"] = a.Created;
        o["last_updated_time"] = a.Created;
        o["is_hidden"] = false;
        return o;
    }

    public OpResult DeleteAgent(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "agents/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!IndexExists(AgentIndex)) { return OpResult.StatusError(404, "Failed to get agent index"); }
            if (!store.Data.Agents.TryGetValue(id, out var a))
            {
                return OpResult.StatusError(404, "Fail to find ml agent");
            }
            if (TenantMismatch(a.Tenant, tenant)) { return NoTenantAccess(); }
            store.Data.Agents.Remove(id);
            if (store.Config.RefreshLagMs > 0)
            {
                // No refresh policy on the delete: searches (safe delete's among them) see the agent until the next refresh.
                store.Data.RecentlyDeletedAgents.Add(new DeletedAgent(id, Ids.NowMs(), AgentSource(a), a.Tenant));
            }
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(AgentIndex, id, a.Version + 1, store.NextSeqNo(), found: true));
        }
    }
}
