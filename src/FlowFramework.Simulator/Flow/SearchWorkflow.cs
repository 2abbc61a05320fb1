using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Flow;

/// <summary>SearchWorkflowTransportAction and SearchWorkflowStateTransportAction (SearchHandler): a query over the
/// templates or the state index, tenant-filtered, with <c>user</c> hidden from non-admins.</summary>
internal sealed class SearchWorkflow(WorkflowIndices indices)
{
    public OpResult Execute(bool state, JsonNode? query, string? tenant, SimUser? caller)
    {
        var exists = state ? indices.StateIndexExists : indices.TemplatesIndexExists;
        if (!exists)
        {
            return CoreService.IndexNotFound(state ? WorkflowIndices.StateIndex : WorkflowIndices.TemplatesIndex);
        }
        var docs = state ? indices.StateDocs(tenant, caller) : indices.TemplateDocs(tenant, caller);
        return SearchDsl.Search(query, docs);
    }
}
