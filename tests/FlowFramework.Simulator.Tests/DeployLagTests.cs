using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Models deploy asynchronously (TransportDeployModelAction, TransportForwardAction DEPLOY_MODEL_DONE): a model
/// registered with deploy: true is DEPLOYING after provisioning completes, with ML Commons' undeploy and delete behaviour.</summary>
public class DeployLagTests
{
    private const string CannotDelete = "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete";

    private static async Task<JsonNode> ModelWhenAsync(Sim sim, string model, string state)
    {
        for (var i = 0; i < 400; i++)
        {
            var (_, body, _) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
            if (body!["model_state"]!.GetValue<string>() == state) { return body; }
            await Task.Delay(10);
        }
        throw new TimeoutException($"model {model} never {state}");
    }

    [Fact]
    public async Task Provisioning_completes_while_the_model_is_still_deploying()
    {
        await using var sim = await StartAsync();
        await sim.ArmGateAsync("deploy-complete");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        Assert.Equal("COMPLETED", state["state"]!.GetValue<string>());
        Assert.Equal(["create_connector", "register_remote_model", "deploy_model"], Templates.Resources(state).Select(r => r["workflow_step_name"]!.GetValue<string>()));
        var model = Templates.ResourceId(state, "deploy_model");
        var (_, doc, _) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.Equal("DEPLOYING", doc!["model_state"]!.GetValue<string>());
        Assert.Equal(1, doc["planning_worker_node_count"]!.GetValue<int>());
        Assert.True(doc["deploy_to_all_nodes"]!.GetValue<bool>());
        Assert.Null(doc["last_deployed_time"]);
        Assert.Null(doc["current_worker_node_count"]);
        Assert.Equal((400, CoreErr(400, "status_exception", CannotDelete)), Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));

        Assert.Equal(1, await sim.ReleaseGateAsync("deploy-complete"));
        var deployed = await ModelWhenAsync(sim, model, "DEPLOYED");
        Assert.NotNull(deployed["last_deployed_time"]);
        Assert.Equal(1, deployed["current_worker_node_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Undeploy_of_a_deploying_model_answers_not_found_and_the_deployment_still_lands()
    {
        // MLModelCacheHelper#isModelDeployed is true for DEPLOYED only: the node answers not_found and drops its cache
        // entry, the document is written UNDEPLOYED; the deployment then completes and writes DEPLOYED again.
        await using var sim = await StartAsync();
        await sim.ArmGateAsync("deploy-complete");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "deploy_model");
        var (status, body, text) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.True(status == 200, text);
        var node = body!.AsObject().Single().Key;
        Assert.Equal(new JsonObject { [node] = new JsonObject { ["stats"] = new JsonObject { [model] = "not_found" } } }.ToJsonString(), body.ToJsonString());
        var (_, doc, _) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.Equal("UNDEPLOYED", doc!["model_state"]!.GetValue<string>());
        Assert.Equal(0, doc["planning_worker_node_count"]!.GetValue<int>());
        Assert.Equal(0, doc["current_worker_node_count"]!.GetValue<int>());

        await sim.ReleaseGateAsync("deploy-complete");
        await ModelWhenAsync(sim, model, "DEPLOYED");
        Assert.Equal((400, CoreErr(400, "status_exception", CannotDelete)), Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));
        // Now the node serves it, so an undeploy undeploys it.
        Assert.Equal("undeployed", (await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy")).Body![node]!["stats"]![model]!.GetValue<string>());
    }

    [Fact]
    public async Task Deprovision_right_after_provisioning_with_a_deploy_lag_ends_clean_when_undeploy_comes_first()
    {
        await using var sim = await StartAsync("--deploy-lag-ms", "600000");
        Assert.Equal(600000, (await sim.GetAsync("/_simulator/config")).Body!["deploy_lag_ms"]!.GetValue<int>());
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "deploy_model");
        Assert.Equal("DEPLOYING", (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Body!["model_state"]!.GetValue<string>());
        // Reverse order: undeploy (not_found, document UNDEPLOYED), then the delete succeeds, then the connector.
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task Deploy_model_step_waits_for_the_deployment()
    {
        // DeployModelStep polls the deploy task until it is done, unlike register_remote_model with deploy: true.
        await using var sim = await StartAsync();
        var deploy = new JsonObject { ["id"] = "deploy", ["type"] = "deploy_model", ["previous_node_inputs"] = new JsonObject { ["model"] = "model_id" } };
        var id = await sim.CreateAsync(Templates.Of(Templates.Connector(), Templates.Model(deploy: false), deploy));
        await sim.ArmGateAsync("deploy-complete");
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
        await sim.AwaitGateAsync("deploy-complete");
        Assert.Equal("PROVISIONING", (await sim.GetAsync($"{Wf}/{id}/_status")).Body!["state"]!.GetValue<string>());
        await sim.ReleaseGateAsync("deploy-complete");
        var state = await sim.WaitProvisionedAsync(id);
        Assert.Equal("DONE", state["provisioning_progress"]!.GetValue<string>());
        Assert.Equal("DEPLOYED", (await sim.GetAsync($"/_plugins/_ml/models/{Templates.ResourceId(state, "deploy_model")}")).Body!["model_state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rest_deploy_of_a_remote_model_answers_completed_before_it_is_deployed()
    {
        await using var sim = await StartAsync();
        var connector = (await sim.PostAsync("/_plugins/_ml/connectors/_create", Templates.Connector()["user_inputs"]!.DeepClone())).Body!["connector_id"]!.GetValue<string>();
        var model = (await sim.PostAsync("/_plugins/_ml/models/_register", new JsonObject { ["name"] = "m", ["function_name"] = "remote", ["connector_id"] = connector })).Body!["model_id"]!.GetValue<string>();
        await sim.ArmGateAsync("deploy-complete", model);
        var (status, body, text) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_deploy");
        Assert.True(status == 200, text);
        Assert.Equal("DEPLOY_MODEL", body!["task_type"]!.GetValue<string>());
        Assert.Equal("COMPLETED", body["status"]!.GetValue<string>());
        Assert.Equal("DEPLOYING", (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Body!["model_state"]!.GetValue<string>());
        await sim.ReleaseGateAsync("deploy-complete", model);
        await ModelWhenAsync(sim, model, "DEPLOYED");
    }
}
