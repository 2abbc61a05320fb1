using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFramework.Soak;
using static System.FormattableString;

// The seeded fault soak: rounds of provisioning mixed workflows on the simulator, then deprovisioning them through
// concurrent pipelines of the packaged module (sharing one connection) while faults and lags are on and some
// pipelines are stopped with Ctrl+C; each round is checked from the simulator's request log and final state.
//
//   FlowFramework.Soak --module <FlowFramework.psd1> --simulator <FlowFramework.Simulator.dll>
//                      [--seed N] [--seconds N] [--min-workflows N] [--upstream DIR] [--report FILE]
//
// Rounds start until --seconds have passed and at least --min-workflows (default 300) workflows were covered; a round
// that has started runs to its end, so a run lasts a little longer than --seconds.
//
// Every choice (shapes, faults, lags, pipelines, -AllowDelete subsets, stops) comes from the seed, and the simulator is
// seeded too (a seed per round, set right before the deprovisioning): its ids, and which request of each workflow a
// rate-based fault hits, do not depend on how concurrent requests interleave. What still varies from run to run is
// timing: how often the module re-sends while a lag clears, and how far a pipeline got when Ctrl+C came (see README).
var options = SoakOptions.Parse(args);
var soak = new Soak(options);
return await soak.RunAsync();

internal sealed record SoakOptions(string Module, string Simulator, int Seed, TimeSpan Duration, int MinWorkflows, string? Upstream, string? Report)
{
    public static SoakOptions Parse(string[] args)
    {
        string? module = null, simulator = null, upstream = null, report = null;
        var seed = 1;
        var seconds = 60;
        var minWorkflows = 300;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--module": module = Next(); break;
                case "--simulator": simulator = Next(); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--min-workflows": minWorkflows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--upstream": upstream = Next(); break;
                case "--report": report = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new SoakOptions(
            module ?? throw new ArgumentException("--module is required"),
            simulator ?? throw new ArgumentException("--simulator is required"),
            seed, TimeSpan.FromSeconds(seconds), minWorkflows, upstream, report);
    }
}

/// <summary>One resource in a workflow's state, as the server lists it.</summary>
internal sealed record Res(string Step, string StepId, string Type, string Id)
{
    public string Key => $"{Step} {StepId} {Type} {Id}";

    public static Res From(JsonNode r) => new(
        r["workflow_step_name"]!.GetValue<string>(), r["workflow_step_id"]!.GetValue<string>(),
        r["resource_type"]!.GetValue<string>(), r["resource_id"]!.GetValue<string>());

    public static Res From(PSObject r) => new(
        (string)r.Properties["StepName"].Value, (string)r.Properties["StepId"].Value,
        (string)r.Properties["ResourceType"].Value, (string)r.Properties["ResourceId"].Value);
}

/// <summary>A workflow of a round: how it was made, what it created, and what the round did with it.</summary>
internal sealed class Wf
{
    public required string Id { get; init; }
    public required string Shape { get; init; }
    public required List<Res> Provisioned { get; init; }
    public bool Control { get; set; }
    public int Pipeline { get; set; } = -1;
    public HashSet<string> DeletedByHand { get; } = new(StringComparer.Ordinal);
}

internal sealed partial class Soak(SoakOptions options)
{
    private static readonly string[] Injections =
    {
        "../_cluster/settings", "..%2F_cluster%2Fsettings", "%2F", "a/b", "x?y=1", "x#frag", "ワークフロー-ü", "with space",
        "%", "a+b", "..", ".", "_search", "x/_deprovision",
    };

    private readonly Random _rng = new(options.Seed);
    private readonly Checks _checks = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private SimulatorHost _sim = null!;
    private InitialSessionState _state = null!;
    private object _connection = null!;
    private int _cap;
    private int _baselineThreads;
    private int _workflows, _rounds, _pipelines, _stops, _requests, _faults, _deprovisionPosts, _notProvisioned, _injectionIds, _safeDeleteRounds;
    private double _worstStopMs;
    private int _stopsOverOneSecond;
    private int _worstThreadExcess;
    private readonly Dictionary<string, int> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _faultKinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _errorIds = new(StringComparer.Ordinal);
    private int _maxClientInFlight, _maxServerInFlight;
    private int _approximate;
    private readonly List<string> _decisions = new();
    private readonly List<string> _workflowIds = new();
    private readonly Dictionary<string, Dictionary<string, int>> _faultsByShape = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _phases = new(StringComparer.Ordinal);
    private readonly Stopwatch _phase = new();

    /// <summary>Ends the phase under way (its time added to <paramref name="name"/>) and starts the next.</summary>
    private void Phase(string name)
    {
        _phases[name] = _phases.GetValueOrDefault(name) + _phase.Elapsed;
        _phase.Restart();
    }

    public async Task<int> RunAsync()
    {
        var shapes = new Shapes(options.Upstream);
        Console.WriteLine(Invariant($"soak: seed {options.Seed}, {options.Duration.TotalSeconds:0} s, upstream: {(shapes.UpstreamTemplates > 0 ? $"{shapes.UpstreamTemplates} templates and {shapes.UseCases} use cases" : "absent, generated shapes only")}"));
        // Upstream defaults for an 8-processor node (deprovision pool max 7, so a cap of 6; -ThrottleLimit goes up to 10,
        // beyond it); the server's pauses shortened. With a 2-processor node's cap of 3 the connection was the soak's
        // bottleneck: every Ctrl+C keeps the slots of its unanswered deprovisions for as long as the server may still
        // run them, so a round's other pipelines waited for most of it.
        _sim = await SimulatorHost.StartAsync(options.Simulator, new[] { "--step-pause-ms", "5", "--pass-pause-ms", "50", "--provision-delay-ms", "1", "--processors", "8", "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) });
        try
        {
            await SetUpAsync();
            while (_clock.Elapsed < options.Duration || _workflows < options.MinWorkflows)
            {
                _rounds++;
                await RoundAsync(shapes);
            }
        }
        finally
        {
            await _sim.DisposeAsync();
        }
        return Report();
    }

    private async Task SetUpAsync()
    {
        _state = InitialSessionState.CreateDefault2();
        _state.ImportPSModule(new[] { Path.GetFullPath(options.Module) });
        using var runspace = RunspaceFactory.CreateRunspace(_state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        _connection = ps.AddCommand("Connect-FlowCluster").AddParameter("Uri", _sim.Url).AddParameter("PassThru").Invoke().Single().BaseObject;
        var pool = (await _sim.GetAsync("/_nodes/thread_pool")).Body!["nodes"]!.AsObject()
            .Min(n => n.Value!["thread_pool"]!["opensearch_deprovision_workflow"]!["max"]!.GetValue<int>());
        _cap = pool - 1;
        await _sim.SendAsync("PUT", "/" + Shapes.SourceIndex, new JsonObject());

        // Warm up (JIT, the module's first use of the connection), then take the idle thread count as the baseline.
        await PipelineRun.RunAsync(_state, _connection, new PipelinePlan(0, new List<string> { "warm-up-1", "warm-up-2" }, Array.Empty<string>(), 2, 2, 10, null), TimeSpan.FromMinutes(2));
        await Task.Delay(2500);
        _baselineThreads = Enumerable.Range(0, 5).Select(_ => { Thread.Sleep(100); return ThreadCount(); }).Min();
        Console.WriteLine(Invariant($"soak: cap {_cap} (pool max {pool}), baseline {_baselineThreads} threads"));
    }

    private static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    private async Task RoundAsync(Shapes shapes)
    {
        var round = _rounds;
        _phase.Restart();
        var lags = Chaos.Lags(_rng);
        await _sim.ControlAsync("PUT", "/_simulator/config", lags);
        // ML Commons' safe delete in some rounds: a model its pipeline still uses is refused (and the module reads why).
        var safeDelete = _rng.Next(3) == 0;
        var (settingStatus, _) = await _sim.SendAsync("PUT", "/_cluster/settings", new JsonObject { ["transient"] = new JsonObject { ["plugins.ml_commons.safe_delete_model"] = safeDelete } });
        if (settingStatus != 200) { throw new InvalidOperationException($"PUT _cluster/settings answered {settingStatus}"); }
        _safeDeleteRounds += safeDelete ? 1 : 0;

        // 1. Workflows of mixed shapes, provisioned to the end (deprovisioning while provisioning runs is racy on the server).
        var count = _rng.Next(100, 160);
        var picked = Enumerable.Range(0, count).Select(i => shapes.Pick(_rng, Invariant($"s{options.Seed}-r{round}-w{i}"))).ToList();
        var workflows = new List<Wf>();
        using (var gate = new SemaphoreSlim(12))
        {
            var made = await Task.WhenAll(picked.Select(async shape =>
            {
                await gate.WaitAsync();
                try { return await ProvisionAsync(shape); }
                finally { gate.Release(); }
            }));
            workflows.AddRange(made.OfType<Wf>());
        }
        _workflows += workflows.Count;
        Phase("provision");
        foreach (var wf in workflows)
        {
            _shapes[wf.Shape] = _shapes.GetValueOrDefault(wf.Shape) + 1;
            wf.Control = _rng.Next(12) == 0;
        }

        // Things that are not the workflows' own, which must survive; and some indices deleted by hand (out of band).
        var bystanders = await BystandersAsync(round);
        foreach (var wf in workflows.Where(w => !w.Control && _rng.Next(15) == 0))
        {
            if (wf.Provisioned.FirstOrDefault(r => r.Type == "index_name") is { } index && (await _sim.SendAsync("DELETE", "/" + Uri.EscapeDataString(index.Id))).Status == 200)
            {
                wf.DeletedByHand.Add(index.Id);
            }
        }

        // 2. Pipelines sharing the connection: random partitions, repeats in the input, path-injection ids, -AllowDelete subsets.
        var plans = PlanPipelines(round, workflows);
        _pipelines += plans.Count;
        Phase("bystanders");

        // 3. Faults on; run; faults off; wait until the server has finished what the clients left behind.
        await _sim.ControlAsync("DELETE", "/_simulator/requests");
        await _sim.ControlAsync("PUT", "/_simulator/config", new JsonObject { ["seed"] = _rng.Next() });
        foreach (var rule in Chaos.Faults(_rng)) { await _sim.ControlAsync("POST", "/_simulator/faults", rule); }
        var outcomes = await Task.WhenAll(plans.Select(p => PipelineRun.RunAsync(_state, _connection, p, Watchdog(p))));
        Phase("pipelines");
        await _sim.ControlAsync("DELETE", "/_simulator/faults");
        await _sim.ControlAsync("PUT", "/_simulator/config", new JsonObject { ["undeploy_lag_ms"] = 0, ["refresh_lag_ms"] = 0, ["deploy_lag_ms"] = 0, ["state_write_lag_ms"] = 0 });
        var idle = await _sim.WaitPoolIdleAsync(TimeSpan.FromSeconds(90));
        Phase("pool idle");
        await Task.Delay(lags["state_write_lag_ms"]!.GetValue<int>() + 300); // partial state writes still on their way
        var log = await _sim.RequestLogAsync();
        Phase("state writes");

        // 4. Checks.
        CheckHangs(outcomes, idle);
        CheckResultsAndUnhandled(outcomes);
        CheckRequests(workflows, plans, log);
        await CheckEndStatesAsync(workflows, outcomes, bystanders);
        CheckStops(outcomes);
        Phase("checks");
        if (outcomes.Any(o => o.Stopped)) { await CheckThreadsAsync(); }
        Phase("threads");
        if (!idle)
        {
            // A hung node stays hung (as a real one does until it restarts): reset it so later rounds count on their own.
            await _sim.ControlAsync("POST", "/_simulator/reset");
            await _sim.SendAsync("PUT", "/" + Shapes.SourceIndex, new JsonObject());
        }

        RecordFaults(round, workflows, log);
        _requests += log.Count;
        _deprovisionPosts += log.Count(IsDeprovision);
        foreach (var fault in log.Select(e => e["fault"]?.GetValue<string>()).OfType<string>())
        {
            _faults++;
            _faultKinds[fault] = _faultKinds.GetValueOrDefault(fault) + 1;
        }
        Console.WriteLine(Invariant($"round {round}: {workflows.Count} workflows ({workflows.Count(w => w.Control)} left alone){(safeDelete ? ", safe delete on" : "")}, {plans.Count} pipelines, {outcomes.Count(o => o.Stopped)} stopped, {log.Count} requests, {log.Count(e => e["fault"] is not null)} faulted, slowest pipeline {outcomes.Max(o => o.Elapsed.TotalSeconds):0.0} s, {_clock.Elapsed.TotalSeconds:0} s"));
    }

    /// <summary>
    /// The round's fault decisions, as the simulator took them (each faulted request: method, path as sent, which
    /// arrival of that request it was, and the fault), and the faults per kind per workflow shape. With the seeded
    /// simulator the ids and the decisions are the same in two runs of one seed, up to what timing changes.
    /// </summary>
    private void RecordFaults(int round, List<Wf> workflows, List<JsonObject> log)
    {
        var owner = new Dictionary<string, Wf>(StringComparer.Ordinal);
        foreach (var wf in workflows)
        {
            owner[wf.Id] = wf;
            foreach (var r in wf.Provisioned) { owner.TryAdd(r.Id, wf); }
        }
        foreach (var e in log.Where(e => e["fault"] is not null))
        {
            var method = e["method"]!.GetValue<string>();
            var raw = e["raw_path"]!.GetValue<string>();
            var fault = e["fault"]!.GetValue<string>();
            var arrival = e["arrival"]!.GetValue<int>();
            _decisions.Add(Invariant($"{round:D4}\t{method}\t{raw}\t{arrival}\t{fault}"));
            var id = WorkflowPath().Match(raw) is { Success: true } m ? m.Groups[1].Value
                : ResourcePath().Match(raw) is { Success: true } rm ? rm.Groups[2].Value
                : raw.Length > 1 && raw.IndexOf('/', 1) < 0 ? raw[1..] : "";
            var shape = owner.TryGetValue(Uri.UnescapeDataString(id), out var wf) ? wf.Shape : "(no workflow: injected id or search)";
            var kinds = _faultsByShape.TryGetValue(shape, out var k) ? k : _faultsByShape[shape] = new Dictionary<string, int>(StringComparer.Ordinal);
            kinds[fault] = kinds.GetValueOrDefault(fault) + 1;
        }
        _workflowIds.AddRange(workflows.Select(w => w.Id));
    }

    /// <summary>A short SHA-256 of lines, in ordinal order (the log's order is the order requests ended).</summary>
    private static string DigestOf(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines.Order(StringComparer.Ordinal)))))[..16];

    /// <summary>
    /// The longest a pipeline may take without hanging: its workflows in turns of at most the cap, each run within its
    /// -TimeoutSec plus the request under way at the deadline and the leftover checks (generously 20 s).
    /// </summary>
    private TimeSpan Watchdog(PipelinePlan p)
    {
        var turns = (int)Math.Ceiling(p.Input.Distinct(StringComparer.Ordinal).Count() / (double)Math.Min(p.ThrottleLimit, _cap));
        return TimeSpan.FromSeconds(60 + (turns * (p.TimeoutSec + 20)));
    }

    private async Task<Wf?> ProvisionAsync(WorkflowShape shape)
    {
        var (status, body) = await _sim.SendAsync("POST", "/_plugins/_flow_framework/workflow" + shape.Query, shape.Body);
        if (status is not (201 or 202) || body?["workflow_id"] is not JsonNode idNode)
        {
            Interlocked.Increment(ref _notProvisioned);
            return null;
        }
        var id = idNode.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonNode? state;
        do
        {
            await Task.Delay(25);
            state = (await _sim.GetAsync($"/_plugins/_flow_framework/workflow/{id}/_status?all=true")).Body;
        }
        while (state?["state"]?.GetValue<string>() == "PROVISIONING" && DateTime.UtcNow < deadline);
        var resources = (state?["resources_created"] as JsonArray ?? new JsonArray()).Select(r => Res.From(r!)).ToList();
        var kind = shape.Name.StartsWith("use case", StringComparison.Ordinal) ? "use case" : shape.Name.Split(' ')[0];
        return new Wf { Id = id, Shape = kind + (state?["state"]?.GetValue<string>() == "FAILED" ? " (provisioning FAILED)" : ""), Provisioned = resources };
    }

    private async Task<List<(string Method, string Path)>> BystandersAsync(int round)
    {
        var suffix = Invariant($"s{options.Seed}-r{round}");
        var list = new List<(string, string)>();
        if ((await _sim.SendAsync("PUT", $"/soak-bystander-{suffix}", new JsonObject())).Status == 200) { list.Add(("HEAD", $"/soak-bystander-{suffix}")); }
        var pipeline = new JsonObject { ["description"] = "bystander", ["processors"] = new JsonArray() };
        if ((await _sim.SendAsync("PUT", $"/_ingest/pipeline/soak-bystander-{suffix}", pipeline)).Status == 200) { list.Add(("GET", $"/_ingest/pipeline/soak-bystander-{suffix}")); }
        var connector = new JsonObject
        {
            ["name"] = "bystander", ["description"] = "bystander", ["version"] = "1", ["protocol"] = "http",
            ["parameters"] = new JsonObject { ["endpoint"] = "api.example.invalid" }, ["credential"] = new JsonObject { ["key"] = "k" },
            ["actions"] = new JsonArray(new JsonObject { ["action_type"] = "predict", ["method"] = "POST", ["url"] = "https://api.example.invalid" }),
        };
        if ((await _sim.SendAsync("POST", "/_plugins/_ml/connectors/_create", connector)).Body?["connector_id"] is JsonNode id)
        {
            list.Add(("GET", "/_plugins/_ml/connectors/" + id.GetValue<string>()));
        }
        return list;
    }

    private List<PipelinePlan> PlanPipelines(int round, List<Wf> workflows)
    {
        var k = _rng.Next(3, 8);
        // Each pipeline's -ThrottleLimit first, then a share of the workflows in proportion to it (which ones, at
        // random): a round lasts as long as its slowest pipeline, and one with -ThrottleLimit 1 and a third of the
        // workflows would run alone long after the others ended.
        var throttles = Enumerable.Range(0, k).Select(_ => _rng.Next(1, 11)).ToArray();
        var inputs = Enumerable.Range(0, k).Select(_ => new List<string>()).ToList();
        var mixed = workflows.Where(w => !w.Control).OrderBy(_ => _rng.Next()).ToList();
        var total = throttles.Sum();
        for (int i = 0, p = 0, upTo = 0; i < mixed.Count; i++)
        {
            // Pipeline p takes the workflows up to its cumulative share of the throttles.
            while (p < k - 1 && i >= (upTo = (int)Math.Round(mixed.Count * throttles.Take(p + 1).Sum() / (double)total))) { p++; }
            mixed[i].Pipeline = p;
            inputs[p].Add(mixed[i].Id);
        }
        var plans = new List<PipelinePlan>();
        for (var p = 0; p < k; p++)
        {
            var input = inputs[p].OrderBy(_ => _rng.Next()).ToList();
            // Repeats: right after (piped leftovers of one workflow), and later on (already handled in this run).
            for (var i = input.Count - 1; i >= 0; i--)
            {
                var roll = _rng.Next(20);
                if (roll == 0) { input.Insert(i, input[i]); }
                else if (roll == 1 && i + 2 < input.Count) { input.Insert(_rng.Next(i + 2, input.Count + 1), input[i]); }
            }
            foreach (var _ in Enumerable.Range(0, _rng.Next(0, 3)))
            {
                input.Insert(_rng.Next(input.Count + 1), Injections[_rng.Next(Injections.Length)]);
                _injectionIds++;
            }
            var own = workflows.Where(w => w.Pipeline == p).SelectMany(w => w.Provisioned).Where(r => r.Type is "index_name" or "pipeline_id").Select(r => r.Id).Distinct().ToList();
            var allow = _rng.Next(5) switch
            {
                0 => Array.Empty<string>(),
                1 => new[] { "*" },
                2 => own.Where(_ => _rng.Next(2) == 0).ToArray(),
                3 => new[] { Invariant($"*-s{options.Seed}-r{round}-w*"), "soak-*-idx" },
                _ => new[] { "soak-*", "*-ingest" },
            };
            if (_rng.Next(5) == 0) { allow = allow.Append("nomatch-*").ToArray(); }
            int? stop = _rng.Next(4) == 0 ? _rng.Next(100, 4000) : null;
            plans.Add(new PipelinePlan(p, input, allow, throttles[p], _rng.Next(2, 6), _rng.Next(5, 16), stop));
        }
        return plans;
    }

    // ---- checks ------------------------------------------------------------------------------------------------

    private void CheckHangs(PipelineOutcome[] outcomes, bool idle)
    {
        foreach (var o in outcomes)
        {
            if (o.Hung) { _checks.Violated(Checks.Hang, Invariant($"round {_rounds}: pipeline {o.Plan.Number} did not end within {Watchdog(o.Plan).TotalSeconds:0} s ({o.Plan.Input.Count} ids, -ThrottleLimit {o.Plan.ThrottleLimit}, -TimeoutSec {o.Plan.TimeoutSec})")); }
            else { _checks.Checked(Checks.Hang); }
        }
        if (!idle) { _checks.Violated(Checks.Hang, Invariant($"round {_rounds}: the deprovision pool was still busy 90 s after the pipelines ended (a deadlock: every thread a sequence waiting for its steps)")); }
    }

    private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString() ?? "";

    private void CheckResultsAndUnhandled(PipelineOutcome[] outcomes)
    {
        foreach (var o in outcomes)
        {
            var byId = o.Results.GroupBy(r => Prop(r, "WorkflowId")).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var id in o.Plan.Input.Distinct(StringComparer.Ordinal))
            {
                var n = byId.GetValueOrDefault(id);
                var ok = n == 1 || (n == 0 && (o.Stopped || o.Hung));
                if (ok) { _checks.Checked(Checks.Results); }
                else { _checks.Violated(Checks.Results, Invariant($"round {_rounds} pipeline {o.Plan.Number}{(o.Stopped ? " (stopped)" : "")}: {n} results for '{id}'")); }
            }
            foreach (var extra in byId.Keys.Where(id => !o.Plan.Input.Contains(id, StringComparer.Ordinal)))
            {
                _checks.Violated(Checks.Results, $"round {_rounds}: a result for '{extra}', which was not in the input");
            }
            foreach (var r in o.Results)
            {
                var status = Prop(r, "Status");
                _outcomes[status] = _outcomes.GetValueOrDefault(status) + 1;
            }

            _checks.Checked(Checks.Unhandled);
            if (o.Terminating is not null)
            {
                _checks.Violated(Checks.Unhandled, $"round {_rounds} pipeline {o.Plan.Number}: terminating {o.Terminating.GetType().Name}: {o.Terminating.Message}");
            }
            foreach (var e in o.Errors)
            {
                var id = e.FullyQualifiedErrorId.Split(',')[0];
                _errorIds[id] = _errorIds.GetValueOrDefault(id) + 1;
                var unexpected = !id.StartsWith("Flow", StringComparison.Ordinal)
                    || e.Exception?.GetType().FullName != "FlowFramework.FlowFrameworkException"
                    || e.CategoryInfo.Category == ErrorCategory.NotSpecified
                    || e.ErrorDetails?.RecommendedAction is not { Length: > 0 }
                    || (e.TargetObject as string) is null;
                if (unexpected)
                {
                    _checks.Violated(Checks.Unhandled, $"round {_rounds}: {e.FullyQualifiedErrorId} ({e.CategoryInfo.Category}, {e.Exception?.GetType().FullName}): {e.Exception?.Message}");
                }
            }
            if (o.Other.Count > 0)
            {
                _checks.Violated(Checks.Unhandled, $"round {_rounds}: unexpected output objects {string.Join(", ", o.Other.Select(x => x.TypeNames.FirstOrDefault()))}");
            }
        }
    }

    private async Task<bool> ExistsAsync(Res r)
    {
        var id = Uri.EscapeDataString(r.Id);
        var (method, path) = r.Type switch
        {
            "index_name" => ("HEAD", "/" + id),
            "pipeline_id" => ("GET", (r.Step.Contains("search", StringComparison.Ordinal) ? "/_search/pipeline/" : "/_ingest/pipeline/") + id),
            "connector_id" => ("GET", "/_plugins/_ml/connectors/" + id),
            "model_id" => ("GET", "/_plugins/_ml/models/" + id),
            "agent_id" => ("GET", "/_plugins/_ml/agents/" + id),
            "model_group_id" => ("GET", "/_plugins/_ml/model_groups/" + id),
            _ => ("", ""),
        };
        if (method.Length == 0) { return true; }
        var (status, _) = await _sim.SendAsync(method, path);
        return status == 200;
    }

    private async Task CheckEndStatesAsync(List<Wf> workflows, PipelineOutcome[] outcomes, List<(string Method, string Path)> bystanders)
    {
        var results = outcomes.SelectMany(o => o.Results.Select(r => (Outcome: o, Result: r))).ToList();
        foreach (var wf in workflows)
        {
            var (status, body) = await _sim.GetAsync($"/_plugins/_flow_framework/workflow/{Uri.EscapeDataString(wf.Id)}/_status?all=true");
            var held = status == 200 ? (body!["resources_created"] as JsonArray ?? new JsonArray()).Select(r => Res.From(r!)).ToList() : new List<Res>();
            var gone = new List<Res>();
            foreach (var r in wf.Provisioned.DistinctBy(r => (r.Type, r.Id)))
            {
                if (!await ExistsAsync(r)) { gone.Add(r); }
            }

            // Nothing of a workflow left alone changes; model groups are never deleted by the server.
            if (wf.Control)
            {
                if (gone.Count > 0 || !SameMultiset(held, wf.Provisioned))
                {
                    _checks.Violated(Checks.ForeignDeletes, $"round {_rounds}: workflow {wf.Id} was not deprovisioned, yet {string.Join(", ", gone.Select(g => g.Type + " " + g.Id))} is gone or its state changed");
                }
                else { _checks.Checked(Checks.ForeignDeletes); }
                continue;
            }
            foreach (var group in gone.Where(g => g.Type == "model_group_id"))
            {
                _checks.Violated(Checks.ForeignDeletes, $"round {_rounds}: model group {group.Id} of {wf.Id} was deleted");
            }

            var mine = results.Where(x => Prop(x.Result, "WorkflowId") == wf.Id).ToList();
            if (mine.Count != 1) { continue; } // counted by the results check (none is fine after a Ctrl+C)
            var (outcome, result) = mine[0];
            var resultStatus = Prop(result, "Status");
            var attempts = (int)result.Properties["Attempts"].Value;
            var remaining = ((Array)result.Properties["Remaining"].Value).Cast<object>().Select(x => Res.From(PSObject.AsPSObject(x))).ToList();
            var written = outcome.Leftovers.Where(l => Prop(l, "WorkflowId") == wf.Id).Select(Res.From).ToList();
            string? problem = resultStatus switch
            {
                "Deprovisioned" when status == 200 && (body!["state"]?.GetValue<string>() != "NOT_STARTED" || held.Count > 0) =>
                    $"Deprovisioned, but the simulator holds {held.Count} resource(s) in state {body["state"]}",
                "Deprovisioned" => null,
                "NotFound" => $"NotFound for a workflow the simulator has (status {status})",
                "Failed" when attempts == 0 =>
                    SameMultiset(held, wf.Provisioned) ? null : "could not be read, yet its resources changed",
                _ when !SameMultiset(remaining, held) && TextFallback(outcome, wf.Id) && SameResources(remaining, held) => Approximate(),
                _ when !SameMultiset(remaining, held) =>
                    $"{resultStatus} with leftovers [{string.Join(", ", remaining.Select(r => r.Key))}] but the simulator holds [{string.Join(", ", held.Select(r => r.Key))}]",
                _ => null,
            };
            if (problem is null && resultStatus != "NotFound" && !SameMultiset(written, remaining))
            {
                problem = $"the leftovers written [{string.Join(", ", written.Select(r => r.Key))}] differ from the result's Remaining";
            }
            if (problem is null) { _checks.Checked(Checks.EndState); }
            else { _checks.Violated(Checks.EndState, $"round {_rounds}: workflow {wf.Id} ({wf.Shape}): {problem}; requests: {Trace(wf.Id)}"); }
        }

        foreach (var (method, path) in bystanders)
        {
            if ((await _sim.SendAsync(method, path)).Status == 200) { _checks.Checked(Checks.ForeignDeletes); }
            else { _checks.Violated(Checks.ForeignDeletes, $"round {_rounds}: bystander {path} is gone"); }
        }
        await CheckAllowDeleteAsync(workflows);
    }

    /// <summary>The run had to take its leftovers from the answer's text: the status could not be read (three reads).</summary>
    private static bool TextFallback(PipelineOutcome outcome, string id) =>
        outcome.Verbose.Any(v => v.StartsWith($"Workflow {id}: Could not read the leftovers from the status", StringComparison.Ordinal));

    /// <summary>
    /// Every entry the server holds is reported, and the extra ones are other entries of the same resources: the
    /// answer's text names a resource once (a model registered and deployed is one item), so it cannot say which of its
    /// entries is left. Counted, not a violation.
    /// </summary>
    private static bool SameResources(List<Res> remaining, List<Res> held) =>
        held.All(h => remaining.Any(r => r.Key == h.Key))
        && remaining.All(r => held.Any(h => h.Type == r.Type && h.Id == r.Id));

    private string? Approximate()
    {
        _approximate++;
        return null;
    }

    private static bool SameMultiset(IEnumerable<Res> a, IEnumerable<Res> b) =>
        a.Select(r => r.Key).Order(StringComparer.Ordinal).SequenceEqual(b.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The allow_delete ids each workflow's deprovisions carried, from the request log of the round.</summary>
    private Dictionary<string, HashSet<string>> _allowSent = new(StringComparer.Ordinal);

    /// <summary>The round's request log, for the trace of a workflow a check fails on.</summary>
    private List<JsonObject> _log = new();

    private string Trace(string id)
    {
        var escaped = "/" + Uri.EscapeDataString(id) + "/";
        var t0 = _log.Count == 0 ? 0 : _log.Min(Start);
        return string.Join("; ", _log.Where(e => e["raw_path"]!.GetValue<string>().Contains(escaped, StringComparison.Ordinal)).OrderBy(Start)
            .Select(e => Invariant($"+{Start(e) - t0:0}ms {e["method"]} {e["raw_path"]!.GetValue<string>().Split('/')[^1]} {e["status"]}{(e["fault"] is JsonNode f ? " fault " + f : "")}{(e["client_disconnected"]!.GetValue<bool>() ? " (client left)" : "")}")));
    }

    private async Task CheckAllowDeleteAsync(List<Wf> workflows)
    {
        foreach (var wf in workflows.Where(w => !w.Control))
        {
            var sent = _allowSent.GetValueOrDefault(wf.Id) ?? new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in wf.Provisioned.Where(r => r.Type is "index_name" or "pipeline_id").DistinctBy(r => r.Id))
            {
                if (wf.DeletedByHand.Contains(r.Id)) { continue; }
                if (!await ExistsAsync(r) && !sent.Contains(r.Id))
                {
                    _checks.Violated(Checks.AllowDelete, $"round {_rounds}: {r.Type} {r.Id} of {wf.Id} is gone, but no deprovision of it named it in allow_delete");
                }
                else { _checks.Checked(Checks.AllowDelete); }
            }
        }
    }

    [GeneratedRegex("^/_plugins/_flow_framework/workflow/([^/]+)/(_status|_deprovision)$")]
    private static partial Regex WorkflowPath();

    [GeneratedRegex("^/(_plugins/_ml/(?:connectors|models|agents)|_ingest/pipeline|_search/pipeline)/([^/]+)$")]
    private static partial Regex ResourcePath();

    private void CheckRequests(List<Wf> workflows, List<PipelinePlan> plans, List<JsonObject> log)
    {
        var inputs = plans.SelectMany(p => p.Input).ToHashSet(StringComparer.Ordinal);
        var resources = workflows.SelectMany(w => w.Provisioned).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var planOf = workflows.Where(w => w.Pipeline >= 0).ToDictionary(w => w.Id, w => plans[w.Pipeline], StringComparer.Ordinal);
        _allowSent = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        _log = log;
        foreach (var e in log)
        {
            var method = e["method"]!.GetValue<string>();
            var raw = e["raw_path"]!.GetValue<string>();
            string? problem = null;
            if (WorkflowPath().Match(raw) is { Success: true } m)
            {
                var id = Uri.UnescapeDataString(m.Groups[1].Value);
                var post = m.Groups[2].Value == "_deprovision";
                if (!inputs.Contains(id) || Uri.EscapeDataString(id) != m.Groups[1].Value)
                {
                    problem = $"{method} {raw}: not the escaped path of any id given";
                }
                else if (method != (post ? "POST" : "GET"))
                {
                    problem = $"{method} {raw}: unexpected method";
                }
                else if (post)
                {
                    var allow = (e["query"]?.GetValue<string>() ?? "").Split('&').Where(q => q.StartsWith("allow_delete=", StringComparison.Ordinal))
                        .SelectMany(q => q["allow_delete=".Length..].Split(',')).Select(Uri.UnescapeDataString).ToList();
                    var set = _allowSent.TryGetValue(id, out var s) ? s : _allowSent[id] = new HashSet<string>(StringComparer.Ordinal);
                    set.UnionWith(allow);
                    // Only ids the user's -AllowDelete patterns match, among the workflow's own indices and pipelines.
                    var own = (workflows.FirstOrDefault(w => w.Id == id)?.Provisioned ?? new List<Res>()).Where(r => r.Type is "index_name" or "pipeline_id").Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                    var patterns = planOf.TryGetValue(id, out var plan) ? plan.AllowDelete : Array.Empty<string>();
                    foreach (var a in allow.Where(a => !own.Contains(a) || !patterns.Any(p => Wildcard(p).IsMatch(a))))
                    {
                        _checks.Violated(Checks.AllowDelete, $"round {_rounds}: {id} was deprovisioned with allow_delete {a}, which -AllowDelete {string.Join(",", patterns)} did not allow for it");
                    }
                }
            }
            else if (raw is "/" or "/_nodes/thread_pool")
            {
                problem = method == "GET" ? null : $"{method} {raw}";
            }
            else if (raw is "/_plugins/_ml/models/_search" or "/_plugins/_ml/agents/_search")
            {
                // What blocks a leftover: the model search on a connector_id, the agent search on a model id (safe delete);
                // fixed paths: no id reaches them.
                problem = method == "POST" ? null : $"{method} {raw}: unexpected method";
            }
            else if (raw is "/_ingest/pipeline" or "/_search/pipeline")
            {
                // The pipelines that use a model (safe delete): every pipeline, read-only.
                problem = method == "GET" ? null : $"{method} {raw}: unexpected method";
            }
            else if (ResourcePath().Match(raw) is { Success: true } rm)
            {
                var id = Uri.UnescapeDataString(rm.Groups[2].Value);
                problem = method == "GET" && resources.Contains(id) && Uri.EscapeDataString(id) == rm.Groups[2].Value ? null : $"{method} {raw}: not a read of a resource of these workflows";
            }
            else if (method == "HEAD" && raw.Length > 1 && raw.IndexOf('/', 1) < 0)
            {
                var id = Uri.UnescapeDataString(raw[1..]);
                problem = resources.Contains(id) && Uri.EscapeDataString(id) == raw[1..] ? null : $"HEAD {raw}: not an index of these workflows";
            }
            else
            {
                problem = $"{method} {raw}: a request outside the module's paths";
            }
            if (problem is null) { _checks.Checked(Checks.Paths); }
            else { _checks.Violated(Checks.Paths, $"round {_rounds}: {problem}"); }
        }

        // The cap, as the clients saw it (a request whose client left frees its slot then) and as the server's pool does.
        var posts = log.Where(IsDeprovision).ToList();
        var client = MaxOverlap(posts.Select(e => (Start(e), e["client_disconnected"]!.GetValue<bool>() ? e["disconnected_ms"]!.GetValue<double>() : e["answered_ms"]?.GetValue<double>() ?? e["end_ms"]!.GetValue<double>())));
        var server = MaxOverlap(posts.Where(e => e["fault"] is null).Select(e => (Start(e), e["end_ms"]!.GetValue<double>())));
        _maxClientInFlight = Math.Max(_maxClientInFlight, client);
        _maxServerInFlight = Math.Max(_maxServerInFlight, server);
        if (client > _cap) { _checks.Violated(Checks.Cap, Invariant($"round {_rounds}: {client} deprovisions in flight (cap {_cap})")); }
        else if (server > _cap) { _checks.Violated(Checks.Cap, Invariant($"round {_rounds}: the server ran {server} deprovisions at once (cap {_cap}), counting those whose client had left")); }
        else { _checks.Checked(Checks.Cap); }
    }

    private static double Start(JsonObject e) => e["start_ms"]!.GetValue<double>();

    /// <summary>A deprovision request (the module also POSTs the model search, which the cap does not count).</summary>
    private static bool IsDeprovision(JsonObject e) =>
        e["method"]!.GetValue<string>() == "POST" && e["path"]!.GetValue<string>().EndsWith("/_deprovision", StringComparison.Ordinal);

    private static int MaxOverlap(IEnumerable<(double Start, double End)> intervals)
    {
        var events = intervals.SelectMany(i => new[] { (At: i.Start, Delta: 1), (At: i.End, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta);
        int now = 0, max = 0;
        foreach (var e in events) { now += e.Delta; max = Math.Max(max, now); }
        return max;
    }

    private static Regex Wildcard(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    private void CheckStops(PipelineOutcome[] outcomes)
    {
        foreach (var o in outcomes.Where(o => o.StopTook is not null))
        {
            _stops++;
            var ms = o.StopTook!.Value.TotalMilliseconds;
            _worstStopMs = Math.Max(_worstStopMs, ms);
            if (ms > 1000) { _stopsOverOneSecond++; }
            if (ms <= 3000) { _checks.Checked(Checks.StopTime); }
            else { _checks.Violated(Checks.StopTime, Invariant($"round {_rounds}: Stop() took {ms:0} ms")); }
        }
    }

    private async Task CheckThreadsAsync()
    {
        const int slack = 3;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        int now;
        while ((now = ThreadCount()) > _baselineThreads + slack && DateTime.UtcNow < deadline) { await Task.Delay(100); }
        _worstThreadExcess = Math.Max(_worstThreadExcess, now - _baselineThreads);
        if (now <= _baselineThreads + slack) { _checks.Checked(Checks.Threads); }
        else { _checks.Violated(Checks.Threads, Invariant($"round {_rounds}: {now} threads 15 s after the round, baseline {_baselineThreads}")); }
    }

    private int Report()
    {
        var elapsed = _clock.Elapsed;
        var passed = Checks.All.Count(_checks.Passed);
        var failed = Checks.All.Length - passed;
        var json = new JsonObject
        {
            ["seed"] = options.Seed,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["rounds"] = _rounds,
            ["safe_delete_rounds"] = _safeDeleteRounds,
            ["workflows"] = _workflows,
            ["not_provisioned"] = _notProvisioned,
            ["injection_ids"] = _injectionIds,
            ["pipelines"] = _pipelines,
            ["stops"] = _stops,
            ["worst_stop_ms"] = Math.Round(_worstStopMs, 1),
            ["stops_over_1s"] = _stopsOverOneSecond,
            ["baseline_threads"] = _baselineThreads,
            ["worst_thread_excess"] = _worstThreadExcess,
            ["requests"] = _requests,
            ["deprovision_posts"] = _deprovisionPosts,
            ["faults_injected"] = _faults,
            ["fault_kinds"] = ToJson(_faultKinds),
            ["faults_by_shape"] = new JsonObject(_faultsByShape.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)ToJson(kv.Value)))),
            ["fault_decisions"] = new JsonObject
            {
                ["count"] = _decisions.Count,
                ["digest"] = DigestOf(_decisions),
                ["first_arrivals"] = _decisions.Count(d => d.Split('\t')[3] == "1"),
                ["first_arrivals_digest"] = DigestOf(_decisions.Where(d => d.Split('\t')[3] == "1")),
            },
            ["workflow_ids_digest"] = DigestOf(_workflowIds),
            ["seconds_per_phase"] = new JsonObject(_phases.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Math.Round(kv.Value.TotalSeconds, 1)))),
            ["max_in_flight_client"] = _maxClientInFlight,
            ["max_in_flight_server"] = _maxServerInFlight,
            ["cap"] = _cap,
            ["shapes"] = ToJson(_shapes),
            ["outcomes"] = ToJson(_outcomes),
            ["leftovers_from_answer_text"] = _approximate,
            ["error_ids"] = ToJson(_errorIds),
            ["checks"] = _checks.ToJson(),
            ["failures"] = new JsonArray(_checks.Failures.Select(f => (JsonNode)f).ToArray()),
            ["Passed"] = passed,
            ["Failed"] = failed,
        };
        if (options.Report is not null)
        {
            // Every decision, one a line, to diff two runs of one seed.
            File.WriteAllLines(Path.ChangeExtension(options.Report, ".faults.tsv"), _decisions.Order(StringComparer.Ordinal));
        }
        if (options.Report is not null) { File.WriteAllText(options.Report, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })); }
        Console.WriteLine(Invariant($"soak: {_rounds} rounds, {_workflows} workflows, {_pipelines} pipelines, {_stops} stopped (worst Stop() {_worstStopMs:0} ms), {_requests} requests, {_faults} faults injected, in {elapsed.TotalSeconds:0} s"));
        Console.WriteLine(Invariant($"soak: seed {options.Seed}: {_decisions.Count} fault decisions (digest {DigestOf(_decisions)}), workflow ids digest {DigestOf(_workflowIds)}"));
        Console.WriteLine("soak: time per phase: " + string.Join(", ", _phases.Select(kv => Invariant($"{kv.Key} {kv.Value.TotalSeconds:0.0} s"))));
        foreach (var line in _checks.Lines()) { Console.WriteLine(line); }
        foreach (var f in _checks.Failures.Take(40)) { Console.WriteLine("  " + f); }
        Console.WriteLine(Invariant($"soak: {passed} passed, {failed} failed"));
        return failed == 0 ? 0 : 1;
    }

    private static JsonObject ToJson(Dictionary<string, int> counts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in counts.OrderByDescending(kv => kv.Value)) { o[k] = v; }
        return o;
    }
}
