using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>The opensearch_deprovision_workflow pool (server-behaviour.md §10): a deprovision's sequence and every step
/// of it run on one bounded pool, so max deprovisions in flight hang forever; reset recovers.</summary>
public class DeprovisionPoolTests
{
    private const string Pool = "opensearch_deprovision_workflow";

    private static async Task<JsonObject> PoolAsync(Sim sim) => (await sim.GetAsync("/_simulator/pools")).Body![Pool]!.AsObject();

    /// <summary>Polls the pool's own counters until the condition holds (the pool cannot leave a deadlock by itself).</summary>
    private static async Task<JsonObject> PoolWhenAsync(Sim sim, Func<JsonObject, bool> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            var pool = await PoolAsync(sim);
            if (condition(pool)) { return pool; }
            await Task.Delay(25);
        }
        throw new TimeoutException((await PoolAsync(sim)).ToJsonString());
    }

    private static async Task<string[]> ProvisionManyAsync(Sim sim, int count)
        => await Task.WhenAll(Enumerable.Range(0, count).Select(async _ => (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>()));

    [Theory]
    [InlineData(new string[0], 4)]
    [InlineData(new[] { "--processors", "8" }, 7)]
    [InlineData(new[] { "--processors", "2", "--deprovision-pool-size", "2" }, 2)]
    [InlineData(new[] { "--processors", "16", "--deprovision-pool-size", "20" }, 20)]
    public async Task Thread_pool_info_shows_max_of_setting_and_processors_minus_one(string[] args, int max)
    {
        await using var sim = await StartAsync(args);
        var (status, body, text) = await sim.GetAsync("/_nodes/thread_pool");
        Assert.True(status == 200, text);
        Assert.Equal(new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 }.ToJsonString(), body!["_nodes"]!.ToJsonString());
        var node = body["nodes"]!.AsObject().Single().Value!;
        Assert.Equal(new JsonObject { ["type"] = "scaling", ["core"] = 1, ["max"] = max, ["keep_alive"] = "1m", ["queue_size"] = -1 }.ToJsonString(),
            node["thread_pool"]![Pool]!.ToJsonString());
        // The same through the node id and _local, and nothing of the pools without the metric.
        var nodeId = body["nodes"]!.AsObject().Single().Key;
        Assert.Equal(max, (await sim.GetAsync($"/_nodes/{nodeId}/thread_pool")).Body!["nodes"]![nodeId]!["thread_pool"]![Pool]!["max"]!.GetValue<int>());
        Assert.Equal(max, (await sim.GetAsync("/_nodes/_local/thread_pool")).Body!["nodes"]![nodeId]!["thread_pool"]![Pool]!["max"]!.GetValue<int>());
        Assert.Null((await sim.GetAsync("/_nodes/jvm")).Body!["nodes"]![nodeId]!["thread_pool"]);
    }

    [Theory]
    [InlineData("--deprovision-pool-size", "0")]
    [InlineData("--deprovision-pool-size", "401")]
    [InlineData("--processors", "0")]
    public async Task Pool_options_out_of_range_are_refused(string option, string value)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => StartAsync(option, value));
        Assert.Contains(option, ex.Message);
    }

    [Fact]
    public async Task Thread_pool_info_needs_cluster_monitor()
    {
        await using var sim = await StartAsync("--user", "admin:pw:all_access", "--user", "ff:pw:flow_framework_full_access",
            "--user", "reader:pw:flow_framework_read_access", "--user", "mlr:pw:ml_read_access");
        Assert.Equal(200, (await sim.GetAsync("/_nodes/thread_pool", "admin:pw")).Status);
        // flow_framework_full_access lists cluster_monitor (security's config/roles.yml), so it may read the pools.
        Assert.Equal(200, (await sim.GetAsync("/_nodes/thread_pool", "ff:pw")).Status);
        Assert.Equal((403, CoreErr(403, "security_exception", "no permissions for [cluster:monitor/nodes/info] and User [name=reader, backend_roles=[], requestedTenant=null]")),
            Pick(await sim.GetAsync("/_nodes/thread_pool", "reader:pw")));
        Assert.Equal(403, (await sim.GetAsync("/_nodes/thread_pool", "mlr:pw")).Status);
        Assert.Equal(401, (await sim.GetAsync("/_nodes/thread_pool")).Status);
    }

    [Fact]
    public async Task As_many_deprovisions_as_the_pool_has_threads_hang_until_reset()
    {
        await using var sim = await StartAsync();
        var ids = await ProvisionManyAsync(sim, 5);
        await sim.ArmGateAsync("deprovision-start");
        var first = ids[..4].Select(id => sim.Client.PostAsync($"{Wf}/{id}/_deprovision", null)).ToList();
        await sim.AwaitGateAsync("deprovision-start", 4);
        Assert.Equal(new JsonObject { ["max"] = 4, ["active"] = 4, ["queue"] = 0 }.ToJsonString(), (await PoolAsync(sim)).ToJsonString());

        // Released, every sequence submits its first step to the pool and waits for it: no thread is left to run one.
        await sim.ReleaseGateAsync("deprovision-start");
        await PoolWhenAsync(sim, p => p["queue"]!.GetValue<int>() == 4);
        // A later deprovision queues behind them too.
        var late = sim.Client.PostAsync($"{Wf}/{ids[4]}/_deprovision", null);
        await PoolWhenAsync(sim, p => p["queue"]!.GetValue<int>() == 5);
        Assert.All(first.Append(late), t => Assert.False(t.IsCompleted));
        foreach (var id in ids)
        {
            var (_, state, _) = await sim.GetAsync($"{Wf}/{id}/_status");
            Assert.Equal(3, Templates.Resources(state!).Count());
        }

        // A reset stands for the node restart that is the only way out: the held requests lose their connection.
        Assert.Equal(200, (await sim.PostAsync("/_simulator/reset")).Status);
        foreach (var t in first.Append(late))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => t);
        }
        Assert.Equal(new JsonObject { ["max"] = 4, ["active"] = 0, ["queue"] = 0 }.ToJsonString(), (await PoolAsync(sim)).ToJsonString());
        var again = (await ProvisionManyAsync(sim, 1))[0];
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{again}/_deprovision")).Status);
    }

    [Fact]
    public async Task One_fewer_than_the_pool_size_always_finishes()
    {
        await using var sim = await StartAsync();
        var ids = await ProvisionManyAsync(sim, 3);
        await sim.ArmGateAsync("deprovision-start");
        var calls = ids.Select(id => sim.PostAsync($"{Wf}/{id}/_deprovision")).ToList();
        await sim.AwaitGateAsync("deprovision-start", 3);
        Assert.Equal(3, (await PoolAsync(sim))["active"]!.GetValue<int>());
        await sim.ReleaseGateAsync("deprovision-start");
        Assert.All(await Task.WhenAll(calls), r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task A_smaller_pool_hangs_at_its_own_max()
    {
        await using var sim = await StartAsync("--deprovision-pool-size", "2", "--processors", "2");
        var ids = await ProvisionManyAsync(sim, 2);
        await sim.ArmGateAsync("deprovision-start");
        var calls = ids.Select(id => sim.Client.PostAsync($"{Wf}/{id}/_deprovision", null)).ToList();
        await sim.AwaitGateAsync("deprovision-start", 2);
        await sim.ReleaseGateAsync("deprovision-start");
        await PoolWhenAsync(sim, p => p["queue"]!.GetValue<int>() == 2 && p["active"]!.GetValue<int>() == 2);
        Assert.All(calls, t => Assert.False(t.IsCompleted));
        await sim.PostAsync("/_simulator/reset");
        foreach (var t in calls) { await Assert.ThrowsAsync<HttpRequestException>(() => t); }
    }
}
