using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Http;

/// <summary>Core's checks that every handler goes through.</summary>
internal static class CoreChecks
{
    /// <summary>Params every OpenSearch handler accepts (response params).</summary>
    private static readonly string[] ResponseParams = ["pretty", "human", "error_trace", "filter_path", "format", "source", "source_content_type"];

    /// <summary>Core's 400 for parameters the handler did not consume, with its "did you mean" suggestions.</summary>
    public static SimResponse? Unrecognized(SimRequest req, params string[] consumed)
    {
        var unknown = req.Query.Keys.Where(k => !consumed.Contains(k) && !ResponseParams.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
        {
            return null;
        }
        var candidates = consumed.Concat(ResponseParams).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("request [").Append(req.Path).Append("] contains unrecognized parameter");
        if (unknown.Count > 1)
        {
            sb.Append('s');
        }
        sb.Append(": ");
        var first = true;
        foreach (var u in unknown)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            sb.Append('[').Append(u).Append(']');
            var scored = candidates.Select(c => (c, score: Similarity(u, c))).Where(x => x.score > 0.5f)
                .OrderByDescending(x => x.score).ThenBy(x => x.c, StringComparer.Ordinal).Select(x => x.c).ToList();
            if (scored.Count > 0)
            {
                sb.Append(" -> did you mean ").Append(scored.Count == 1 ? $"[{scored[0]}]" : $"any of [{string.Join(", ", scored)}]").Append('?');
            }
        }
        return IllegalArgument(sb.ToString());
    }

    /// <summary>The request body as a JSON object (null when empty); core's json_parse_exception when it is not JSON.</summary>
    public static JsonObject? ObjectBody(SimRequest req, out SimResponse? error)
    {
        error = null;
        try
        {
            return req.JsonBody() as JsonObject;
        }
        catch (BodyParseException ex)
        {
            error = SimResponse.Core(400, "json_parse_exception", ex.Message);
            return null;
        }
    }

    public static SimResponse IllegalArgument(string reason) => SimResponse.Core(400, "illegal_argument_exception", reason);

    /// <summary>Core's boolean parameter parsing: absent = default, empty = true, otherwise exactly true/false.</summary>
    public static bool ParseBool(SimRequest req, string key, bool defaultValue, out SimResponse? error)
    {
        error = null;
        var raw = req.Param(key);
        if (raw is null)
        {
            return defaultValue;
        }
        if (raw.Length == 0 || raw == "true")
        {
            return true;
        }
        if (raw == "false")
        {
            return false;
        }
        error = IllegalArgument($"Failed to parse value [{raw}] as only [true] or [false] are allowed.");
        return defaultValue;
    }

    /// <summary>Lucene's LevenshteinDistance similarity as core's suggestion code uses it.</summary>
    private static float Similarity(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) { d[i, 0] = i; }
        for (var j = 0; j <= b.Length; j++) { d[0, j] = j; }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }
        var max = Math.Max(a.Length, b.Length);
        return max == 0 ? 1f : 1f - (float)d[a.Length, b.Length] / max;
    }

    public static SimResponse NoHandler(SimRequest req)
        => SimResponse.With(400, new JsonObject { ["error"] = $"no handler found for uri [{req.Path}] and method [{req.Method}]" });

    public static SimResponse WrongMethod(SimRequest req, params string[] allowed)
        => SimResponse.With(405, new JsonObject { ["error"] = $"Incorrect HTTP method for uri [{req.Path}] and method [{req.Method}], allowed: [{string.Join(", ", allowed)}]", ["status"] = 405 });

    public static SimResponse Security(SimRequest req, string action)
        => SimResponse.Core(403, "security_exception", $"no permissions for [{action}] and {req.User?.Describe()}");
}
