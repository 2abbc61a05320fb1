using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Flow;
using FlowFramework.Simulator.Http;
using FlowFramework.Simulator.Ml;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Hosting;

/// <summary>One simulated OpenSearch node: its cluster state, its plugins and its REST layer.</summary>
internal sealed class SimulatorNode
{
    private readonly FlowFrameworkPlugin _flow;
    private readonly MlService _ml;

    public SimulatorNode(SimulatorOptions options, IHoldPoints holds)
    {
        Config = options.Config;
        Store = new ClusterStore(options.DataDir, options.Config);
        Pools = new NodeThreadPools(options.Processors, options.DeprovisionPoolSize);
        var ml = _ml = new MlService(Store, options.MultiTenancy, holds);
        var core = new CoreService(Store);
        _flow = new FlowFrameworkPlugin(Store, ml, core, Pools, holds, options.MultiTenancy);
        Security = options.Security;
        Rest = new RestDispatcher(new Authenticator(options.Users, options.Security, TimeProvider.System), options.MultiTenancy, new NodeInfoHandlers(Store.NodeId, Pools),
            new FlowRestHandlers(_flow, new UseCaseCatalogue(), options.MultiTenancy),
            new MlRestHandlers(ml, options.MultiTenancy), new CoreRestHandlers(core));
    }

    public SimConfig Config { get; }
    public ClusterStore Store { get; }
    public RestDispatcher Rest { get; }
    public NodeThreadPools Pools { get; }

    /// <summary>The sign-in ways beyond basic auth, and the AWS keys the control surface can expire.</summary>
    public SecurityOptions Security { get; }

    /// <summary>Empties the cluster and forgets what the node holds in memory, as a restart on empty data would: the
    /// deprovision pool drops its work (requests held in it lose their connection), deployments in progress stop, and
    /// the tenants' deprovision slots are free again.</summary>
    public void Reset()
    {
        Stop();
        Store.Reset();
    }

    /// <summary>What a node shutdown does to work in progress: the pool drops it (requests held there lose their
    /// connection), deployments stop, and the tenants' slots are gone with the process.</summary>
    public void Stop()
    {
        Pools.Restart();
        _ml.Restart();
        _flow.TenantSlots.Clear();
    }
}
