using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Flow;

/// <summary>DeleteWorkflowTransportAction: deletes the template and, when FlowFrameworkIndicesHandler
/// #canDeleteWorkflowStateDoc allows it (clear_status or no resources, and not IN_PROGRESS), the state document.
/// The resources themselves are never touched.</summary>
internal sealed class DeleteWorkflow(WorkflowIndices indices)
{
    public OpResult Execute(string id, string? tenant, bool clearStatus)
    {
        var store = indices.Store;
        lock (store.Gate)
        {
            if (!store.Data.TemplatesIndexExists)
            {
                return OpResult.Flow(404, "There are no templates in the global context");
            }
            var found = store.Data.Templates.TryGetValue(id, out var doc);
            if (indices.MultiTenancy)
            {
                // ParseUtils#resolveUserAndExecute → getWorkflow on the state index when clear_status=true, else on the
                // templates index: a missing doc is 404 and another tenant's doc 403, before anything is deleted.
                var owner = clearStatus ? store.Data.States.GetValueOrDefault(id)?.Tenant : doc?.Tenant;
                var exists = clearStatus ? store.Data.States.ContainsKey(id) : found;
                if (!exists) { return OpResult.Flow(404, WorkflowIndices.MissingForAccessCheck(id)); }
                if (owner != tenant) { return OpResult.Flow(403, "No permission to access this resource"); }
            }
            long version = 1;
            if (found)
            {
                version = doc!.Version + 1;
                store.Data.Templates.Remove(id);
            }
            if (store.Data.States.TryGetValue(id, out var state) && (clearStatus || state.Resources.Count == 0) && state.Progress != "IN_PROGRESS")
            {
                store.Data.States.Remove(id);
            }
            store.Commit();
            return OpResult.Success(new JsonObject
            {
                ["_index"] = WorkflowIndices.TemplatesIndex,
                ["_id"] = id,
                ["_version"] = version,
                ["result"] = found ? "deleted" : "not_found",
                ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                ["_seq_no"] = store.NextSeqNo(),
                ["_primary_term"] = 1,
            });
        }
    }
}
