using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>The /_simulator control surface: request log, config, reset, latency.</summary>
public class ControlSurfaceTests
{
    [Fact]
    public async Task Control_surface_log_config_reset_and_latency()
    {
        await using var sim = await StartAsync();
        await sim.ConfigAsync(new { latency_ms = 50 });
        var (_, cfg, _) = await sim.GetAsync("/_simulator/config");
        Assert.Equal(50, cfg!["latency_ms"]!.GetValue<int>());
        Assert.Equal(1, cfg["step_pause_ms"]!.GetValue<int>());
        var id = await sim.CreateAsync(Templates.RemoteModel());
        await sim.GetAsync($"{Wf}/{id}/_status?all=true&create_connector.credential.key=s3cret");
        var (_, log, _) = await sim.GetAsync("/_simulator/requests");
        var last = log!.AsArray().Last()!;
        Assert.Equal("GET", last["method"]!.GetValue<string>());
        Assert.Equal($"{Wf}/{id}/_status", last["path"]!.GetValue<string>());
        Assert.Equal("all=true", last["query"]!.GetValue<string>());
        Assert.Equal(400, last["status"]!.GetValue<int>());
        Assert.True(last["end_ms"]!.GetValue<double>() - last["start_ms"]!.GetValue<double>() >= 45);
        Assert.False(last["client_disconnected"]!.GetValue<bool>());
        Assert.Null(last["disconnected_ms"]);
        Assert.Equal(["method", "path", "query", "status", "start_ms", "end_ms", "user", "tenant", "client_disconnected", "disconnected_ms"], last.AsObject().Select(kv => kv.Key));
        Assert.Equal(200, (await sim.PostAsync("/_simulator/reset")).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/requests")).Body!.ToJsonString());
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
    }
}
