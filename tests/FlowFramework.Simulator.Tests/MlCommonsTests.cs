using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>ML Commons: the dependency errors and model documents deprovisioning meets (server-behaviour.md §5).</summary>
public class MlCommonsTests
{
    [Fact]
    public async Task Ml_dependency_errors()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((400, CoreErr(400, "status_exception", "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));
        Assert.Equal((409, CoreErr(409, "status_exception", $"1 models are still using this connector, please delete or update the models first: [{model}]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")));
        var (status, body, _) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, status);
        Assert.Equal("undeployed", body!.AsObject().First().Value!["stats"]![model]!.GetValue<string>());
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find model")), Pick(await sim.GetAsync($"/_plugins/_ml/models/{model}")));
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")).Status);
        (status, body, _) = await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}");
        Assert.Equal(404, status);
        Assert.Equal("not_found", body!["result"]!.GetValue<string>());
        Assert.Equal((404, CoreErr(404, "status_exception", "Fail to find ml agent")), Pick(await sim.SendAsync("DELETE", "/_plugins/_ml/agents/nope")));
        (status, body, _) = await sim.SendAsync("DELETE", "/nope-index");
        Assert.Equal(404, status);
        Assert.Equal("index_not_found_exception", body!["error"]!["type"]!.GetValue<string>());
        Assert.Equal("no such index [nope-index]", body["error"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Undeploy_twice_reports_not_found_and_model_doc_matches_ml_commons()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var connector = Templates.ResourceId(state, "create_connector");
        var (s1, first, _) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, s1);
        var node = first!.AsObject().Single().Key;
        Assert.Equal(new JsonObject { [node] = new JsonObject { ["stats"] = new JsonObject { [model] = "undeployed" } } }.ToJsonString(), first.ToJsonString());
        // MLModelManager.undeployModel: a model in no node's cache is "not_found" (still 200).
        Assert.Equal((200, new JsonObject { [node] = new JsonObject { ["stats"] = new JsonObject { [model] = "not_found" } } }.ToJsonString()),
            Pick(await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy")));
        var (s2, doc, text) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.True(s2 == 200, text);
        // Undeploy zeroes the counts and empties planning_worker_nodes; nothing writes last_undeployed_time.
        Assert.Equal(
            ["name", "model_group_id", "algorithm", "model_version", "model_state", "created_time", "last_updated_time", "last_registered_time",
             "last_deployed_time", "auto_redeploy_retry_times", "planning_worker_node_count", "current_worker_node_count", "deploy_to_all_nodes", "connector_id"],
            doc!.AsObject().Select(kv => kv.Key));
        Assert.Equal("UNDEPLOYED", doc["model_state"]!.GetValue<string>());
        Assert.Equal(0, doc["planning_worker_node_count"]!.GetValue<int>());
        Assert.Equal(0, doc["current_worker_node_count"]!.GetValue<int>());
        Assert.Equal(connector, doc["connector_id"]!.GetValue<string>());
    }
}
