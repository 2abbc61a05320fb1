using System.Text.Json.Nodes;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Http;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Control;

/// <summary>The <c>/_simulator/...</c> endpoints: request log, reset, run-time config and faults. No auth, not logged.</summary>
internal sealed class ControlSurface(SimulatorNode node, RequestLog log, FaultTable faults)
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
        switch (path.TrimEnd('/'), method)
        {
            case ("/_simulator/requests", "GET"):
                return SimResponse.Ok(log.ToJson());
            case ("/_simulator/requests", "DELETE"):
                log.Clear();
                return SimResponse.Ok(Acknowledged.DeepClone());
            case ("/_simulator/reset", "POST"):
                node.Reset();
                log.Clear();
                faults.Clear();
                return SimResponse.Ok(Acknowledged.DeepClone());
            case ("/_simulator/config", "GET"):
                return SimResponse.Ok(node.Config.ToJson());
            case ("/_simulator/config", "PUT"):
                if (body is not JsonObject update) { return Error("body must be a JSON object"); }
                return node.Config.Apply(update) is { } error ? Error(error) : SimResponse.Ok(node.Config.ToJson());
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
            case ("/_simulator/faults", "DELETE"):
                faults.Clear();
                return SimResponse.Ok(Acknowledged.DeepClone());
            default:
                return SimResponse.With(404, new JsonObject { ["error"] = $"unknown simulator endpoint {method} {path}" });
        }
    }

    private static SimResponse Error(string message) => SimResponse.With(400, new JsonObject { ["error"] = message });
}
