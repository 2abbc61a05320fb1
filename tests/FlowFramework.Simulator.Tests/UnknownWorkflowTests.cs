using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Unknown workflow ids get the documented 404s; core checks parameters (server-behaviour.md §1).</summary>
public class UnknownWorkflowTests
{
    [Fact]
    public async Task Unknown_ids_give_the_documented_404s()
    {
        await using var sim = await StartAsync();
        await sim.CreateAsync(Templates.RemoteModel());
        var id = "AAAAAAAAAAAAAAAAAAAA";
        Assert.Equal((404, Err($"Fail to find workflow status of {id}")), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        Assert.Equal((404, Err($"Failed to get workflow state for workflow {id}")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.GetAsync($"{Wf}/{id}")));
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.PostAsync($"{Wf}/{id}/_provision")));
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("not_found", body!["result"]!.GetValue<string>());
        Assert.Equal(".plugins-flow-framework-templates", body["_index"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_parameters_are_checked_like_core()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed.")),
            Pick(await sim.GetAsync($"{Wf}/{id}/_status?all=yes")));
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", $"request [{Wf}/{id}/_status] contains unrecognized parameter: [al] -> did you mean [all]?")),
            Pick(await sim.GetAsync($"{Wf}/{id}/_status?al=true")));
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", $"request [{Wf}/{id}/_deprovision] contains unrecognized parameter: [allow-delete] -> did you mean [allow_delete]?")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow-delete=x")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal(new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED", ["provisioning_progress"] = "NOT_STARTED" }.ToJsonString(), all!.ToJsonString());
    }
}
