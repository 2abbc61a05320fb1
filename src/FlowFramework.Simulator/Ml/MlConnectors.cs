using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons connectors: create, get and delete (Create/Get/DeleteConnectorTransportAction).</summary>
internal sealed partial class MlService
{
    public OpResult CreateConnector(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "create_connector") is { } d) { return d; }
        foreach (var required in new[] { "name", "protocol", "actions" })
        {
            if (body[required] is null)
            {
                return OpResult.Core(400, "illegal_argument_exception", $"Connector {required} is null");
            }
        }
        var id = Ids.New();
        var now = Ids.NowMs();
        var stored = (JsonObject)body.DeepClone();
        lock (store.Gate)
        {
            store.Data.MlIndices.Add(ConnectorIndex);
            store.Data.Connectors[id] = new ConnectorDoc { Id = id, Tenant = tenant, Body = stored, Created = now };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["connector_id"] = id }, id);
    }

    public OpResult GetConnector(string id, string? tenant, SimUser? caller)
        => GetDocument(caller, "connectors/get", ConnectorIndex, "Failed to find connector", store.Data.Connectors, id, $"Failed to find connector with the provided connector id: {id}", tenant, doc => doc.Tenant, ConnectorSource);

    private static JsonObject ConnectorSource(ConnectorDoc c)
    {
        var o = new JsonObject();
        foreach (var (k, v) in c.Body)
        {
            if (k != "credential")
            {
                o[k] = v?.DeepClone();
            }
        }
        o["created_time"] = c.Created;
        o["last_updated_time"] = c.Created;
        if (c.Tenant is not null) { o["tenant_id"] = c.Tenant; }
        return o;
    }

    /// <summary>Deletes a connector. <paramref name="viaRest"/> gives REST's 404 for a missing one; the Java client path
    /// (a deprovision step) gets a not_found DeleteResponse, i.e. success, unless multi-tenancy is on.</summary>
    public OpResult DeleteConnector(string id, string? tenant, SimUser? caller, bool viaRest)
    {
        if (Deny(caller, Permission.MlWrite, "connectors/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            var now = Ids.NowMs();
            if (!store.Data.Connectors.TryGetValue(id, out var c))
            {
                if (multiTenancy)
                {
                    return OpResult.StatusError(404, $"Failed to find connector with the provided connector id: {id}");
                }
                var notFound = OpResult.DeleteResponse(ConnectorIndex, id, 1, store.NextSeqNo(), found: false);
                return viaRest ? OpResult.With(404, notFound) : OpResult.Success(notFound);
            }
            if (TenantMismatch(c.Tenant, tenant)) { return NoTenantAccess(); }
            PurgeRefreshed(now);
            var users = store.Data.Models.Values.Where(m => m.ConnectorId == id).Select(m => m.Id)
                .Concat(store.Data.RecentlyDeletedModels.Where(m => m.ConnectorId == id).Select(m => m.ModelId))
                .Distinct().ToList();
            if (users.Count > 0)
            {
                return OpResult.StatusError(409,
                    Invariant($"{users.Count} models are still using this connector, please delete or update the models first: [{string.Join(", ", users)}]"));
            }
            store.Data.Connectors.Remove(id);
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(ConnectorIndex, id, c.Version + 1, store.NextSeqNo(), found: true));
        }
    }
}
