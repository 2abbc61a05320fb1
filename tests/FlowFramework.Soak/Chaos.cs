using System.Text.Json.Nodes;

namespace FlowFramework.Soak;

/// <summary>What goes wrong in a round: the simulator's timing lags and a few rules of its fault table.</summary>
internal static class Chaos
{
    /// <summary>The requests the module sends while deprovisioning, as the fault table's path patterns.</summary>
    private static readonly (string Method, string Path)[] Targets =
    {
        ("POST", "/_deprovision$"),
        ("GET", "/_status$"),
        ("GET", "^/_plugins/_ml/(models|connectors|agents)/"),
        ("HEAD", "^/[^_]"),
        ("GET", "^/_(ingest|search)/pipeline/"),
        ("GET", "^/_(ingest|search)/pipeline$"),
        ("POST", "^/_plugins/_ml/(models|agents)/_search$"),
    };

    /// <summary>Lags of the cluster catching up (undeploy, the connector's "still used" search, the partial state write, deploys).</summary>
    public static JsonObject Lags(Random rng) => new()
    {
        ["undeploy_lag_ms"] = rng.Next(3) == 0 ? 0 : rng.Next(100, 1500),
        ["refresh_lag_ms"] = rng.Next(2) == 0 ? 0 : rng.Next(100, 1200),
        ["state_write_lag_ms"] = rng.Next(0, 300),
        ["deploy_lag_ms"] = rng.Next(2) == 0 ? 0 : rng.Next(100, 2000),
    };

    /// <summary>Two to five fault rules: 429/503 with and without Retry-After, 500, resets, slow and truncated bodies.
    /// Rate-based only: the seeded simulator decides a rate per request, while a count is used up in arrival order,
    /// which the interleaving of the pipelines decides.</summary>
    public static List<JsonObject> Faults(Random rng)
    {
        var rules = new List<JsonObject>();
        var count = rng.Next(2, 6);
        for (var i = 0; i < count; i++)
        {
            var (method, path) = Targets[rng.Next(Targets.Length)];
            var kind = rng.Next(100) switch
            {
                < 25 => "429",
                < 45 => "503",
                < 55 => "500",
                < 70 => "reset",
                < 85 => "slow",
                _ => "malformed",
            };
            var rule = new JsonObject { ["method"] = method, ["path"] = path, ["kind"] = kind, ["rate"] = Math.Round(0.05 + (rng.NextDouble() * 0.25), 2) };
            if (kind is "429" or "503" && rng.Next(2) == 0) { rule["retry_after_seconds"] = rng.Next(0, 3); }
            if (kind == "slow") { rule["delay_ms"] = rng.Next(100, 1500); }
            // A HEAD answer has no body to be slow or malformed in.
            if (method == "HEAD" && kind is "slow" or "malformed") { rule["kind"] = "503"; }
            rules.Add(rule);
        }
        return rules;
    }
}
