using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Cluster;

/// <summary>The two error body shapes the node sends: Flow Framework's own and core's.</summary>
internal static class ErrorBodies
{
    /// <summary>Flow Framework's own error body: <c>{"error": "message"}</c> (FlowFrameworkException#toXContent).</summary>
    public static JsonObject Flow(string message) => new() { ["error"] = message };

    /// <summary>Core's error body with one root cause: <c>{"error":{"root_cause":[..],"type","reason",..},"status":N}</c>.</summary>
    public static JsonObject Core(int status, string type, string reason, params (string Key, string Value)[] metadata)
    {
        JsonObject Cause()
        {
            var c = new JsonObject { ["type"] = type, ["reason"] = reason };
            foreach (var (k, v) in metadata)
            {
                c[k] = v;
            }
            return c;
        }
        var error = new JsonObject { ["root_cause"] = new JsonArray { Cause() } };
        foreach (var kv in Cause())
        {
            error[kv.Key] = kv.Value?.DeepClone();
        }
        return new JsonObject { ["error"] = error, ["status"] = status };
    }
}
