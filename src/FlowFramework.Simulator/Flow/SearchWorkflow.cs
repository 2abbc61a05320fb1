using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>SearchWorkflowTransportAction and SearchWorkflowStateTransportAction (transport/handler/SearchHandler.java):
/// the query runs over the templates or the state index (tenant-filtered), with versions and sequence numbers, and
/// RestHandlerUtils#getSourceContext's source filter: a request that sets _source always gets a source, without user,
/// ui_metadata and the provision workflow's credentials; otherwise an admin sees everything but the credentials and
/// anyone else (also when security is off) loses user too.</summary>
internal sealed class SearchWorkflow(WorkflowIndices indices)
{
    private const string CredentialPath = "workflows.provision.nodes.user_inputs.credential";

    public OpResult Execute(bool state, JsonNode? query, string? tenant, SimUser? caller)
    {
        var exists = state ? indices.StateIndexExists : indices.TemplatesIndexExists;
        var index = state ? WorkflowIndices.StateIndex : WorkflowIndices.TemplatesIndex;
        if (!exists)
        {
            return CoreService.IndexNotFound(index);
        }
        var docs = state ? indices.StateDocs(tenant) : indices.TemplateDocs(tenant);
        var mapping = state ? IndexMapping.States : IndexMapping.Templates;
        var admin = caller?.IsAdmin == true;
        SourceFilter Policy(SourceFilter? requested) => requested is not null
            ? new SourceFilter(true, requested.Includes, [.. requested.Excludes, "user", "ui_metadata", CredentialPath])
            : new SourceFilter(true, [], admin ? [CredentialPath] : ["user", CredentialPath]);
        return SearchDsl.Search(query, new SearchRequest(index, mapping, docs, Versions: true, Policy));
    }
}
