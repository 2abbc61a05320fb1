using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Common;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Http;

/// <summary>A response: status, optional JSON or text body, extra headers.</summary>
internal sealed class SimResponse
{
    public int Status { get; init; }
    public JsonNode? Body { get; init; }
    public string? Text { get; init; }
    public string ContentType { get; init; } = "application/json; charset=UTF-8";
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No answer: the connection is closed (the node restarted under the request).</summary>
    public bool CloseConnection { get; init; }

    public static SimResponse ConnectionClosed { get; } = new() { CloseConnection = true };

    public static SimResponse Ok(JsonNode body) => new() { Status = 200, Body = body };
    public static SimResponse With(int status, JsonNode? body) => new() { Status = status, Body = body };
    public static SimResponse From(OpResult r) => new() { Status = r.Status, Body = r.Body };
    public static SimResponse Flow(int status, string message) => new() { Status = status, Body = ErrorBodies.Flow(message) };
    public static SimResponse Core(int status, string type, string reason, params (string, string)[] metadata)
        => new() { Status = status, Body = ErrorBodies.Core(status, type, reason, metadata) };
    public static SimResponse Empty(int status) => new() { Status = status };

    /// <summary>Writes the response; a HEAD answer has the headers of the body but not the body.</summary>
    public async Task WriteAsync(HttpContext ctx, CancellationToken ct)
    {
        ctx.Response.StatusCode = Status;
        foreach (var (k, v) in Headers) { ctx.Response.Headers[k] = v; }
        var payload = Body is not null ? Encoding.UTF8.GetBytes(Body.ToJsonString(Json.Compact))
            : Text is not null ? Encoding.UTF8.GetBytes(Text) : null;
        if (payload is null)
        {
            if (!HttpMethods.IsHead(ctx.Request.Method)) { ctx.Response.ContentLength = 0; }
            return;
        }
        ctx.Response.ContentType = ContentType;
        ctx.Response.ContentLength = payload.Length;
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }
        await ctx.Response.Body.WriteAsync(payload, ct);
    }
}
