using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>Core's node and cluster information: <c>GET /</c> (cluster:monitor/main), <c>GET _nodes</c>
/// (cluster:monitor/nodes/info, RestNodesInfoAction) and <c>GET _cluster/health</c>.</summary>
internal sealed class NodeInfoHandlers(string nodeId, NodeThreadPools pools)
{
    private const string Name = "flow-framework-simulator";
    private const string Version = "3.2.0";
    private const string BuildHash = "6adc0bf476e1624190564d7fbe4aba00ccf49ad8";
    private static readonly string[] Metrics = ["settings", "os", "process", "jvm", "thread_pool", "transport", "http", "plugins", "ingest", "aggregations", "indices", "search_pipelines"];
    private readonly string _clusterUuid = Ids.New() + "Aw";

    public SimResponse Root(SimRequest req)
    {
        if (req.Method is not ("GET" or "HEAD"))
        {
            return CoreChecks.WrongMethod(req, "GET", "HEAD");
        }
        if (req.User is { } user && !user.Can(Permission.ClusterMonitor))
        {
            return CoreChecks.Security(req, "cluster:monitor/main");
        }
        return SimResponse.Ok(new JsonObject
        {
            ["name"] = Name,
            ["cluster_name"] = Name,
            ["cluster_uuid"] = _clusterUuid,
            ["version"] = new JsonObject
            {
                ["distribution"] = "opensearch",
                ["number"] = Version,
                ["build_type"] = "tar",
                ["build_hash"] = BuildHash,
                ["build_date"] = "2025-08-12T03:54:00.119899934Z",
                ["build_snapshot"] = false,
                ["lucene_version"] = "10.2.2",
                ["minimum_wire_compatibility_version"] = "2.19.0",
                ["minimum_index_compatibility_version"] = "2.0.0",
            },
            ["tagline"] = "The OpenSearch Project: https://opensearch.org/",
        });
    }

    /// <summary><c>GET _nodes[/{nodeId}][/{metrics}]</c>: this node's info, with the thread pools when asked for.</summary>
    public SimResponse NodesInfo(SimRequest req, string[] rest)
    {
        if (req.Method != "GET")
        {
            return CoreChecks.WrongMethod(req, "GET");
        }
        if (CoreChecks.Unrecognized(req, "flat_settings", "timeout") is { } bad) { return bad; }
        if (req.User is { } user && !user.Can(Permission.ClusterMonitor))
        {
            return CoreChecks.Security(req, "cluster:monitor/nodes/info");
        }
        // One path part is metrics when every comma-separated name is a metric (or _all), else node ids.
        string? nodes = null, metrics = null;
        if (rest.Length == 1)
        {
            var parts = rest[0].Split(',');
            if (parts.All(p => Metrics.Contains(p)) || rest[0] == "_all") { metrics = rest[0]; } else { nodes = rest[0]; }
        }
        else if (rest.Length == 2)
        {
            (nodes, metrics) = (rest[0], rest[1]);
        }
        else if (rest.Length > 2)
        {
            return CoreChecks.NoHandler(req);
        }
        if (metrics is not null && metrics != "_all" && metrics.Split(',').FirstOrDefault(m => !Metrics.Contains(m)) is { } unknown)
        {
            return CoreChecks.IllegalArgument($"request [{req.Path}] contains unrecognized metric: [{unknown}]");
        }
        var selected = nodes is null || nodes.Split(',').Any(n => n is "_all" or "_local" or "_cluster_manager" or "_master" or Name || n == nodeId);
        var wanted = metrics is null || metrics == "_all" ? Metrics : metrics.Split(',');
        var result = new JsonObject();
        if (selected)
        {
            var node = new JsonObject
            {
                ["name"] = Name,
                ["transport_address"] = "127.0.0.1:9300",
                ["host"] = "127.0.0.1",
                ["ip"] = "127.0.0.1",
                ["version"] = Version,
                ["build_type"] = "tar",
                ["build_hash"] = BuildHash,
                ["roles"] = new JsonArray("cluster_manager", "data", "ingest", "ml", "remote_cluster_client"),
            };
            if (wanted.Contains("thread_pool")) { node["thread_pool"] = pools.Info(); }
            result[nodeId] = node;
        }
        var count = result.Count;
        return SimResponse.Ok(new JsonObject
        {
            ["_nodes"] = new JsonObject { ["total"] = count, ["successful"] = count, ["failed"] = 0 },
            ["cluster_name"] = Name,
            ["nodes"] = result,
        });
    }

    public SimResponse ClusterHealth() => SimResponse.Ok(new JsonObject
    {
        ["cluster_name"] = Name, ["status"] = "green", ["timed_out"] = false,
        ["number_of_nodes"] = 1, ["number_of_data_nodes"] = 1,
    });
}
