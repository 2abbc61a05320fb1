using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Injected faults from the command line and the control surface.</summary>
public class FaultInjectionTests
{
    [Fact]
    public async Task Faults_429_503_500_malformed_slow_and_reset()
    {
        await using var sim = await StartAsync("--fault", "kind=500,path=_status$,count=1");
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal(500, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);

        Assert.Equal(200, (await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "_deprovision", ["kind"] = "429", ["count"] = 1, ["retry_after_seconds"] = 3 })).Status);
        using (var r = await sim.Client.PostAsync($"{Wf}/{id}/_deprovision", null))
        {
            Assert.Equal(429, (int)r.StatusCode);
            Assert.Equal("3", r.Headers.GetValues("Retry-After").Single());
        }
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["method"] = "GET", ["path"] = "_status", ["kind"] = "503", ["count"] = 1, ["retry_after_seconds"] = 1 });
        Assert.Equal(503, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "_status", ["kind"] = "malformed", ["count"] = 1 });
        var (status, body, text) = await sim.GetAsync($"{Wf}/{id}/_status");
        Assert.Equal(200, status);
        Assert.Null(body);
        Assert.StartsWith("{", text);
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "_status", ["kind"] = "slow", ["count"] = 1, ["delay_ms"] = 300 });
        await sim.SendAsync("DELETE", "/_simulator/requests");
        // A slow answer is the node's own answer, late: the work is done.
        var slowAnswer = await sim.GetAsync($"{Wf}/{id}/_status");
        Assert.Equal((200, id), (slowAnswer.Status, slowAnswer.Body!["workflow_id"]!.GetValue<string>()));
        var slow = Assert.Single(await sim.RequestsAsync());
        Assert.True(slow["answered_ms"]!.GetValue<double>() - slow["start_ms"]!.GetValue<double>() >= 250, slow.ToJsonString());
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "_status", ["kind"] = "reset", ["count"] = 1 });
        await Assert.ThrowsAsync<HttpRequestException>(() => sim.Client.GetAsync($"{Wf}/{id}/_status"));
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = ".*", ["kind"] = "500", ["rate"] = 0.0 });
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.Equal(200, (await sim.SendAsync("DELETE", "/_simulator/faults")).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/faults")).Body!.ToJsonString());
    }
}
