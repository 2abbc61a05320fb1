using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>A deprovision outlives its client, holds its tenant slot until it ends, and answers a partial failure before
/// its final state write lands (DeprovisionWorkflowTransportAction, TenantAwareHelper; server-behaviour.md §10).</summary>
public class DeprovisionLifetimeTests
{
    /// <summary>Sends a deprovision and closes the connection once it is held at the gate; returns when the client is gone.</summary>
    private static async Task DisconnectWhileHeldAsync(Sim sim, string id, string gate, string? tenant = null)
    {
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Wf}/{id}/_deprovision");
        if (tenant is not null) { request.Headers.Add("x-tenant-id", tenant); }
        var call = sim.Client.SendAsync(request, cts.Token);
        await sim.AwaitGateAsync(gate);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task A_deprovision_runs_to_its_end_after_the_client_disconnects()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        await sim.ArmGateAsync("deprovision-start", id);
        await DisconnectWhileHeldAsync(sim, id, "deprovision-start");
        Assert.Equal(1, await sim.ReleaseGateAsync("deprovision-start"));

        var entry = await sim.WaitForRequestAsync(e => e["path"]!.GetValue<string>() == $"{Wf}/{id}/_deprovision");
        Assert.Equal(200, entry["status"]!.GetValue<int>());
        Assert.True(entry["client_disconnected"]!.GetValue<bool>());
        var start = entry["start_ms"]!.GetValue<double>();
        var gone = entry["disconnected_ms"]!.GetValue<double>();
        var end = entry["end_ms"]!.GetValue<double>();
        Assert.True(start <= gone && gone <= end, entry.ToJsonString());
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task The_tenant_slot_stays_taken_until_a_disconnected_deprovision_ends()
    {
        await using var sim = await StartAsync("--multi-tenancy");
        var first = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        var second = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        await sim.ArmGateAsync("before-deprovision-answer", first);
        await DisconnectWhileHeldAsync(sim, first, "before-deprovision-answer", "t1");

        Assert.Equal((429, Err("Exceeded max simultaneous deprovisioning requests: 1")), Pick(await sim.PostAsync($"{Wf}/{second}/_deprovision", null, tenant: "t1")));
        // Another tenant has its own slot.
        var other = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t2"))["workflow_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t2")).Status);

        await sim.ReleaseGateAsync("before-deprovision-answer");
        await sim.WaitForRequestAsync(e => e["path"]!.GetValue<string>() == $"{Wf}/{first}/_deprovision");
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{second}/_deprovision", null, tenant: "t1")).Status);
    }

    [Fact]
    public async Task Without_multi_tenancy_the_tenant_header_is_ignored()
    {
        await using var sim = await StartAsync();
        var first = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        var second = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        var (_, all, _) = await sim.GetAsync($"{Wf}/{first}/_status?all=true", tenant: "t1");
        Assert.Null(all!["tenant_id"]);
        Assert.Null((await sim.GetAsync($"{Wf}/{first}", tenant: "t1")).Body!["tenant_id"]);

        // No per-tenant cap: the tenant is null (TenantAwareHelper#getTenantID).
        await sim.ArmGateAsync("before-deprovision-answer", first);
        var held = sim.PostAsync($"{Wf}/{first}/_deprovision", null, tenant: "t1");
        await sim.AwaitGateAsync("before-deprovision-answer");
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{second}/_deprovision", null, tenant: "t1")).Status);
        await sim.ReleaseGateAsync("before-deprovision-answer");
        Assert.Equal(200, (await held).Status);
    }

    [Fact]
    public async Task A_status_read_right_after_a_partial_failure_can_be_stale()
    {
        await using var sim = await StartAsync("--undeploy-lag-ms", "600000");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        await sim.ArmGateAsync("before-state-write", id);
        Assert.Equal((202, Err($"Failed to deprovision some resources: [model_id {model}, connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));

        // Before the final write: only the incremental removal (deploy_model) happened; stored order is still forward.
        static IEnumerable<string> Steps(JsonNode s) => Templates.Resources(s).Select(r => r["workflow_step_name"]!.GetValue<string>());
        var (_, stale, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal(["create_connector", "register_remote_model"], Steps(stale!));
        Assert.Equal(state["provision_end_time"]!.GetValue<long>(), stale!["provision_end_time"]!.GetValue<long>());

        Assert.Equal(1, await sim.ReleaseGateAsync("before-state-write"));
        JsonNode? written = null;
        for (var i = 0; i < 200 && (written is null || Steps(written).First() != "register_remote_model"); i++)
        {
            written = (await sim.GetAsync($"{Wf}/{id}/_status?all=true")).Body;
            await Task.Delay(10);
        }
        Assert.Equal(["register_remote_model", "create_connector"], Steps(written!));
        Assert.Equal("COMPLETED", written!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_late_partial_state_write_lands_before_the_next_deprovision_and_never_revives_a_clean_workflow()
    {
        await using var sim = await StartAsync("--undeploy-lag-ms", "600000", "--state-write-lag-ms", "0");
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        await sim.ArmGateAsync("before-state-write", id);
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        await sim.ConfigAsync(new { undeploy_lag_ms = 0 });

        // Writes to one document apply in issue order: the second deprovision starts from the first one's final write.
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        await sim.ReleaseGateAsync("before-state-write");
        for (var i = 0; i < 20; i++)
        {
            var (_, after, _) = await sim.GetAsync($"{Wf}/{id}/_status");
            Assert.Equal("NOT_STARTED", after!["state"]!.GetValue<string>());
            Assert.Null(after["resources_created"]);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task State_write_lag_defaults_to_fifty_milliseconds()
    {
        await using var sim = await StartAsync("--state-write-lag-ms", "50");
        Assert.Equal(50, (await sim.GetAsync("/_simulator/config")).Body!["state_write_lag_ms"]!.GetValue<int>());
        var defaults = Hosting.SimulatorOptions.Parse([]);
        Assert.Equal((50, 0, 2, 4), (defaults.Config.StateWriteLagMs, defaults.Config.DeployLagMs, defaults.Processors, defaults.DeprovisionPoolSize));
    }

    [Fact]
    public async Task An_unknown_step_name_in_the_state_never_answers_and_keeps_the_tenant_slot()
    {
        // WorkflowResources#getDeprovisionStepByWorkflowStep throws on the pool thread: the listener is never called.
        var dir = Path.Combine(Path.GetTempPath(), "ffsim-" + Guid.NewGuid().ToString("N"));
        try
        {
            string id, other;
            await using (var sim = await StartAsync("--data-dir", dir, "--multi-tenancy"))
            {
                id = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
                other = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
            }
            var file = Path.Combine(dir, "cluster.json");
            var data = JsonNode.Parse(File.ReadAllText(file))!;
            data["States"]![id]!["Resources"]![0]!["StepName"] = "hand_edited_step";
            File.WriteAllText(file, data.ToJsonString());
            await using (var sim = await StartAsync("--data-dir", dir, "--multi-tenancy"))
            {
                using var cts = new CancellationTokenSource();
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{Wf}/{id}/_deprovision");
                request.Headers.Add("x-tenant-id", "t1");
                var call = sim.Client.SendAsync(request, cts.Token);
                // The pool thread is free again (the sequence died), but nobody answers and the slot stays taken.
                for (var i = 0; i < 400 && (await sim.GetAsync("/_simulator/pools")).Body!["opensearch_deprovision_workflow"]!["active"]!.GetValue<int>() > 0; i++) { await Task.Delay(10); }
                Assert.Equal((429, Err("Exceeded max simultaneous deprovisioning requests: 1")), Pick(await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t1")));
                Assert.False(call.IsCompleted);
                await cts.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
