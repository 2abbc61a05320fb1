using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>Core's node and cluster information: <c>GET /</c> (cluster:monitor/main) and <c>GET _cluster/health</c>.</summary>
internal sealed class NodeInfoHandlers
{
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
            ["name"] = "flow-framework-simulator",
            ["cluster_name"] = "flow-framework-simulator",
            ["cluster_uuid"] = _clusterUuid,
            ["version"] = new JsonObject
            {
                ["distribution"] = "opensearch",
                ["number"] = "3.2.0",
                ["build_type"] = "tar",
                ["build_hash"] = "6adc0bf476e1624190564d7fbe4aba00ccf49ad8",
                ["build_date"] = "2025-08-12T03:54:00.119899934Z",
                ["build_snapshot"] = false,
                ["lucene_version"] = "10.2.2",
                ["minimum_wire_compatibility_version"] = "2.19.0",
                ["minimum_index_compatibility_version"] = "2.0.0",
            },
            ["tagline"] = "The OpenSearch Project: https://opensearch.org/",
        });
    }

    public SimResponse ClusterHealth() => SimResponse.Ok(new JsonObject
    {
        ["cluster_name"] = "flow-framework-simulator", ["status"] = "green", ["timed_out"] = false,
        ["number_of_nodes"] = 1, ["number_of_data_nodes"] = 1,
    });
}
