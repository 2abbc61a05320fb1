using System.Diagnostics;
using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>The simulator as a process, and --data-dir persistence.</summary>
public class ProcessAndPersistenceTests
{
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
