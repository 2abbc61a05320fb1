using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Ml;

namespace FlowFramework.Simulator.Flow;

/// <summary>The Flow Framework plugin's transport actions, wired as FlowFrameworkPlugin#createComponents does.</summary>
internal sealed class FlowFrameworkPlugin
{
    public FlowFrameworkPlugin(ClusterStore store, MlService ml, CoreService core, NodeThreadPools pools, IHoldPoints holds, bool multiTenancy)
    {
        Indices = new WorkflowIndices(store, multiTenancy);
        var runner = new WorkflowRunner(Indices, new ProvisionSteps(ml, core), holds);
        Provision = new ProvisionWorkflow(Indices, runner);
        Reprovision = new ReprovisionWorkflow(Indices, runner);
        Create = new CreateWorkflow(Indices, Provision, Reprovision);
        Deprovision = new DeprovisionWorkflow(Indices, new DeprovisionSteps(ml, core), TenantSlots, pools.Deprovision, holds);
        Delete = new DeleteWorkflow(Indices);
        Get = new GetWorkflow(Indices);
        GetState = new GetWorkflowState(Indices);
        Search = new SearchWorkflow(Indices);
    }

    public WorkflowIndices Indices { get; }
    public TenantSlots TenantSlots { get; } = new();
    public CreateWorkflow Create { get; }
    public ProvisionWorkflow Provision { get; }
    public ReprovisionWorkflow Reprovision { get; }
    public DeprovisionWorkflow Deprovision { get; }
    public DeleteWorkflow Delete { get; }
    public GetWorkflow Get { get; }
    public GetWorkflowState GetState { get; }
    public SearchWorkflow Search { get; }
}
