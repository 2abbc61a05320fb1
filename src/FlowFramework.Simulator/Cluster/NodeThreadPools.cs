using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Cluster;

/// <summary>The node's thread pools as sized for its allocated processors. Only the Flow Framework deprovision pool
/// runs work here (the others are shown for <c>GET _nodes/thread_pool</c>); FlowFrameworkPlugin#getExecutorBuilders
/// sizes each of its pools as max(setting, allocated processors - 1).</summary>
internal sealed class NodeThreadPools
{
    public const string DeprovisionPoolName = "opensearch_deprovision_workflow";

    private readonly int _processors;
    private readonly int _workflowMax;
    private readonly int _provisionMax;

    public NodeThreadPools(int processors, int deprovisionPoolSize)
    {
        _processors = processors;
        var fromProcessors = processors - 1;
        _workflowMax = Math.Max(4, fromProcessors);
        _provisionMax = Math.Max(8, fromProcessors);
        Deprovision = new ScalingExecutor(DeprovisionPoolName, 1, Math.Max(deprovisionPoolSize, fromProcessors), "1m");
    }

    /// <summary><c>opensearch_deprovision_workflow</c>: runs each deprovision sequence and every step of it.</summary>
    public ScalingExecutor Deprovision { get; }

    /// <summary>The <c>thread_pool</c> section of the node's info (ThreadPool.Info#toXContent per pool).</summary>
    public JsonObject Info()
    {
        static JsonObject Fixed(int size, int queue) => new() { ["type"] = "fixed", ["size"] = size, ["queue_size"] = queue };
        static JsonObject Scaling(int core, int max, string keepAlive) => new() { ["type"] = "scaling", ["core"] = core, ["max"] = max, ["keep_alive"] = keepAlive, ["queue_size"] = -1 };
        return new JsonObject
        {
            ["generic"] = Scaling(4, Math.Max(128, 4 * _processors), "30s"),
            ["management"] = Scaling(1, 5, "5m"),
            ["get"] = Fixed(_processors, 1000),
            ["search"] = Fixed((_processors * 3 / 2) + 1, 1000),
            ["write"] = Fixed(_processors, 10000),
            ["opensearch_workflow"] = Scaling(1, _workflowMax, "1m"),
            ["opensearch_provision_workflow"] = Scaling(1, _provisionMax, "5m"),
            [DeprovisionPoolName] = Deprovision.Info(),
        };
    }

    /// <summary>A restart empties every pool.</summary>
    public void Restart() => Deprovision.Restart();
}
