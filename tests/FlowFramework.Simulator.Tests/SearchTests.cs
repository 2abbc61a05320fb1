using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Template and state search (SearchWorkflowTransportAction, SearchWorkflowStateTransportAction).</summary>
public class SearchTests
{
    [Fact]
    public async Task Search_templates_and_state()
    {
        await using var sim = await StartAsync();
        Assert.Equal(404, (await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } })).Status);
        var a = await sim.CreateAsync(Templates.RemoteModel());
        var t2 = Templates.RemoteModel();
        t2["name"] = "other name";
        var b = await sim.CreateAsync(t2);
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match"] = new JsonObject { ["name"] = "other" } } });
        Assert.Equal(200, status);
        Assert.Equal(1, body!["hits"]!["total"]!["value"]!.GetValue<int>());
        Assert.Equal(b, body["hits"]!["hits"]![0]!["_id"]!.GetValue<string>());
        Assert.Equal(".plugins-flow-framework-templates", body["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        (status, body, _) = await sim.SendAsync("GET", $"{Wf}/state/_search", new JsonObject
        {
            ["query"] = new JsonObject { ["bool"] = new JsonObject { ["must"] = new JsonArray(new JsonObject { ["term"] = new JsonObject { ["workflow_id"] = a } }) } },
            ["size"] = 5,
        });
        Assert.Equal(200, status);
        Assert.Equal(".plugins-flow-framework-state", body!["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        Assert.Equal("NOT_STARTED", body["hits"]!["hits"]![0]!["_source"]!["state"]!.GetValue<string>());
        Assert.Equal(400, (await sim.GetAsync($"{Wf}/_search?size=1")).Status);
    }
}
