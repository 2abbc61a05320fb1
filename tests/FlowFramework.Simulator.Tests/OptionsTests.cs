using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;
using static FlowFramework.Simulator.Tests.ErrorMatrixTests;

namespace FlowFramework.Simulator.Tests;

/// <summary>Auth, TLS, multi-tenancy, faults, latency, persistence, control surface and the real process.</summary>
public class OptionsTests
{
    private const string Admin = "admin:pw";
    private const string Ff = "bob:pw";
    private const string Ml = "mel:pw";
    private const string Reader = "rita:pw";

    private static Task<Sim> SecureAsync() => StartAsync("--user", "admin:pw:all_access", "--user", "bob:pw:flow_framework_full_access",
        "--user", "mel:pw:ml_full_access", "--user", "rita:pw:flow_framework_read_access");

    [Fact]
    public async Task Auth_roles_behave_like_the_security_plugin()
    {
        await using var sim = await SecureAsync();
        var (status, _, text) = await sim.GetAsync("/");
        Assert.Equal((401, "Unauthorized"), (status, text));
        Assert.Equal(401, (await sim.GetAsync("/", "admin:wrong")).Status);
        Assert.Equal(200, (await sim.GetAsync("/", Admin)).Status);

        var state = await sim.ProvisionAsync(Templates.RemoteModel(), Ff);
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((403, Err("Failed to get workflow.")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Ml)));
        Assert.Equal((403, Err("Failed to get workflow status.")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", Ml)));
        Assert.Equal((403, Err("Failed to get workflow.")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Reader)));
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status", Reader)).Status);
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((202, Err($"Failed to deprovision some resources: [model_id {model}, connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Ff)));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", Admin);
        Assert.Equal("bob", all!["user"]!["name"]!.GetValue<string>());
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Admin)).Status);
        (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", Admin);
        Assert.Equal("admin", all!["user"]!["name"]!.GetValue<string>());
        var (_, log, _) = await sim.GetAsync("/_simulator/requests");
        Assert.DoesNotContain("pw", log!.ToJsonString());
        Assert.Contains(log.AsArray(), e => e!["user"]?.GetValue<string>() == "bob");
    }

    [Fact]
    public async Task Root_needs_cluster_monitor_which_only_the_full_access_roles_carry()
    {
        await using var sim = await SecureAsync();
        Assert.Equal(200, (await sim.GetAsync("/", Ff)).Status);
        Assert.Equal(200, (await sim.GetAsync("/", Ml)).Status);
        var (status, body, _) = await sim.GetAsync("/", Reader);
        Assert.Equal(403, status);
        Assert.Equal(
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=rita, backend_roles=[], requestedTenant=null]\"}],\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=rita, backend_roles=[], requestedTenant=null]\"},\"status\":403}",
            body!.ToJsonString());
    }

    [Fact]
    public async Task Tls_serves_https_with_a_self_signed_certificate()
    {
        await using var sim = await StartAsync("--tls");
        Assert.Equal("https", sim.Server.BaseAddress.Scheme);
        Assert.Equal(64, sim.Server.CertificateThumbprint!.Length);
        Assert.Equal(200, (await sim.GetAsync("/")).Status);
    }

    [Fact]
    public async Task Multi_tenancy_isolates_and_caps_deprovisions()
    {
        await using var sim = await StartAsync("--multi-tenancy", "--step-pause-ms", "200");
        Assert.Equal((403, Err("Tenant ID header is missing or has no value")), Pick(await sim.PostAsync(Wf, Templates.RemoteModel())));
        var state = await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1");
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((403, Err("No permission to access this resource")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", tenant: "t2")));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", tenant: "t1");
        Assert.Equal("t1", all!["tenant_id"]!.GetValue<string>());
        var other = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        var first = sim.PostAsync($"{Wf}/{id}/_deprovision", null, tenant: "t1");
        await Task.Delay(100);
        Assert.Equal((429, Err("Exceeded max simultaneous deprovisioning requests: 1")), Pick(await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t1")));
        Assert.Equal(200, (await first).Status);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t1")).Status);
    }

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
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.True(watch.ElapsedMilliseconds >= 250);
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = "_status", ["kind"] = "reset", ["count"] = 1 });
        await Assert.ThrowsAsync<HttpRequestException>(() => sim.Client.GetAsync($"{Wf}/{id}/_status"));
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["path"] = ".*", ["kind"] = "500", ["rate"] = 0.0 });
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.Equal(200, (await sim.SendAsync("DELETE", "/_simulator/faults")).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/faults")).Body!.ToJsonString());
    }

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
        Assert.Equal(200, (await sim.PostAsync("/_simulator/reset")).Status);
        Assert.Equal("[]", (await sim.GetAsync("/_simulator/requests")).Body!.ToJsonString());
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
    }

    [Fact]
    public async Task Data_dir_state_survives_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ffsim-" + Guid.NewGuid().ToString("N"));
        try
        {
            string id, model;
            await using (var sim = await StartAsync("--data-dir", dir))
            {
                var state = await sim.ProvisionAsync(Templates.RemoteModel());
                id = state["workflow_id"]!.GetValue<string>();
                model = Templates.ResourceId(state, "register_remote_model");
            }
            Assert.False(File.Exists(Path.Combine(dir, "cluster.json.tmp")));
            await using (var sim = await StartAsync("--data-dir", dir))
            {
                var (_, state, _) = await sim.GetAsync($"{Wf}/{id}/_status");
                Assert.Equal("COMPLETED", state!["state"]!.GetValue<string>());
                Assert.Equal(200, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
                Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Real_process_prints_ready_line_and_stops_on_sigterm()
    {
        var dll = typeof(FlowFramework.Simulator.Hosting.SimulatorServer).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", [dll, "--port", "0"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Matches(@"^FlowFramework\.Simulator listening on http://127\.0\.0\.1:\d+$", line);
            using var client = new HttpClient { BaseAddress = new Uri(line!["FlowFramework.Simulator listening on ".Length..]) };
            Assert.Equal(200, (int)(await client.GetAsync("/")).StatusCode);
            Assert.Equal(0, Mono.Kill(process.Id));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) { process.Kill(); }
        }
    }

    private static class Mono
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
        private static extern int SysKill(int pid, int sig);

        public static int Kill(int pid) => SysKill(pid, 15);
    }
}
