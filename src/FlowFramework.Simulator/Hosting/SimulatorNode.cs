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
        var settings = new ClusterSettings(Store);
        var ml = _ml = new MlService(Store, options.MultiTenancy, holds, settings);
        var core = new CoreService(Store);
        _flow = new FlowFrameworkPlugin(Store, ml, core, Pools, holds, options.MultiTenancy);
        Security = options.Security;
        Rest = new RestDispatcher(new Authenticator(options.Users, options.Security, TimeProvider.System), options.MultiTenancy, new NodeInfoHandlers(Store.NodeId, Pools),
            new FlowRestHandlers(_flow, new UseCaseCatalogue(), options.MultiTenancy),
            new MlRestHandlers(ml, options.MultiTenancy), new CoreRestHandlers(core), new ClusterSettingsHandlers(settings));
    }

    public SimConfig Config { get; }
    public ClusterStore Store { get; }
    public RestDispatcher Rest { get; }
    public NodeThreadPools Pools { get; }

    /// <summary>The sign-in ways beyond basic auth, and the AWS keys the control surface can expire.</summary>
    public SecurityOptions Security { get; }

    /// <summary>
    /// A provisioned workflow written straight into the indices (for <c>POST /_simulator/workflows</c>): a template and a
    /// COMPLETED/DONE state listing the given entries, none of which exists. For benchmarks at sizes the server's
    /// <c>max_workflow_steps</c> (50) does not let provisioning reach; returns the workflow id.
    /// </summary>
    public string SeedWorkflow(System.Text.Json.Nodes.JsonArray resources)
    {
        var entries = resources.Select(r => new ResourceCreated(
            Common.Json.AsText(r?["workflow_step_name"]) ?? throw new ArgumentException("each entry needs workflow_step_name"),
            Common.Json.AsText(r?["workflow_step_id"]) ?? throw new ArgumentException("each entry needs workflow_step_id"),
            Common.Json.AsText(r?["resource_type"]) ?? throw new ArgumentException("each entry needs resource_type"),
            Common.Json.AsText(r?["resource_id"]) ?? throw new ArgumentException("each entry needs resource_id"))).ToList();
        var id = _flow.Indices.CreateTemplate(new System.Text.Json.Nodes.JsonObject { ["name"] = "seeded" }, null, null);
        foreach (var entry in entries)
        {
            _flow.Indices.AppendResource(id, entry);
        }
        _flow.Indices.FinishProvision(id, null);
        return id;
    }

    /// <summary>When each ML dependency lag ends (for <c>GET /_simulator/clearings</c>).</summary>
    public System.Text.Json.Nodes.JsonArray Clearings() => _ml.Clearings();

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
