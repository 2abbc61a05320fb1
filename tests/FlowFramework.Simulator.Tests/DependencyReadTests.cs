using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>
/// The reads a client watches to learn when a dependency has gone away answer what the server's own checks see:
/// GET model and DeleteModelTransportAction read one document (so a delete is refused exactly while the read shows
/// DEPLOYED), and the model search and DeleteConnectorTransportAction's "models still using it" search read one index
/// (so a deleted model is found by both until the index refreshes). The control surface says when each lag ends.
/// </summary>
public class DependencyReadTests
{
    private const string CannotDelete = "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete";

    private static JsonObject ByConnector(string connector) => new()
    {
        ["query"] = new JsonObject { ["match"] = new JsonObject { ["connector_id"] = connector } },
        ["_source"] = new JsonArray("model_state"),
    };

    private static List<string> HitIds(JsonNode body) => body["hits"]!["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task During_the_undeploy_lag_the_model_reads_deployed_exactly_while_its_delete_is_refused()
    {
        await using var sim = await StartAsync("--undeploy-lag-ms", "600000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal("undeployed", (await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy")).Body!.AsObject().Single().Value!["stats"]![model]!.GetValue<string>());

        var (_, lagging, _) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.Equal("DEPLOYED", lagging!["model_state"]!.GetValue<string>());
        Assert.Equal(1, lagging["current_worker_node_count"]!.GetValue<int>());
        Assert.False(lagging["deploy_to_all_nodes"]!.GetValue<bool>());
        var (_, found, _) = await sim.PostAsync("/_plugins/_ml/models/_search", ByConnector(conn));
        Assert.Equal("DEPLOYED", found!["hits"]!["hits"]![0]!["_source"]!["model_state"]!.GetValue<string>());
        Assert.Equal((400, CoreErr(400, "status_exception", CannotDelete)), Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));

        // The lag over (the last node let go): the same document now reads UNDEPLOYED, and the delete goes through.
        await sim.ConfigAsync(new { undeploy_lag_ms = 0 });
        var (_, after, _) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.Equal("UNDEPLOYED", after!["model_state"]!.GetValue<string>());
        Assert.Equal(0, after["current_worker_node_count"]!.GetValue<int>());
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task During_the_refresh_lag_the_model_search_finds_a_deleted_model_exactly_while_its_connector_is_still_used()
    {
        await using var sim = await StartAsync("--refresh-lag-ms", "600000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);

        // GET is realtime; the search is not.
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
        var (status, found, text) = await sim.PostAsync("/_plugins/_ml/models/_search", ByConnector(conn));
        Assert.True(status == 200, text);
        Assert.Equal([model], HitIds(found!));
        Assert.Equal((409, CoreErr(409, "status_exception", $"1 models are still using this connector, please delete or update the models first: [{model}]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")));

        await sim.ConfigAsync(new { refresh_lag_ms = 0 });
        Assert.Empty(HitIds((await sim.PostAsync("/_plugins/_ml/models/_search", ByConnector(conn))).Body!));
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")).Status);
    }

    [Fact]
    public async Task Clearings_say_when_the_undeploy_lag_of_a_deprovision_ends()
    {
        await using var sim = await StartAsync("--undeploy-lag-ms", "600000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Empty((await sim.GetAsync("/_simulator/clearings")).Body!.AsArray());

        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        var deprovision = (await sim.RequestsAsync()).Single(e => e["path"]!.GetValue<string>().EndsWith("/_deprovision", StringComparison.Ordinal));
        var clearing = Assert.Single((await sim.GetAsync("/_simulator/clearings")).Body!.AsArray())!;
        Assert.Equal(("undeploy_lag", model, conn, false),
            (clearing["kind"]!.GetValue<string>(), clearing["model_id"]!.GetValue<string>(), clearing["connector_id"]!.GetValue<string>(), clearing["cleared"]!.GetValue<bool>()));
        // The undeploy ran inside that request, and the lag is counted from it (whole milliseconds).
        var undeployedAt = clearing["clears_at_ms"]!.GetValue<long>() - 600000;
        Assert.InRange(undeployedAt, Math.Floor(deprovision["start_ms"]!.GetValue<double>()) - 1, deprovision["end_ms"]!.GetValue<double>() + 1);
    }

    [Fact]
    public async Task Clearings_say_when_a_deleted_model_stops_being_found()
    {
        await using var sim = await StartAsync("--refresh-lag-ms", "600000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");

        Assert.Equal((202, Err($"Failed to deprovision some resources: [connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        var clearing = Assert.Single((await sim.GetAsync("/_simulator/clearings")).Body!.AsArray())!;
        Assert.Equal(("refresh_lag", model, conn), (clearing["kind"]!.GetValue<string>(), clearing["model_id"]!.GetValue<string>(), clearing["connector_id"]!.GetValue<string>()));

        await sim.ConfigAsync(new { refresh_lag_ms = 0 });
        Assert.Empty((await sim.GetAsync("/_simulator/clearings")).Body!.AsArray());
    }
}
