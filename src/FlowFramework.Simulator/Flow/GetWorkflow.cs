using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>GetWorkflowTransportAction: the stored template, credentials removed.</summary>
internal sealed class GetWorkflow(WorkflowIndices indices)
{
    public OpResult Execute(string id, string? tenant, SimUser? caller)
    {
        if (!indices.TemplatesIndexExists)
        {
            return OpResult.Flow(404, "There are no templates in the global_context");
        }
        try
        {
            return OpResult.Success(indices.TemplateView(indices.GetTemplateDoc(id, tenant), caller, redactCredentials: true));
        }
        catch (FlowException ex)
        {
            return OpResult.Flow(ex.Status, ex.Message);
        }
    }
}
