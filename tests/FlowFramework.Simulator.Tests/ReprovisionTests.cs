using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Reprovisioning (ReprovisionWorkflowTransportAction, WorkflowProcessSorter#createReprovisionSequence).</summary>
public class ReprovisionTests
{
    [Fact]
    public async Task Reprovision_while_not_started_is_400_and_adding_a_node_works()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((400, Err($"The template can not be reprovisioned unless its provisioning state is DONE or FAILED: {id}")),
            Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.RemoteModel())));
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
        await sim.WaitProvisionedAsync(id);
        Assert.Equal((400, Err("Template does not contain any modifications")), Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.RemoteModel())));
        var (status, _, text) = await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.Of(Templates.Connector(), Templates.Model(), Templates.Pipeline("rp")));
        Assert.True(status == 202, text);
        var state = await sim.WaitProvisionedAsync(id);
        Assert.Equal("DONE", state["provisioning_progress"]!.GetValue<string>());
        Assert.Equal("rp", Templates.ResourceId(state, "create_ingest_pipeline"));
        Assert.Equal(200, (await sim.GetAsync("/_ingest/pipeline/rp")).Status);
    }

    [Fact]
    public async Task Reprovision_update_steps_record_no_resource_and_deprovision_stays_clean()
    {
        // Update*PipelineStep / UpdateIndexStep never call addResourceToStateIndex, and
        // WorkflowResources.getDeprovisionStepByWorkflowStep only knows create steps.
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("up1", "upidx"));
        var id = state["workflow_id"]!.GetValue<string>();
        var before = Templates.Resources(state).Select(r => r.ToJsonString()).ToList();
        var changed = Templates.Full("up1", "upidx");
        var pipeline = changed["workflows"]!["provision"]!["nodes"]![2]!["user_inputs"]!.AsObject();
        pipeline["configurations"]!["description"] = "changed";
        var (status, body, text) = await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", changed);
        Assert.True(status == 202, text);
        Assert.Equal(new JsonObject { ["workflow_id"] = id }.ToJsonString(), body!.ToJsonString());
        var after = await sim.WaitProvisionedAsync(id);
        Assert.Equal("DONE", after["provisioning_progress"]!.GetValue<string>());
        Assert.Equal(before, Templates.Resources(after).Select(r => r.ToJsonString()).ToList());
        Assert.Equal("changed", (await sim.GetAsync("/_ingest/pipeline/up1")).Body!["up1"]!["description"]!.GetValue<string>());
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id }.ToJsonString()),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=up1,upidx")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
    }
}
