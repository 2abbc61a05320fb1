using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>DELETE workflow with and without clear_status (DeleteWorkflowTransportAction).</summary>
public class DeleteWorkflowTests
{
    [Fact]
    public async Task Delete_before_any_template_is_404_no_templates()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, Err("There are no templates in the global context")), Pick(await sim.SendAsync("DELETE", $"{Wf}/abc")));
    }

    [Fact]
    public async Task Delete_with_and_without_clear_status()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("deleted", body!["result"]!.GetValue<string>());
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);

        var id2 = (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"{Wf}/{id2}?clear_status=true")).Status);
        Assert.Equal((404, Err($"Fail to find workflow status of {id2}")), Pick(await sim.GetAsync($"{Wf}/{id2}/_status")));
    }

    [Fact]
    public async Task Clear_status_deletes_the_state_with_resources_but_never_the_resources()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var conn = Templates.ResourceId(state, "create_connector");
        // Without clear_status the state of a workflow with resources stays, even with an empty parameter
        // (Booleans#parseBoolean treats "" as the default, false).
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status")).Status);
        Assert.Equal(3, Templates.Resources((await sim.GetAsync($"{Wf}/{id}/_status")).Body!).Count());
        // The template is gone; a second delete answers not_found with 200 and clear_status takes the state.
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true");
        Assert.Equal(200, status);
        Assert.Equal("not_found", body!["result"]!.GetValue<string>());
        Assert.Equal((404, Err($"Fail to find workflow status of {id}")), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        Assert.Equal(200, (await sim.GetAsync($"/_plugins/_ml/connectors/{conn}")).Status);
    }

    [Fact]
    public async Task A_bad_clear_status_is_the_handlers_failed_to_get_workflow()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, Err("There are no templates in the global context")), Pick(await sim.SendAsync("DELETE", $"{Wf}/abc?clear_status=yes")));
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((400, Err("Failed to get workflow.")), Pick(await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=yes")));
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}")).Status);
    }

    [Fact]
    public async Task The_state_delete_is_not_awaited_and_skips_a_workflow_in_progress()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        await sim.ArmGateAsync("before-state-write", id);
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("deleted", body!["result"]!.GetValue<string>());
        // Answered before the state delete: the state is still readable until it lands.
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        await sim.ReleaseGateAsync("before-state-write", id);
        var gone = false;
        for (var i = 0; i < 200 && !gone; i++)
        {
            gone = (await sim.GetAsync($"{Wf}/{id}/_status")).Status == 404;
            if (!gone) { await Task.Delay(10); }
        }
        Assert.True(gone);

        // IN_PROGRESS: the state stays even with clear_status.
        var running = await sim.CreateAsync(Templates.RemoteModel());
        await sim.ArmGateAsync("provision-step", running);
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{running}/_provision")).Status);
        await sim.AwaitGateAsync("provision-step");
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"{Wf}/{running}?clear_status=true")).Status);
        Assert.Equal("PROVISIONING", (await sim.GetAsync($"{Wf}/{running}/_status")).Body!["state"]!.GetValue<string>());
        await sim.ReleaseGateAsync("provision-step");
        Assert.Equal("COMPLETED", (await sim.WaitProvisionedAsync(running))["state"]!.GetValue<string>());
    }
}
