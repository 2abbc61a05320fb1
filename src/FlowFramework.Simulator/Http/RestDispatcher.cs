using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Http;

/// <summary>The node's REST front door (security plugin's authentication, then RestController's routing): everything
/// here is what an OpenSearch node with the Flow Framework and ML Commons plugins does.</summary>
internal sealed class RestDispatcher
{
    private readonly Dictionary<string, SimUser> _users;
    private readonly bool _multiTenancy;
    private readonly NodeInfoHandlers _node;
    private readonly FlowRestHandlers _flow;
    private readonly MlRestHandlers _ml;
    private readonly CoreRestHandlers _core;

    public RestDispatcher(IEnumerable<SimUser> users, bool multiTenancy, NodeInfoHandlers node, FlowRestHandlers flow, MlRestHandlers ml, CoreRestHandlers core)
    {
        _users = users.GroupBy(u => u.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _multiTenancy = multiTenancy;
        _node = node;
        _flow = flow;
        _ml = ml;
        _core = core;
    }

    /// <summary>The user the request authenticates as (null without security or with bad credentials).</summary>
    public SimUser? Identify(HttpContext ctx) => Authenticate(ctx, out _);

    /// <summary>Handles one request and returns the status it answered with. <paramref name="ct"/> covers reading the
    /// request and writing the answer; the work in between is not cancelled by the client going away.</summary>
    public async Task<int> HandleAsync(HttpContext ctx, CancellationToken ct)
    {
        var user = Authenticate(ctx, out var authFailed);
        SimResponse response;
        if (authFailed)
        {
            response = new SimResponse { Status = 401, Text = "Unauthorized", ContentType = "text/plain; charset=UTF-8" };
            response.Headers["WWW-Authenticate"] = "Basic realm=\"OpenSearch Security\"";
        }
        else
        {
            response = await RouteAsync(await ReadRequestAsync(ctx, user, ct), ct);
        }
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

    private SimUser? Authenticate(HttpContext ctx, out bool failed)
    {
        failed = false;
        if (_users.Count == 0)
        {
            return null;
        }
        var header = ctx.Request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            failed = true;
            return null;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon > 0 && _users.TryGetValue(decoded[..colon], out var user) && user.Password == decoded[(colon + 1)..])
            {
                return user;
            }
        }
        catch (FormatException)
        {
        }
        failed = true;
        return null;
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
