using System.Text.Json.Nodes;
using FlowFramework.Simulator.Control;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>The seed: which requests rate-based faults hit, and the ids a seeded simulator makes, do not depend on
/// how requests of different workflows interleave.</summary>
public class SeededFaultTests
{
    private const int Workflows = 4;
    private const int Reads = 6;

    [Fact]
    public async Task Same_seed_same_fault_decisions_and_ids_whatever_the_arrival_order()
    {
        await using var a = await StartAsync("--seed", "7");
        await using var b = await StartAsync("--seed", "7");
        await using var c = await StartAsync("--seed", "8");

        var inOrder = await RunAsync(a, interleaved: false);
        var interleaved = await RunAsync(b, interleaved: true);
        var otherSeed = await RunAsync(c, interleaved: false);

        Assert.Equal(inOrder.Ids, interleaved.Ids);
        Assert.Equal(inOrder.Resources, interleaved.Resources);
        Assert.Equal(inOrder.Pattern, interleaved.Pattern);
        Assert.Contains("500", string.Concat(inOrder.Pattern));
        Assert.Contains("200", string.Concat(inOrder.Pattern));
        Assert.All(inOrder.Ids, id => Assert.Matches("^[A-Za-z0-9_-]{20}$", id));

        Assert.NotEqual(inOrder.Pattern, otherSeed.Pattern);
        Assert.Empty(inOrder.Ids.Intersect(otherSeed.Ids));
    }

    [Fact]
    public async Task The_seed_is_set_and_read_on_the_config_surface_and_a_restart_replays_it()
    {
        await using var sim = await StartAsync();
        var config = (await sim.GetAsync("/_simulator/config")).Body!;
        Assert.False(config["seeded_ids"]!.GetValue<bool>());
        Assert.True(config["seed"]!.GetValue<long>() >= 0);

        var (status, body, _) = await sim.SendAsync("PUT", "/_simulator/config", new JsonObject { ["seed"] = 11 });
        Assert.Equal(200, status);
        Assert.Equal(11, body!["seed"]!.GetValue<long>());
        Assert.True(body["seeded_ids"]!.GetValue<bool>());
        var first = await RunAsync(sim, interleaved: false);

        // The same again after a node restart (the seed stays, the arrivals count from 1 again).
        await sim.PostAsync("/_simulator/reset");
        var again = await RunAsync(sim, interleaved: true);
        Assert.Equal(first.Ids, again.Ids);
        Assert.Equal(first.Pattern, again.Pattern);

        // Setting the seed again replays the fault decisions, but never hands out an id that is taken.
        await sim.SendAsync("PUT", "/_simulator/config", new JsonObject { ["seed"] = 11 });
        var template = Templates.RemoteModel();
        template["name"] = "seeded 0";
        Assert.NotEqual(again.Ids[0], await sim.CreateAsync(template, "?provision=true"));

        var bad = await sim.SendAsync("PUT", "/_simulator/config", new JsonObject { ["seed"] = "x" });
        Assert.Equal(400, bad.Status);
        Assert.Equal("[seed] must be a non-negative integer", bad.Body!["error"]!.GetValue<string>());
        Assert.Equal(11, (await sim.GetAsync("/_simulator/config")).Body!["seed"]!.GetValue<long>());
    }

    [Fact]
    public void The_log_counts_arrivals_of_the_same_request_and_the_roll_is_a_stable_function_of_them()
    {
        var choices = new SeededChoices(5);
        var first = choices.Arrive("GET", "/x/_status", []);
        var other = choices.Arrive("GET", "/y/_status", []);
        var second = choices.Arrive("GET", "/x/_status", []);
        var withBody = choices.Arrive("GET", "/x/_status", "{}"u8);
        Assert.Equal([1, 1, 2, 1], new[] { first.Arrival, other.Arrival, second.Arrival, withBody.Arrival });

        // Without a seed the count is the node's running one: no table per distinct request, repeats still differ.
        var unseeded = new SeededChoices(null);
        Assert.Equal([1, 2, 3], new[] { unseeded.Arrive("GET", "/x/_status", []).Arrival, unseeded.Arrive("GET", "/y/_status", []).Arrival, unseeded.Arrive("GET", "/x/_status", []).Arrival });

        Assert.Equal(SeededChoices.Roll(5, "rule", first), SeededChoices.Roll(5, "rule", first));
        Assert.NotEqual(SeededChoices.Roll(5, "rule", first), SeededChoices.Roll(5, "rule", second));
        Assert.NotEqual(SeededChoices.Roll(5, "rule", first), SeededChoices.Roll(6, "rule", first));
        Assert.NotEqual(SeededChoices.Roll(5, "rule", first), SeededChoices.Roll(5, "other rule", first));
        // A fixed value (SHA-256 of the key), the same in every process and on every machine.
        Assert.Equal(SeededChoices.Roll(5, "rule", new RequestKey("GET", "/x/_status", "-", 1)), SeededChoices.Roll(5, "rule", first));

        // Spread over [0, 1): a rate of 0.3 hits about 30 % of many requests.
        var rolls = Enumerable.Range(1, 5000).Select(n => SeededChoices.Roll(5, "rule", first with { Arrival = n })).ToList();
        Assert.All(rolls, r => Assert.InRange(r, 0.0, 0.9999999999));
        Assert.InRange(rolls.Count(r => r < 0.3), 1350, 1650);
    }

    private sealed record Run(List<string> Ids, List<string> Resources, List<string> Pattern);

    /// <summary>Creates and provisions four workflows (in order, or all at once in reverse), re-seeds so the polling
    /// does not count, then reads each one's status and model under rate faults: in workflow order, or interleaved
    /// with the workflows' reads racing each other. Answers the ids and each workflow's statuses in its own order.</summary>
    private static async Task<Run> RunAsync(Sim sim, bool interleaved)
    {
        var seed = (await sim.GetAsync("/_simulator/config")).Body!["seed"]!.GetValue<long>();
        var order = interleaved ? Enumerable.Range(0, Workflows).Reverse().ToList() : Enumerable.Range(0, Workflows).ToList();
        var ids = new string[Workflows];
        var models = new string[Workflows];
        async Task Create(int i)
        {
            var template = Templates.RemoteModel();
            template["name"] = $"seeded {i}";
            ids[i] = await sim.CreateAsync(template, "?provision=true");
            var state = await sim.WaitProvisionedAsync(ids[i]);
            models[i] = Templates.Resources(state).First(r => r["resource_type"]!.GetValue<string>() == "model_id")["resource_id"]!.GetValue<string>();
        }
        if (interleaved) { await Task.WhenAll(order.Select(Create)); }
        else { foreach (var i in order) { await Create(i); } }

        await sim.SendAsync("PUT", "/_simulator/config", new JsonObject { ["seed"] = seed });
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["method"] = "GET", ["path"] = "/_status$", ["kind"] = "500", ["rate"] = 0.4 });
        await sim.PostAsync("/_simulator/faults", new JsonObject { ["method"] = "GET", ["path"] = "^/_plugins/_ml/models/", ["kind"] = "503", ["rate"] = 0.3 });
        var pattern = Enumerable.Range(0, Workflows).Select(_ => new List<int>()).ToArray();
        async Task Read(int i)
        {
            pattern[i].Add((await sim.GetAsync($"{Wf}/{ids[i]}/_status")).Status);
            pattern[i].Add((await sim.GetAsync($"/_plugins/_ml/models/{models[i]}")).Status);
        }
        for (var r = 0; r < Reads; r++)
        {
            if (interleaved) { await Task.WhenAll(order.Select(Read)); }
            else { foreach (var i in order) { await Read(i); } }
        }
        await sim.SendAsync("DELETE", "/_simulator/faults");
        return new Run([.. ids], [.. models], [.. pattern.Select(p => string.Join(" ", p))]);
    }
}
