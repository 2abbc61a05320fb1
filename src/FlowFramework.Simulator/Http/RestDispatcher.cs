using FlowFramework.Simulator.Security;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Http;

/// <summary>The node's REST front door (authentication, then RestController's routing): everything here is what an
/// OpenSearch node with the Flow Framework and ML Commons plugins (behind AWS's front, with --sigv4) does.</summary>
internal sealed class RestDispatcher
{
    private readonly Authenticator _authenticator;
    private readonly bool _multiTenancy;
    private readonly NodeInfoHandlers _node;
    private readonly FlowRestHandlers _flow;
    private readonly MlRestHandlers _ml;
    private readonly CoreRestHandlers _core;
    private readonly ClusterSettingsHandlers _settings;

    public RestDispatcher(Authenticator authenticator, bool multiTenancy, NodeInfoHandlers node, FlowRestHandlers flow, MlRestHandlers ml, CoreRestHandlers core, ClusterSettingsHandlers settings)
    {
        _settings = settings;
        _authenticator = authenticator;
        _multiTenancy = multiTenancy;
        _node = node;
        _flow = flow;
        _ml = ml;
        _core = core;
    }

    /// <summary>Who the request comes from (no user without security), or the answer that refuses it.</summary>
    public Task<Caller> AuthenticateAsync(HttpContext ctx) => _authenticator.AuthenticateAsync(ctx);

    /// <summary>Handles one request from <paramref name="caller"/> and returns the status it answered with.
    /// <paramref name="ct"/> covers reading the request and writing the answer; the work in between is not cancelled
    /// by the client going away.</summary>
    public async Task<int> HandleAsync(HttpContext ctx, Caller caller, CancellationToken ct)
    {
        var response = caller.Refusal ?? await RouteAsync(await ReadRequestAsync(ctx, caller.User, ct), ct);
        if (response.CloseConnection)
        {
            ctx.Abort();
            return 0;
        }
        try
        {
            await response.WriteAsync(ctx, ct);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && ct.IsCancellationRequested)
        {
            // The client is gone; the answer was decided all the same.
        }
        return response.Status;
    }

    private async Task<SimRequest> ReadRequestAsync(HttpContext ctx, SimUser? user, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ct);
        var path = ctx.Request.Path.HasValue ? ctx.Request.Path.Value! : "/";
        var decodedPath = Uri.UnescapeDataString(path);
        var trimmed = decodedPath.Trim('/');
        var tenant = ctx.Request.Headers["x-tenant-id"].FirstOrDefault();
        return new SimRequest
        {
            Method = ctx.Request.Method.ToUpperInvariant(),
            Path = decodedPath,
            Segments = trimmed.Length == 0 ? [] : trimmed.Split('/').Select(Uri.UnescapeDataString).ToArray(),
            Query = SimRequest.ParseQuery(ctx.Request.QueryString.Value),
            Body = ms.ToArray(),
            User = user,
            Tenant = _multiTenancy && !string.IsNullOrEmpty(tenant) ? tenant : null,
        };
    }

    private async Task<SimResponse> RouteAsync(SimRequest req, CancellationToken ct)
    {
        var s = req.Segments;
        if (s.Length == 0)
        {
            return _node.Root(req);
        }
        if (s.Length >= 3 && s[0] == "_plugins" && s[1] == "_flow_framework" && s[2] == "workflow")
        {
            return await _flow.HandleAsync(req, s[3..], ct);
        }
        if (s.Length >= 2 && s[0] == "_plugins" && s[1] == "_ml")
        {
            return _ml.HandleMl(req, s[2..]);
        }
        if (s[0] == "_ingest" && s.Length is 2 or 3 && s[1] == "pipeline")
        {
            return _core.HandlePipeline(req, search: false, s.Length == 3 ? s[2] : null);
        }
        if (s[0] == "_search" && s.Length is 2 or 3 && s[1] == "pipeline")
        {
            return _core.HandlePipeline(req, search: true, s.Length == 3 ? s[2] : null);
        }
        if (s[0] == "_nodes")
        {
            return _node.NodesInfo(req, s[1..]);
        }
        if (s.Length == 2 && s[0] == "_cluster" && s[1] == "settings")
        {
            return _settings.Handle(req);
        }
        if (s.Length == 2 && s[0] == "_cluster" && s[1] == "health" && req.Method == "GET")
        {
            return _node.ClusterHealth();
        }
        if (s.Length == 1 && !s[0].StartsWith('_'))
        {
            return _core.HandleIndex(req, s[0]);
        }
        return CoreChecks.NoHandler(req);
    }
}
