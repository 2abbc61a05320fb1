using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Flow;
using FlowFramework.Simulator.Http;
using FlowFramework.Simulator.Common;
using FlowFramework.Simulator.Ml;

namespace FlowFramework.Simulator.Hosting;

/// <summary>One simulated OpenSearch node: its cluster state, its plugins and its REST layer.</summary>
internal sealed class SimulatorNode
{
    private readonly FlowFrameworkPlugin _flow;

    public SimulatorNode(SimulatorOptions options)
    {
        Config = options.Config;
        Store = new ClusterStore(options.DataDir, options.Config);
        var ml = new MlService(Store, options.MultiTenancy);
        var core = new CoreService(Store);
        _flow = new FlowFrameworkPlugin(Store, ml, core, options.MultiTenancy);
        Rest = new RestDispatcher(options.Users, options.MultiTenancy, new NodeInfoHandlers(),
            new FlowRestHandlers(_flow, new UseCaseCatalogue(), options.MultiTenancy),
            new MlRestHandlers(ml, options.MultiTenancy), new CoreRestHandlers(core));
    }

    public SimConfig Config { get; }
    public ClusterStore Store { get; }
    public RestDispatcher Rest { get; }

    /// <summary>Empties the cluster and forgets what the node holds in memory, as a restart on empty data would.</summary>
    public void Reset()
    {
        Store.Reset();
        _flow.TenantSlots.Clear();
    }
}
