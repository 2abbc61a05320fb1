using System.Globalization;
using System.Text;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Http;
using Microsoft.AspNetCore.Http;
using static System.FormattableString;

namespace FlowFramework.Simulator.Control;

/// <summary>What only the simulator does, around the node: the control surface, the request log, added latency and
/// injected faults. Every other request goes on to the node's <see cref="RestDispatcher"/>.</summary>
internal sealed class SimulatorLayer
{
    private readonly SimulatorNode _node;
    private readonly RequestLog _log = new();
    private readonly FaultTable _faults = new();
    private readonly SeededChoices _choices;
    private readonly ControlSurface _control;

    public SimulatorLayer(SimulatorNode node, Gates gates, IEnumerable<FaultRule> faults, long? seed)
    {
        _node = node;
        _choices = new SeededChoices(seed);
        foreach (var f in faults) { _faults.Add(f); }
        _control = new ControlSurface(node, _log, _faults, gates, _choices);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.HasValue ? ctx.Request.Path.Value! : "/";
        if (path.StartsWith("/_simulator", StringComparison.Ordinal))
        {
            await (await _control.HandleAsync(ctx, path)).WriteAsync(ctx, ctx.RequestAborted);
            return;
        }
        var key = _choices.Arrive(ctx.Request.Method, path, await BodyAsync(ctx));
        if (_choices.IdStreamKey(key) is { } idKey)
        {
            // Seeded ids: what this request makes is named from the seed and the request, not from the order of arrival.
            Cluster.Ids.Stream = new Cluster.IdStream(idKey);
        }
        var entry = new RequestLogEntry
        {
            Arrival = key.Arrival,
            Method = ctx.Request.Method,
            Path = path,
            Query = RequestLog.SafeQuery(ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : ""),
            StartMs = RequestLog.EpochMs(),
            Tenant = ctx.Request.Headers["x-tenant-id"].FirstOrDefault(),
            RawPath = RawPath(ctx, path),
        };
        using var disconnected = ctx.RequestAborted.Register(() => entry.DisconnectedMs ??= RequestLog.EpochMs());
        ctx.Response.OnStarting(() =>
        {
            // A connection that is gone (reset, or the client left) hands nothing over.
            if (!entry.Aborted && !ctx.RequestAborted.IsCancellationRequested) { entry.AnsweredMs ??= RequestLog.EpochMs(); }
            return Task.CompletedTask;
        });
        var status = 499;
        try
        {
            if (_node.Config.LatencyMs > 0)
            {
                await Task.Delay(_node.Config.LatencyMs, ctx.RequestAborted);
            }
            var caller = await _node.Rest.AuthenticateAsync(ctx);
            entry.User = caller.User?.Name;
            var seed = _choices.Seed;
            if (_faults.Match(ctx.Request.Method, path, rule => SeededChoices.Roll(seed, rule, key)) is { } fault)
            {
                entry.Fault = fault.Kind;
                status = fault.Kind == "slow"
                    ? await SlowAnswerAsync(ctx, caller, fault, entry)
                    : await ApplyFaultAsync(ctx, fault, entry);
                return;
            }
            status = await _node.Rest.HandleAsync(ctx, caller, ctx.RequestAborted);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away before the node decided an answer (499, as nginx logs it).
        }
        finally
        {
            entry.Status = status;
            entry.EndMs = RequestLog.EpochMs();
            _log.Add(entry);
        }
    }

    /// <summary>The request's body, kept readable for the node (what the seeded choices key on besides method and path).</summary>
    private static async Task<byte[]> BodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength == 0 || (ctx.Request.ContentLength is null && !ctx.Request.Headers.TransferEncoding.Any()))
        {
            return [];
        }
        ctx.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        try
        {
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && ctx.RequestAborted.IsCancellationRequested)
        {
            // The client left while sending; the node sees what arrived.
        }
        ctx.Request.Body.Position = 0;
        return buffer.ToArray();
    }

    /// <summary>The request target's path as sent (without the query), for checking how a client escaped ids.</summary>
    private static string RawPath(HttpContext ctx, string decoded)
    {
        var raw = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) { return decoded; }
        var query = raw.IndexOf('?');
        return query < 0 ? raw : raw[..query];
    }

    /// <summary>A <c>slow</c> fault: the node does the work and answers as always, but the answer is handed over a
    /// byte at a time over the rule's <c>delay_ms</c> (a slow link or proxy). It is complete only with its last byte.</summary>
    private async Task<int> SlowAnswerAsync(HttpContext ctx, Caller caller, FaultRule fault, RequestLogEntry entry)
    {
        var original = ctx.Response.Body;
        using var answer = new MemoryStream();
        ctx.Response.Body = answer;
        int status;
        try
        {
            status = await _node.Rest.HandleAsync(ctx, caller, ctx.RequestAborted);
        }
        finally
        {
            ctx.Response.Body = original;
        }
        var bytes = answer.ToArray();
        // In pieces of a byte or more, one every 10 ms or so, over delay_ms in all.
        var pieces = Math.Clamp(fault.DelayMs / 10, 1, Math.Max(1, bytes.Length));
        var size = (bytes.Length + pieces - 1) / pieces;
        var pause = Math.Max(1, fault.DelayMs / pieces);
        for (var at = 0; at < bytes.Length; at += size)
        {
            var piece = Math.Min(size, bytes.Length - at);
            if (at + piece == bytes.Length)
            {
                entry.AnsweredMs = RequestLog.EpochMs();
            }
            await original.WriteAsync(bytes.AsMemory(at, piece), ctx.RequestAborted);
            await original.FlushAsync(ctx.RequestAborted);
            await Task.Delay(pause, ctx.RequestAborted);
        }
        return status;
    }

    private static async Task<int> ApplyFaultAsync(HttpContext ctx, FaultRule fault, RequestLogEntry entry)
    {
        switch (fault.Kind)
        {
            case "reset":
                entry.Aborted = true;
                ctx.Abort();
                return 0;
            case "malformed":
                await new SimResponse { Status = 200, Text = "{\"workflow_id\": \"", ContentType = "application/json; charset=UTF-8" }.WriteAsync(ctx, ctx.RequestAborted);
                return 200;
            default:
                {
                    var status = int.Parse(fault.Kind, CultureInfo.InvariantCulture);
                    var response = status switch
                    {
                        429 => SimResponse.Core(429, "rejected_execution_exception", "rejected execution (simulated fault)"),
                        503 => SimResponse.Core(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"),
                        _ => SimResponse.Core(500, "exception", "simulated internal server error"),
                    };
                    if (fault.RetryAfterSeconds is { } retryAfter && status is 429 or 503)
                    {
                        response.Headers["Retry-After"] = Invariant($"{retryAfter}");
                    }
                    await response.WriteAsync(ctx, ctx.RequestAborted);
                    return status;
                }
        }
    }
}
