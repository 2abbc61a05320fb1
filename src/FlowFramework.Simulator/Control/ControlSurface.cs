using System.Text.Json.Nodes;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Http;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Control;

/// <summary>The <c>/_simulator/...</c> endpoints: request log, reset, run-time config, faults, gates and expiring AWS
/// session tokens. No auth, not logged.</summary>
internal sealed class ControlSurface(SimulatorNode node, RequestLog log, FaultTable faults, Gates gates, SeededChoices choices)
{
    private static readonly JsonObject Acknowledged = new() { ["acknowledged"] = true };

    public async Task<SimResponse> HandleAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method;
        JsonNode? body = null;
        if (method is "POST" or "PUT")
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var text = await reader.ReadToEndAsync(ctx.RequestAborted);
            try { body = text.Length == 0 ? null : JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException ex) { return Error(ex.Message); }
        }
        path = path.TrimEnd('/');
        if (path.StartsWith("/_simulator/gates", StringComparison.Ordinal))
        {
            return await GatesAsync(path["/_simulator/gates".Length..], method, body);
        }
        switch (path, method)
        {
            case ("/_simulator/requests", "GET"):
                return SimResponse.Ok(log.ToJson());
            case ("/_simulator/requests", "DELETE"):
                log.Clear();
                return SimResponse.Ok(Acknowledged.DeepClone());
            case ("/_simulator/reset", "POST"):
                gates.Release(null, null);
                node.Reset();
                log.Clear();
                faults.Clear();
                choices.Reset();
                return SimResponse.Ok(Acknowledged.DeepClone());
            case ("/_simulator/workflows", "POST"):
                try
                {
                    var entries = body?["resources_created"] as JsonArray ?? throw new ArgumentException("body must be {\"resources_created\": [...]}");
                    return SimResponse.Ok(new JsonObject { ["workflow_id"] = node.SeedWorkflow(entries) });
                }
                catch (ArgumentException ex)
                {
                    return Error(ex.Message);
                }
            case ("/_simulator/clearings", "GET"):
                return SimResponse.Ok(node.Clearings());
            case ("/_simulator/config", "GET"):
                return SimResponse.Ok(Config());
            case ("/_simulator/pools", "GET"):
                return SimResponse.Ok(new JsonObject
                {
                    [node.Pools.Deprovision.Name] = new JsonObject
                    {
                        ["max"] = node.Pools.Deprovision.Max,
                        ["active"] = node.Pools.Deprovision.Active,
                        ["queue"] = node.Pools.Deprovision.Queued,
                    },
                });
            case ("/_simulator/config", "PUT"):
                {
                    if (body is not JsonObject update) { return Error("body must be a JSON object"); }
                    update = (JsonObject)update.DeepClone();
                    long? seed = null;
                    if (update.ContainsKey("seed"))
                    {
                        if (Common.Json.AsInt(update["seed"]) is not { } n || n < 0) { return Error("[seed] must be a non-negative integer"); }
                        seed = n;
                        update.Remove("seed");
                    }
                    if (node.Config.Apply(update) is { } error) { return Error(error); }
                    if (seed is { } s) { choices.Reseed(s); }
                    return SimResponse.Ok(Config());
                }
            case ("/_simulator/faults", "GET"):
                return SimResponse.Ok(faults.ToJson());
            case ("/_simulator/faults", "POST"):
                try
                {
                    var rule = FaultRule.FromJson(body as JsonObject ?? throw new ArgumentException("body must be a JSON object"));
                    faults.Add(rule);
                    return SimResponse.Ok(rule.ToJson());
                }
                catch (Exception ex) when (ex is ArgumentException or System.Text.RegularExpressions.RegexParseException)
                {
                    return Error(ex.Message);
                }
            case ("/_simulator/aws/expire-tokens", "POST"):
                return SimResponse.Ok(new JsonObject { ["expired"] = Common.Json.Array(node.Security.ExpireSessionTokens()) });
            case ("/_simulator/faults", "DELETE"):
                faults.Clear();
                return SimResponse.Ok(Acknowledged.DeepClone());
            default:
                return SimResponse.With(404, new JsonObject { ["error"] = $"unknown simulator endpoint {method} {path}" });
        }
    }

    /// <summary><c>GET|POST|DELETE /_simulator/gates</c>, <c>POST /_simulator/gates/{name}/_release</c> and
    /// <c>POST /_simulator/gates/{name}/_await</c>.</summary>
    private async Task<SimResponse> GatesAsync(string rest, string method, JsonNode? body)
    {
        var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var workflowId = body?["workflow_id"] is JsonNode w ? Common.Json.AsText(w) : null;
        switch (parts.Length, method)
        {
            case (0, "GET"):
                return SimResponse.Ok(gates.ToJson());
            case (0, "POST"):
                if (Common.Json.AsText(body?["name"]) is not { } name) { return Error("a gate needs a name"); }
                return gates.Arm(name, workflowId, Common.Json.AsInt(body?["pass"]) ?? 0) is { } error ? Error(error) : SimResponse.Ok(gates.ToJson());
            case (0, "DELETE"):
                return SimResponse.Ok(new JsonObject { ["released"] = gates.Release(null, null) });
            case (2, "POST") when parts[1] == "_release":
                return SimResponse.Ok(new JsonObject { ["released"] = gates.Release(parts[0], workflowId) });
            case (2, "POST") when parts[1] == "_await":
                {
                    var count = Common.Json.AsInt(body?["waiting"]) ?? 1;
                    var timeout = TimeSpan.FromMilliseconds(Common.Json.AsInt(body?["timeout_ms"]) ?? 30_000);
                    return await gates.AwaitWaitersAsync(parts[0], count, timeout)
                        ? SimResponse.Ok(gates.ToJson())
                        : SimResponse.With(408, new JsonObject { ["error"] = $"fewer than {count} waiting at gate [{parts[0]}]", ["gates"] = gates.ToJson() });
                }
            default:
                return SimResponse.With(404, new JsonObject { ["error"] = $"unknown simulator endpoint {method} /_simulator/gates{rest}" });
        }
    }

    /// <summary>The run-time settings with the seed (and whether it was given, which makes the ids seeded too).</summary>
    private JsonObject Config()
    {
        var config = node.Config.ToJson();
        config["seed"] = choices.Seed;
        config["seeded_ids"] = choices.Explicit;
        return config;
    }

    private static SimResponse Error(string message) => SimResponse.With(400, new JsonObject { ["error"] = message });
}
