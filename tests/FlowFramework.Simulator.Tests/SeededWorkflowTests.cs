using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary><c>POST /_simulator/workflows</c> writes a provisioned workflow of any size (past max_workflow_steps) for benchmarks.</summary>
public class SeededWorkflowTests
{
    private static JsonObject Entry(int i) => new()
    {
        ["workflow_step_name"] = "create_index", ["workflow_step_id"] = $"index_{i}", ["resource_type"] = "index_name", ["resource_id"] = $"seeded-{i}",
    };

    [Fact]
    public async Task A_seeded_workflow_reads_as_provisioned_with_its_entries_in_order()
    {
        await using var sim = await StartAsync();
        var entries = new JsonArray(Enumerable.Range(0, 120).Select(i => (JsonNode)Entry(i)).ToArray());

        var (status, body, text) = await sim.PostAsync("/_simulator/workflows", new JsonObject { ["resources_created"] = entries });

        Assert.True(status == 200, text);
        var id = body!["workflow_id"]!.GetValue<string>();
        var (_, state, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal(("COMPLETED", "DONE"), (state!["state"]!.GetValue<string>(), state["provisioning_progress"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"seeded-{i}"), Templates.Resources(state).Select(r => r["resource_id"]!.GetValue<string>()));
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}")).Status);
    }

    [Fact]
    public async Task An_entry_without_its_four_fields_is_refused()
    {
        await using var sim = await StartAsync();
        var entry = Entry(0);
        entry.Remove("resource_id");

        var (status, body, _) = await sim.PostAsync("/_simulator/workflows", new JsonObject { ["resources_created"] = new JsonArray(entry) });

        Assert.Equal((400, "each entry needs resource_id"), (status, body!["error"]!.GetValue<string>()));
    }
}
