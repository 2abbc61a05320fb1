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
}
