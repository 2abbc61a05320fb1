using System.Diagnostics;
using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>server-behaviour.md §3–§4 deprovision cases.</summary>
public class DeprovisionTests
{
    [Fact]
    public async Task Full_success_resets_state_and_deletes_resources()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal(["create_connector", "register_remote_model", "deploy_model"], Templates.Resources(state).Select(r => r["workflow_step_name"]!.GetValue<string>()));
        var model = Templates.ResourceId(state, "register_remote_model");
        Assert.Equal(model, Templates.ResourceId(state, "deploy_model"));
        Assert.Equal("model", Templates.Resources(state).Last()["workflow_step_id"]!.GetValue<string>());
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id }.ToJsonString()), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
    }

    [Fact]
    public async Task Allow_delete_gates_indices_and_pipelines()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("p1", "idx1"));
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((403, Err("These resources require the allow_delete parameter to deprovision: [pipeline_id p1, index_name idx1].")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal("COMPLETED", after!["state"]!.GetValue<string>());
        Assert.Equal(["pipeline_id p1", "index_name idx1"], Templates.Resources(after).Select(r => $"{r["resource_type"]} {r["resource_id"]}"));
        Assert.Equal((403, Err("These resources require the allow_delete parameter to deprovision: [pipeline_id p1].")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=idx1")));
        Assert.Equal(404, (await sim.GetAsync("/idx1")).Status);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=%20p1%2Cother")).Status);
        Assert.Equal(404, (await sim.GetAsync("/_ingest/pipeline/p1")).Status);
    }

    [Fact]
    public async Task Partial_failure_is_202_and_leftovers_stay_in_state()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("p2", "idx2"));
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.SendAsync("DELETE", "/_ingest/pipeline/p2")).Status);
        Assert.Equal((202, Err("Failed to deprovision some resources: [pipeline_id p2].")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=p2,idx2")));
        var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal("COMPLETED", after!["state"]!.GetValue<string>());
        Assert.Equal("DONE", after["provisioning_progress"]!.GetValue<string>());
        Assert.Equal(["p2"], Templates.Resources(after).Select(r => r["resource_id"]!.GetValue<string>()));
        Assert.Equal((400, Err($"The workflow provisioning state is DONE and can not be provisioned unless its state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_provision")));
    }

    [Fact]
    public async Task Missing_model_counts_as_deleted_but_undeploy_fails()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
        Assert.Equal((202, Err($"Failed to deprovision some resources: [model_id {model}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status");
        Assert.Equal(["deploy_model"], Templates.Resources(after!).Select(r => r["workflow_step_name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_index_deleted_out_of_band_fails_its_step_on_every_call()
    {
        // DeleteIndexStep wraps core's 404 in a WorkflowStepException, which the transport action's not-found check
        // never matches: the index stays in the 202 list and in the state for ever.
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("oob-p", "oob-idx"));
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.SendAsync("DELETE", "/oob-idx")).Status);
        for (var call = 0; call < 3; call++)
        {
            Assert.Equal((202, Err("Failed to deprovision some resources: [index_name oob-idx].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=oob-p,oob-idx")));
            var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status");
            Assert.Equal(["index_name oob-idx"], Templates.Resources(after!).Select(r => $"{r["resource_type"]} {r["resource_id"]}"));
        }
        // clear_status is the way out: the state goes with the template.
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true")).Status);
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
    }

    [Fact]
    public async Task A_connector_deleted_out_of_band_counts_as_gone_except_with_multi_tenancy()
    {
        // Without access control ML Commons' delete answers the step a not_found DeleteResponse (success); on the
        // multi-tenancy path it is a 404 "Failed to find connector" (failure, every time).
        await using (var sim = await StartAsync())
        {
            var state = await sim.ProvisionAsync(Templates.Of(Templates.Connector()));
            var conn = Templates.ResourceId(state, "create_connector");
            Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")).Status);
            Assert.Equal(200, (await sim.PostAsync($"{Wf}/{state["workflow_id"]}/_deprovision")).Status);
        }
        await using (var sim = await StartAsync("--multi-tenancy"))
        {
            var state = await sim.ProvisionAsync(Templates.Of(Templates.Connector()), tenant: "t1");
            var id = state["workflow_id"]!.GetValue<string>();
            var conn = Templates.ResourceId(state, "create_connector");
            Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}", null, tenant: "t1")).Status);
            for (var call = 0; call < 2; call++)
            {
                Assert.Equal((202, Err($"Failed to deprovision some resources: [connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, tenant: "t1")));
            }
        }
    }

    [Fact]
    public async Task Undeploy_lag_leaves_model_and_connector_then_retry_succeeds_in_forward_order()
    {
        await using var sim = await StartAsync("--undeploy-lag-ms", "400");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((202, Err($"Failed to deprovision some resources: [model_id {model}, connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status");
        Assert.Equal(["register_remote_model", "create_connector"], Templates.Resources(after!).Select(r => r["workflow_step_name"]!.GetValue<string>()));
        await Task.Delay(450);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
    }

    [Fact]
    public async Task Refresh_lag_keeps_connector_in_use_after_model_delete()
    {
        await using var sim = await StartAsync("--refresh-lag-ms", "5000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((202, Err($"Failed to deprovision some resources: [connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        await sim.ConfigAsync(new { refresh_lag_ms = 0 });
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
    }

    [Fact]
    public async Task Model_group_is_dropped_without_being_deleted()
    {
        await using var sim = await StartAsync();
        var group = new JsonObject { ["id"] = "group", ["type"] = "register_model_group", ["user_inputs"] = new JsonObject { ["name"] = "g1" } };
        var model = Templates.Model();
        model["previous_node_inputs"]!["group"] = "model_group_id";
        var state = await sim.ProvisionAsync(Templates.Of(group, Templates.Connector(), model));
        Assert.Equal("DONE", state["provisioning_progress"]!.GetValue<string>());
        var id = state["workflow_id"]!.GetValue<string>();
        var groupId = Templates.ResourceId(state, "register_model_group");
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        Assert.Equal(200, (await sim.GetAsync($"/_plugins/_ml/model_groups/{groupId}")).Status);
    }

    [Fact]
    public async Task Pauses_follow_config()
    {
        await using var sim = await StartAsync("--step-pause-ms", "100", "--pass-pause-ms", "1000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        // 3 successes (3 x 100 ms) and one pass that made progress (1 s) before the loop ends.
        Assert.InRange(watch.ElapsedMilliseconds, 1250, 5000);
    }

    [Fact]
    public async Task Deprovision_right_after_provision_acts_on_what_exists()
    {
        await using var sim = await StartAsync("--provision-delay-ms", "150");
        var id = await sim.CreateAsync(Templates.Full("p3", "idx3"));
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
        await Task.Delay(200);
        var (status, _, _) = await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=p3,idx3");
        Assert.Equal(200, status);
        var final = await sim.WaitProvisionedAsync(id);
        // No guard: the connector was deleted under the running provisioning, so registering the model then fails.
        Assert.Equal("FAILED", final["state"]!.GetValue<string>());
        Assert.StartsWith("WorkflowStepException during step model, Failed to find connector with the provided connector id: ", final["error"]!.GetValue<string>());
        Assert.EndsWith(", restStatus: NOT_FOUND", final["error"]!.GetValue<string>());
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=p3,idx3")).Status);
    }

    [Fact]
    public async Task Thirty_two_workflows_three_at_a_time_never_hang()
    {
        // Three in flight is max - 1 for the default pool of 4: always a thread free for a step.
        await using var sim = await StartAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var state = await sim.ProvisionAsync(Templates.Full($"cp{i}", $"cidx{i}"));
            Assert.Equal("DONE", state["provisioning_progress"]!.GetValue<string>());
            return (Id: state["workflow_id"]!.GetValue<string>(), I: i);
        }));
        using var throttle = new SemaphoreSlim(3);
        var results = await Task.WhenAll(ids.Select(async x =>
        {
            await throttle.WaitAsync();
            try { return await sim.PostAsync($"{Wf}/{x.Id}/_deprovision?allow_delete=cp{x.I},cidx{x.I}"); }
            finally { throttle.Release(); }
        }));
        Assert.All(results, r => Assert.Equal(200, r.Status));
        var (_, models, _) = await sim.PostAsync("/_plugins/_ml/models/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } });
        Assert.Equal(0, models!["hits"]!["total"]!["value"]!.GetValue<int>());
    }
}
