using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Http;

namespace FlowFramework.Simulator.Hosting;

/// <summary>Command-line options. Unknown options are an error (exit code 2).</summary>
public sealed class SimulatorOptions
{
    public string? Urls { get; set; }
    public int? Port { get; set; }
    public bool Tls { get; set; }
    public bool MultiTenancy { get; set; }
    public string? DataDir { get; set; }
    public string? LogLevel { get; set; }
    public SimConfig Config { get; } = new();
    public List<SimUser> Users { get; } = [];
    public List<FaultRule> Faults { get; } = [];
    public Security.SecurityOptions Security { get; } = new();

    public static SimulatorOptions Parse(string[] args)
    {
        var o = new SimulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Next()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"option {arg} needs a value");
                }
                return args[++i];
            }
            int NextInt()
            {
                var text = Next();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
                {
                    throw new ArgumentException($"option {arg} needs a non-negative integer, got '{text}'");
                }
                return n;
            }
            switch (arg)
            {
                case "--urls": o.Urls = Next(); break;
                case "--port": o.Port = NextInt(); break;
                case "--tls": o.Tls = true; break;
                case "--multi-tenancy": o.MultiTenancy = true; break;
                case "--data-dir": o.DataDir = Next(); break;
                case "--log-level": o.LogLevel = Next(); break;
                case "--undeploy-lag-ms": o.Config.UndeployLagMs = NextInt(); break;
                case "--refresh-lag-ms": o.Config.RefreshLagMs = NextInt(); break;
                case "--provision-delay-ms": o.Config.ProvisionDelayMs = NextInt(); break;
                case "--step-pause-ms": o.Config.StepPauseMs = NextInt(); break;
                case "--pass-pause-ms": o.Config.PassPauseMs = NextInt(); break;
                case "--latency-ms": o.Config.LatencyMs = NextInt(); break;
                case "--max-deprovisions-per-tenant": o.Config.MaxDeprovisionsPerTenant = NextInt(); break;
                case "--user": o.Users.Add(SimUser.ParseFlag(Next())); break;
                case "--users": o.Users.AddRange(SimUser.ParseFile(Next())); break;
                case "--fault": o.Faults.Add(FaultRule.ParseFlag(Next())); break;
                default:
                    if (!o.Security.TryParse(arg, Next)) { throw new ArgumentException($"unknown option {arg}"); }
                    break;
            }
        }
        o.Security.Validate(o.Tls || (o.Urls?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ?? false));
        return o;
    }
}

/// <summary>A basic-auth user with security-plugin roles.</summary>
public sealed record SimUser(string Name, string Password, IReadOnlyList<string> Roles, IReadOnlyList<string> BackendRoles)
{
    public static SimUser ParseFlag(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[0].Length == 0)
        {
            throw new ArgumentException("--user needs NAME:PASSWORD:ROLE[+ROLE...]");
        }
        return new SimUser(parts[0], parts[1], parts[2].Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), []);
    }

    public static IEnumerable<SimUser> ParseFile(string path)
    {
        var array = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new ArgumentException($"{path} must hold a JSON array of users");
        foreach (var node in array)
        {
            if (node is not JsonObject u || Json.Str(u["name"]) is not { Length: > 0 } name)
            {
                throw new ArgumentException($"{path}: every user needs a name");
            }
            var roles = (u["roles"] as JsonArray)?.Select(r => Json.Str(r) ?? "").Where(r => r.Length > 0).ToList() ?? [];
            var backend = (u["backend_roles"] as JsonArray)?.Select(r => Json.Str(r) ?? "").Where(r => r.Length > 0).ToList() ?? [];
            yield return new SimUser(name, Json.Str(u["password"]) ?? "", roles, backend);
        }
    }

    public bool IsAdmin => Roles.Contains("all_access");

    public bool Can(Permission p) => Roles.Any(r => RoleGrants(r, p));

    private static bool RoleGrants(string role, Permission p) => role switch
    {
        "all_access" => true,
        // The full-access roles include cluster_monitor (GET / is cluster:monitor/main); the read-only ones do not.
        "flow_framework_full_access" => p is Permission.FlowRead or Permission.FlowWrite or Permission.ClusterMonitor,
        "flow_framework_read_access" => p is Permission.FlowRead,
        "ml_full_access" => p is Permission.MlRead or Permission.MlWrite or Permission.ClusterMonitor,
        "ml_read_access" => p is Permission.MlRead,
        "readall" => p is Permission.FlowRead or Permission.MlRead or Permission.IndexRead,
        "index_full_access" => p is Permission.IndexRead or Permission.IndexWrite,
        _ => false,
    };

    /// <summary>The security plugin's User object as Flow Framework stores it.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["backend_roles"] = Json.Array(BackendRoles),
        ["roles"] = Json.Array(Roles),
        ["custom_attribute_names"] = new JsonArray(),
        ["user_requested_tenant"] = null,
    };

    public string Describe() => $"User [name={Name}, backend_roles=[{string.Join(", ", BackendRoles)}], requestedTenant=null]";
}

public enum Permission { FlowRead, FlowWrite, MlRead, MlWrite, IndexRead, IndexWrite, ClusterMonitor }

/// <summary>One injected fault.</summary>
public sealed class FaultRule
{
    public string? Method { get; init; }
    public required string Path { get; init; }
    public required string Kind { get; init; }
    public int? Count { get; set; }
    public double? Rate { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public int DelayMs { get; init; }
    public System.Text.RegularExpressions.Regex? PathRegex { get; private set; }

    private static readonly string[] Kinds = ["429", "503", "500", "reset", "slow", "malformed"];

    public static FaultRule FromJson(JsonObject o)
    {
        int? Int(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? (int)d
            : o[key] is JsonValue s && s.TryGetValue<string>(out var t) && int.TryParse(t, out var n) ? n : null;
        double? Dbl(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d
            : o[key] is JsonValue s && s.TryGetValue<string>(out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
        var kind = Json.AsText(o["kind"]) ?? throw new ArgumentException("fault needs a kind");
        if (!Kinds.Contains(kind))
        {
            throw new ArgumentException($"fault kind must be one of {string.Join(", ", Kinds)}");
        }
        var rule = new FaultRule
        {
            Method = Json.Str(o["method"])?.ToUpperInvariant(),
            Path = Json.Str(o["path"]) ?? ".*",
            Kind = kind,
            Count = Int("count"),
            Rate = Dbl("rate"),
            RetryAfterSeconds = Int("retry_after_seconds"),
            DelayMs = Int("delay_ms") ?? 2000,
        };
        rule.PathRegex = new System.Text.RegularExpressions.Regex(rule.Path, System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return rule;
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
