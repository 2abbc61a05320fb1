using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>ML Commons model groups, which Flow Framework leaves behind (GetModelGroupTransportAction,
/// DeleteModelGroupTransportAction), and the model, connector and agent reads a client makes to check what still exists.</summary>
public class ModelGroupTests
{
    private const string Groups = "/_plugins/_ml/model_groups";

    [Fact]
    public async Task Get_answers_the_group_and_ml_commons_404s()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find model group index")), Pick(await sim.GetAsync($"{Groups}/nope")));
        var (status, created, text) = await sim.PostAsync($"{Groups}/_register", new JsonObject { ["name"] = "g1", ["description"] = "d" });
        Assert.True(status == 200, text);
        var id = created!["model_group_id"]!.GetValue<string>();
        Assert.Equal("CREATED", created["status"]!.GetValue<string>());
        var (_, group, _) = await sim.GetAsync($"{Groups}/{id}");
        Assert.Equal(["name", "latest_version", "description", "access", "created_time", "last_updated_time"], group!.AsObject().Select(kv => kv.Key));
        Assert.Equal(0, group["latest_version"]!.GetValue<int>());
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find model group with the provided model group id: nope")), Pick(await sim.GetAsync($"{Groups}/nope")));
    }

    [Fact]
    public async Task Delete_refuses_a_group_with_models_then_deletes_it_then_answers_not_found()
    {
        await using var sim = await StartAsync();
        var group = new JsonObject { ["id"] = "group", ["type"] = "register_model_group", ["user_inputs"] = new JsonObject { ["name"] = "left-behind" } };
        var model = Templates.Model();
        model["previous_node_inputs"]!["group"] = "model_group_id";
        var state = await sim.ProvisionAsync(Templates.Of(group, Templates.Connector(), model));
        var groupId = Templates.ResourceId(state, "register_model_group");
        Assert.Equal((409, CoreErr(409, "status_exception", "Cannot delete the model group when it has associated model versions")), Pick(await sim.SendAsync("DELETE", $"{Groups}/{groupId}")));

        // Deprovisioning deletes the model but only drops the group from the state.
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{state["workflow_id"]}/_deprovision")).Status);
        var (status, deleted, text) = await sim.SendAsync("DELETE", $"{Groups}/{groupId}");
        Assert.True(status == 200, text);
        Assert.Equal(".plugins-ml-model-group", deleted!["_index"]!.GetValue<string>());
        Assert.Equal(groupId, deleted["_id"]!.GetValue<string>());
        Assert.Equal("deleted", deleted["result"]!.GetValue<string>());

        // A group that is not there: core's DeleteResponse with result not_found, sent as 404.
        (status, deleted, _) = await sim.SendAsync("DELETE", $"{Groups}/{groupId}");
        Assert.Equal(404, status);
        Assert.Equal("not_found", deleted!["result"]!.GetValue<string>());
        Assert.Equal(1, deleted["_version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Model_reads_show_the_state_and_searches_on_connector_id_follow_the_dynamic_mapping()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, CoreErr(404, "status_exception", "Fail to find model")), Pick(await sim.GetAsync("/_plugins/_ml/models/nope")));
        var state = await sim.ProvisionAsync(Templates.Of(Templates.Connector(), Templates.Model(deploy: false)));
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal("REGISTERED", (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Body!["model_state"]!.GetValue<string>());
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find model with the provided model id: nope")), Pick(await sim.GetAsync("/_plugins/_ml/models/nope")));
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find connector with the provided connector id: nope")), Pick(await sim.GetAsync("/_plugins/_ml/connectors/nope")));
        Assert.Equal(200, (await sim.GetAsync($"/_plugins/_ml/connectors/{conn}")).Status);

        // connector_id is not in ml_model.json: dynamically mapped as text (lowercased tokens) with a keyword subfield.
        async Task<int> Count(JsonObject query)
            => (await sim.PostAsync("/_plugins/_ml/models/_search", new JsonObject { ["query"] = query })).Body!["hits"]!["total"]!["value"]!.GetValue<int>();
        var tokenMatches = conn == conn.ToLowerInvariant() && !conn.Contains('-');
        Assert.Equal(tokenMatches ? 1 : 0, await Count(new JsonObject { ["term"] = new JsonObject { ["connector_id"] = conn } }));
        Assert.Equal(1, await Count(new JsonObject { ["term"] = new JsonObject { ["connector_id.keyword"] = conn } }));
        Assert.Equal(1, await Count(new JsonObject { ["match"] = new JsonObject { ["connector_id"] = new JsonObject { ["query"] = conn, ["operator"] = "and" } } }));
        Assert.Equal(1, await Count(new JsonObject { ["term"] = new JsonObject { ["model_state"] = "REGISTERED" } }));
        var (_, hits, _) = await sim.PostAsync("/_plugins/_ml/models/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } });
        Assert.Equal(["_index", "_id", "_score", "_source"], hits!["hits"]!["hits"]![0]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task Pipelines_and_indices_answer_their_existence()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("exist-p", "exist-idx"));
        Assert.NotNull(state);
        Assert.Equal(200, (await sim.GetAsync("/_ingest/pipeline/exist-p")).Status);
        Assert.Equal((404, "{}"), Pick(await sim.GetAsync("/_ingest/pipeline/nope")));
        using (var head = await sim.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/exist-idx"))) { Assert.Equal(200, (int)head.StatusCode); }
        using (var head = await sim.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/nope-idx"))) { Assert.Equal(404, (int)head.StatusCode); }
    }
}
