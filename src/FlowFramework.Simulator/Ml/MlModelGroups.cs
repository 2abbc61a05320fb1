using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons model groups: register, get and delete (MLModelGroupManager, Get/DeleteModelGroupTransportAction).</summary>
internal sealed partial class MlService
{
    public OpResult RegisterModelGroup(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "register_model_group") is { } d) { return d; }
        var name = Json.AsText(body["name"]);
        if (string.IsNullOrWhiteSpace(name))
        {
            return OpResult.Core(400, "illegal_argument_exception", "model group name can't be null or empty");
        }
        lock (store.Gate)
        {
            if (store.Data.ModelGroups.Values.Any(g => g.Name == name && g.Tenant == tenant))
            {
                return OpResult.Core(400, "illegal_argument_exception",
                    $"The name you provided is already being used by a model group with ID: {store.Data.ModelGroups.Values.First(g => g.Name == name).Id}.");
            }
            var id = Ids.New();
            store.Data.MlIndices.Add(ModelGroupIndex);
            store.Data.ModelGroups[id] = new ModelGroupDoc
            {
                Id = id, Tenant = tenant, Name = name, Description = Json.AsText(body["description"]),
                AccessMode = Json.AsText(body["access_mode"]) ?? "public", Created = Ids.NowMs(),
            };
            store.Commit();
            return OpResult.Success(new JsonObject { ["model_group_id"] = id, ["status"] = "CREATED" }, id);
        }
    }

    /// <summary>GetModelGroupTransportAction.</summary>
    public OpResult GetModelGroup(string id, string? tenant, SimUser? caller)
        => GetDocument(caller, "model_groups/get", ModelGroupIndex, "Failed to find model group index", store.Data.ModelGroups, id, $"Failed to find model group with the provided model group id: {id}", tenant, doc => doc.Tenant, GroupSource);

    private static JsonObject GroupSource(ModelGroupDoc g)
    {
        var o = new JsonObject { ["name"] = g.Name, ["latest_version"] = g.LatestVersion };
        if (g.Description is not null) { o["description"] = g.Description; }
        o["access"] = g.AccessMode;
        o["created_time"] = g.Created;
        o["last_updated_time"] = g.Created;
        if (g.Tenant is not null) { o["tenant_id"] = g.Tenant; }
        return o;
    }

    /// <summary>DeleteModelGroupTransportAction: without model access control nothing reads the group first; models that
    /// name it refuse the delete (409), and deleting a group that is not there answers core's DeleteResponse with
    /// <c>result: not_found</c>, which REST sends with 404.</summary>
    public OpResult DeleteModelGroup(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "model_groups/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            var found = store.Data.ModelGroups.TryGetValue(id, out var g);
            if (found && TenantMismatch(g!.Tenant, tenant)) { return NoTenantAccess(); }
            if (store.Data.Models.Values.Any(m => m.ModelGroupId == id && !TenantMismatch(m.Tenant, tenant)))
            {
                return OpResult.StatusError(409, "Cannot delete the model group when it has associated model versions");
            }
            if (!IndexExists(ModelGroupIndex)) { return OpResult.StatusError(404, "Failed to find model group"); }
            if (!found)
            {
                return OpResult.With(404, OpResult.DeleteResponse(ModelGroupIndex, id, 1, store.NextSeqNo(), found: false));
            }
            store.Data.ModelGroups.Remove(id);
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(ModelGroupIndex, id, g!.Version + 1, store.NextSeqNo(), found: true));
        }
    }
}
