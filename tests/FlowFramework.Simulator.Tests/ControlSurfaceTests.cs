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
        Assert.Equal(["method", "path", "query", "status", "start_ms", "end_ms", "user", "tenant", "client_disconnected", "disconnected_ms", "answered_ms", "raw_path", "fault", "arrival"], last.AsObject().Select(kv => kv.Key));
        Assert.Equal($"{Wf}/{id}/_status", last["raw_path"]!.GetValue<string>());
        Assert.Null(last["fault"]);
        Assert.InRange(last["answered_ms"]!.GetValue<double>(), last["start_ms"]!.GetValue<double>() + 45, last["end_ms"]!.GetValue<double>());
        Assert.Equal(200, (await sim.PostAsync("/_simulator/reset")).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/requests")).Body!.ToJsonString());
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
    }

    // Overlaps read from [start_ms, answered_ms] must never exceed what a client had in flight: the stamp is taken
    // before any byte of the answer leaves (for a slow body, before its last byte), never after the client could read it.
    [Fact]
    public async Task The_log_says_when_an_answer_was_handed_over()
    {
        await using var sim = await StartAsync();
        Assert.Equal(200, (await sim.SendAsync("PUT", "/slow")).Status);
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "^/slow$", ["kind"] = "slow", ["count"] = 1, ["delay_ms"] = 200 });
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "^/reset$", ["kind"] = "reset", ["count"] = 1 });
        Assert.Equal(200, (await sim.GetAsync("/slow")).Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => sim.Client.GetAsync("/reset"));
        var log = await sim.RequestsAsync();
        var slow = log.Single(e => e["path"]!.GetValue<string>() == "/slow" && e["method"]!.GetValue<string>() == "GET");
        // The node's answer dribbled over 200 ms: it is complete only with the last piece.
        Assert.InRange(slow["answered_ms"]!.GetValue<double>() - slow["start_ms"]!.GetValue<double>(), 150, double.MaxValue);
        Assert.True(slow["answered_ms"]!.GetValue<double>() <= slow["end_ms"]!.GetValue<double>());
        var reset = await sim.WaitForRequestAsync(e => e["path"]!.GetValue<string>() == "/reset");
        Assert.Null(reset["answered_ms"]);
        Assert.Equal(("slow", "reset"), (slow["fault"]!.GetValue<string>(), reset["fault"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_log_keeps_the_path_as_the_client_escaped_it()
    {
        await using var sim = await StartAsync();
        var escaped = $"{Wf}/..%2F_cluster%2Fsettings%3Fx%23y%20%E3%83%AF/_status";
        (await sim.Client.GetAsync(escaped)).Dispose();
        var entry = Assert.Single(await sim.RequestsAsync());
        Assert.Equal(escaped, entry["raw_path"]!.GetValue<string>());
        Assert.Equal("", entry["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gates_hold_at_a_named_point_show_who_waits_and_release()
    {
        await using var sim = await StartAsync();
        Assert.Equal(400, (await sim.PostAsync("/_simulator/gates", new JsonObject { ["name"] = "nowhere" })).Status);
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var other = (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>();
        await sim.ArmGateAsync("before-deprovision-answer", id);

        // A gate for one workflow lets the others through.
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{other}/_deprovision")).Status);
        var held = sim.PostAsync($"{Wf}/{id}/_deprovision");
        await sim.AwaitGateAsync("before-deprovision-answer");
        var (_, gates, _) = await sim.GetAsync("/_simulator/gates");
        var gate = gates!.AsArray().Single()!;
        Assert.Equal("before-deprovision-answer", gate["name"]!.GetValue<string>());
        Assert.Equal(id, gate["workflow_id"]!.GetValue<string>());
        Assert.Equal(id, gate["waiting"]![0]!["workflow_id"]!.GetValue<string>());
        Assert.False(held.IsCompleted);

        // Waiting for more than are held times out with 408 and the gates' state.
        var (status, timedOut, _) = await sim.PostAsync("/_simulator/gates/before-deprovision-answer/_await", new JsonObject { ["waiting"] = 2, ["timeout_ms"] = 50 });
        Assert.Equal(408, status);
        Assert.Equal("fewer than 2 waiting at gate [before-deprovision-answer]", timedOut!["error"]!.GetValue<string>());

        Assert.Equal(1, await sim.ReleaseGateAsync("before-deprovision-answer"));
        Assert.Equal(200, (await held).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/gates")).Body!.ToJsonString());
    }

    [Fact]
    public async Task Reset_releases_every_gate()
    {
        await using var sim = await StartAsync();
        var id = (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>();
        await sim.ArmGateAsync("deprovision-start");
        var held = sim.Client.PostAsync($"{Wf}/{id}/_deprovision", null);
        await sim.AwaitGateAsync("deprovision-start");
        Assert.Equal(200, (await sim.PostAsync("/_simulator/reset")).Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => held);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/gates")).Body!.ToJsonString());
    }
}
