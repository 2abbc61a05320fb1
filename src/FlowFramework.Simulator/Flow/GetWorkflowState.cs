using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Flow;

/// <summary>GetWorkflowStateTransportAction: the state document, whole with <c>all=true</c>.</summary>
internal sealed class GetWorkflowState(WorkflowIndices indices)
{
    public OpResult Execute(string id, string? tenant, bool all)
    {
        try
        {
            return OpResult.Success(indices.StateView(id, tenant, all));
        }
        catch (FlowException ex)
        {
            return OpResult.Flow(ex.Status, ex.Message);
        }
    }
}
