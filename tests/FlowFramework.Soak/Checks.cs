using System.Text.Json.Nodes;

namespace FlowFramework.Soak;

/// <summary>The invariants the soak holds the module to, each counted once per round it was checked in.</summary>
internal sealed class Checks
{
    public const string EndState = "every workflow ends Deprovisioned or with leftovers equal to what the simulator holds";
    public const string Results = "no result lost or duplicated";
    public const string ForeignDeletes = "nothing deleted that the workflow did not create";
    public const string AllowDelete = "no index or pipeline deleted without its id allowed";
    public const string Unhandled = "no unhandled exception";
    public const string StopTime = "Ctrl+C stops within 1 s (+2 s loaded-machine margin)";
    public const string Threads = "the thread count returns to its baseline after Ctrl+C";
    public const string Paths = "ids reach only their own escaped path";
    public const string Cap = "never more deprovisions in flight than the connection's cap";
    public const string Hang = "no hang";

    public static readonly string[] All = { EndState, Results, ForeignDeletes, AllowDelete, Unhandled, StopTime, Threads, Paths, Cap, Hang };

    private readonly Dictionary<string, (int Checked, int Violations)> _counts = All.ToDictionary(n => n, _ => (0, 0));

    public List<string> Failures { get; } = new();

    public void Checked(string name, int times = 1)
    {
        var (c, v) = _counts[name];
        _counts[name] = (c + times, v);
    }

    public void Violated(string name, string detail)
    {
        var (c, v) = _counts[name];
        _counts[name] = (c + 1, v + 1);
        if (Failures.Count < 200) { Failures.Add($"[{name}] {detail}"); }
    }

    public bool Passed(string name) => _counts[name].Violations == 0;

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var name in All)
        {
            o[name] = new JsonObject { ["checked"] = _counts[name].Checked, ["violations"] = _counts[name].Violations };
        }
        return o;
    }

    public IEnumerable<string> Lines() =>
        All.Select(n => $"  {(Passed(n) ? "ok  " : "FAIL")} {n}: {_counts[n].Checked} checked, {_counts[n].Violations} violation(s)");
}
