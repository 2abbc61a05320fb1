using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Control;

/// <summary>One injected fault: which requests it hits (method, path regex, count, rate) and what it does.</summary>
internal sealed class FaultRule
{
    private static readonly string[] Kinds = ["429", "503", "500", "reset", "slow", "malformed"];

    public string? Method { get; init; }
    public required string Path { get; init; }
    public required string Kind { get; init; }
    public int? Count { get; set; }
    public double? Rate { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public int DelayMs { get; init; }
    public required Regex PathRegex { get; init; }

    public static FaultRule FromJson(JsonObject o)
    {
        double? Dbl(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d
            : o[key] is JsonValue s && s.TryGetValue<string>(out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
        var kind = Json.AsText(o["kind"]) ?? throw new ArgumentException("fault needs a kind");
        if (!Kinds.Contains(kind))
        {
            throw new ArgumentException($"fault kind must be one of {string.Join(", ", Kinds)}");
        }
        var path = Json.Str(o["path"]) ?? ".*";
        return new FaultRule
        {
            Method = Json.Str(o["method"])?.ToUpperInvariant(),
            Path = path,
            Kind = kind,
            Count = Json.AsInt(o["count"]),
            Rate = Dbl("rate"),
            RetryAfterSeconds = Json.AsInt(o["retry_after_seconds"]),
            DelayMs = Json.AsInt(o["delay_ms"]) ?? 2000,
            PathRegex = new Regex(path, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
        };
    }

    /// <summary>Compact form <c>kind=429,path=_deprovision,count=2,retry_after_seconds=1</c> (no commas inside values), or a JSON object.</summary>
    public static FaultRule ParseFlag(string text)
    {
        if (text.TrimStart().StartsWith('{'))
        {
            return FromJson(JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException("--fault JSON must be an object"));
        }
        var o = new JsonObject();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"--fault part '{part}' is not key=value");
            }
            o[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return FromJson(o);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Method is not null) { o["method"] = Method; }
        o["path"] = Path;
        o["kind"] = Kind;
        if (Count is not null) { o["count"] = Count; }
        if (Rate is not null) { o["rate"] = Rate; }
        if (RetryAfterSeconds is not null) { o["retry_after_seconds"] = RetryAfterSeconds; }
        if (Kind == "slow") { o["delay_ms"] = DelayMs; }
        return o;
    }
}

/// <summary>The faults in force; the first rule that matches a request (and still has count left) applies. A rule's
/// rate is decided per request by <see cref="SeededChoices.Roll"/>, from the seed, the rule (its definition and the
/// order it was added in since the table was last cleared) and the request's key, so the same requests are hit in
/// every run with the same seed. A count is used up in arrival order.</summary>
internal sealed class FaultTable
{
    private readonly List<(FaultRule Rule, string Key)> _rules = [];
    private int _added;

    public void Add(FaultRule rule)
    {
        lock (_rules)
        {
            var definition = rule.ToJson();
            definition.Remove("count");
            _rules.Add((rule, $"{++_added} {definition.ToJsonString()}"));
        }
    }

    public void Clear()
    {
        lock (_rules)
        {
            _rules.Clear();
            _added = 0;
        }
    }

    /// <summary>The rule that answers the request, if any; <paramref name="roll"/> gives a rule's number in [0, 1) for
    /// this request (the rule hits when it is below its rate).</summary>
    public FaultRule? Match(string method, string path, Func<string, double> roll)
    {
        lock (_rules)
        {
            foreach (var (rule, key) in _rules)
            {
                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)) { continue; }
                if (!rule.PathRegex.IsMatch(path)) { continue; }
                if (rule.Count is <= 0) { continue; }
                if (rule.Rate is { } rate && roll(key) >= rate) { continue; }
                if (rule.Count is { } count) { rule.Count = count - 1; }
                return rule;
            }
            _rules.RemoveAll(r => r.Rule.Count is <= 0);
            return null;
        }
    }

    public JsonArray ToJson()
    {
        lock (_rules)
        {
            var a = new JsonArray();
            foreach (var (r, _) in _rules.Where(r => r.Rule.Count is null or > 0)) { a.Add(r.ToJson()); }
            return a;
        }
    }
}
