using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Flow;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Ml;
using Microsoft.AspNetCore.Http;

namespace FlowFramework.Simulator.Http;

/// <summary>Entry point for every HTTP request: control surface, request log, latency, faults, auth, routing.</summary>
internal sealed class Dispatcher
{
    private readonly SimulatorOptions _options;
    private readonly ClusterStore _store;
    private readonly FlowApi _flow;
    private readonly MlCoreApi _mlCore;
    private readonly RequestLog _log = new();
    private readonly FaultTable _faults = new();
    private readonly string _clusterUuid = Ids.New()[..20] + "Aw";
    private readonly Dictionary<string, SimUser> _users;
    private readonly Security.SecurityGate _security;

    public Dispatcher(SimulatorOptions options)
    {
        _options = options;
        _store = new ClusterStore(options.DataDir, options.Config);
        var ml = new MlService(_store, options.MultiTenancy);
        var core = new CoreService(_store);
        var flow = new FlowService(_store, new StepRunner(ml, core), options.MultiTenancy);
        _flow = new FlowApi(flow, new UseCaseCatalogue(), options.MultiTenancy);
        _mlCore = new MlCoreApi(ml, core, options.MultiTenancy);
        _users = options.Users.GroupBy(u => u.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var f in options.Faults) { _faults.Add(f); }
        _security = new Security.SecurityGate(options, TimeProvider.System);
    }

    internal ClusterStore Store => _store;

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.HasValue ? ctx.Request.Path.Value! : "/";
        if (path.StartsWith("/_simulator", StringComparison.Ordinal))
        {
            await WriteAsync(ctx, await ControlAsync(ctx, path), ctx.RequestAborted);
            return;
        }
        var startMs = EpochMs();
        var entry = new RequestLogEntry
        {
            Method = ctx.Request.Method,
            Path = path,
            Query = RequestLog.SafeQuery(ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : ""),
            StartMs = startMs,
            Tenant = ctx.Request.Headers["x-tenant-id"].FirstOrDefault(),
        };
        var status = 0;
        try
        {
            if (_options.Config.LatencyMs > 0)
            {
                await Task.Delay(_options.Config.LatencyMs, ctx.RequestAborted);
            }
            // SigV4, client certificates and bearer tokens (Security/) come before basic auth.
            var (signedIn, rejected) = await _security.AuthenticateAsync(ctx);
            if (rejected is not null)
            {
                status = rejected.Status;
                await WriteAsync(ctx, rejected, ctx.RequestAborted);
                return;
            }
            var authFailed = false;
            var user = signedIn ?? Authenticate(ctx, out authFailed);
            entry.User = user?.Name ?? (authFailed ? null : null);
            var fault = _faults.Match(ctx.Request.Method, path);
            if (fault is not null)
            {
                status = await ApplyFaultAsync(ctx, fault);
                return;
            }
            if (authFailed)
            {
                ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"OpenSearch Security\"";
                var r = new SimResponse { Status = 401, Text = "Unauthorized", ContentType = "text/plain; charset=UTF-8" };
                status = 401;
                await WriteAsync(ctx, r, ctx.RequestAborted);
                return;
            }
            var req = await ReadRequestAsync(ctx, path, user);
            var response = await RouteAsync(req, ctx.RequestAborted);
            status = response.Status;
            await WriteAsync(ctx, response, ctx.RequestAborted);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        finally
        {
            entry.Status = status == 0 ? ctx.Response.StatusCode : status;
            entry.EndMs = EpochMs();
            _log.Add(entry);
        }
    }

    private static double EpochMs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerMillisecond;

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

    private static async Task<SimRequest> ReadRequestAsync(HttpContext ctx, string path, SimUser? user)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
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
            Tenant = string.IsNullOrEmpty(tenant) ? null : tenant,
            HasTenantHeader = tenant is not null,
        };
    }

    private async Task<SimResponse> RouteAsync(SimRequest req, CancellationToken ct)
    {
        var s = req.Segments;
        if (s.Length == 0)
        {
            if (req.Method is not ("GET" or "HEAD"))
            {
                return CoreChecks.WrongMethod(req, "GET", "HEAD");
            }
            return req.User is { } user && !user.Can(Permission.ClusterMonitor) ? CoreChecks.Security(req, "cluster:monitor/main") : Root();
        }
        if (s.Length >= 3 && s[0] == "_plugins" && s[1] == "_flow_framework" && s[2] == "workflow")
        {
            return await _flow.HandleAsync(req, s[3..], ct);
        }
        if (s.Length >= 2 && s[0] == "_plugins" && s[1] == "_ml")
        {
            return _mlCore.HandleMl(req, s[2..]);
        }
        if (s[0] == "_ingest" && s.Length is 2 or 3 && s[1] == "pipeline")
        {
            return _mlCore.HandlePipeline(req, search: false, s.Length == 3 ? s[2] : null);
        }
        if (s[0] == "_search" && s.Length is 2 or 3 && s[1] == "pipeline")
        {
            return _mlCore.HandlePipeline(req, search: true, s.Length == 3 ? s[2] : null);
        }
        if (s.Length == 2 && s[0] == "_cluster" && s[1] == "health" && req.Method == "GET")
        {
            return SimResponse.Ok(new JsonObject
            {
                ["cluster_name"] = "flow-framework-simulator", ["status"] = "green", ["timed_out"] = false,
                ["number_of_nodes"] = 1, ["number_of_data_nodes"] = 1,
            });
        }
        if (s.Length == 1 && !s[0].StartsWith('_'))
        {
            return _mlCore.HandleIndex(req, s[0]);
        }
        return CoreChecks.NoHandler(req);
    }

    private SimResponse Root() => SimResponse.Ok(new JsonObject
    {
        ["name"] = "flow-framework-simulator",
        ["cluster_name"] = "flow-framework-simulator",
        ["cluster_uuid"] = _clusterUuid,
        ["version"] = new JsonObject
        {
            ["distribution"] = "opensearch",
            ["number"] = "3.2.0",
            ["build_type"] = "tar",
            ["build_hash"] = "6adc0bf476e1624190564d7fbe4aba00ccf49ad8",
            ["build_date"] = "2025-08-12T03:54:00.119899934Z",
            ["build_snapshot"] = false,
            ["lucene_version"] = "10.2.2",
            ["minimum_wire_compatibility_version"] = "2.19.0",
            ["minimum_index_compatibility_version"] = "2.0.0",
        },
        ["tagline"] = "The OpenSearch Project: https://opensearch.org/",
    });

    private async Task<int> ApplyFaultAsync(HttpContext ctx, FaultRule fault)
    {
        switch (fault.Kind)
        {
            case "reset":
                ctx.Abort();
                return 0;
            case "slow":
                {
                    ctx.Response.StatusCode = 200;
                    ctx.Response.ContentType = "application/json; charset=UTF-8";
                    var bytes = Encoding.UTF8.GetBytes("{\"acknowledged\":true}");
                    var pause = Math.Max(1, fault.DelayMs / bytes.Length);
                    foreach (var b in bytes)
                    {
                        await ctx.Response.Body.WriteAsync(new[] { b }, ctx.RequestAborted);
                        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                        await Task.Delay(pause, ctx.RequestAborted);
                    }
                    return 200;
                }
            case "malformed":
                await WriteAsync(ctx, new SimResponse { Status = 200, Text = "{\"workflow_id\": \"", ContentType = "application/json; charset=UTF-8" }, ctx.RequestAborted);
                return 200;
            default:
                {
                    var status = int.Parse(fault.Kind, System.Globalization.CultureInfo.InvariantCulture);
                    var response = status switch
                    {
                        429 => SimResponse.Core(429, "rejected_execution_exception", "rejected execution (simulated fault)"),
                        503 => SimResponse.Core(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"),
                        _ => SimResponse.Core(500, "exception", "simulated internal server error"),
                    };
                    if (fault.RetryAfterSeconds is { } ra && status is 429 or 503)
                    {
                        response.Headers["Retry-After"] = ra.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    await WriteAsync(ctx, response, ctx.RequestAborted);
                    return status;
                }
        }
    }

    private static async Task WriteAsync(HttpContext ctx, SimResponse r, CancellationToken ct)
    {
        ctx.Response.StatusCode = r.Status;
        foreach (var (k, v) in r.Headers) { ctx.Response.Headers[k] = v; }
        byte[]? payload = r.Body is not null ? Encoding.UTF8.GetBytes(r.Body.ToJsonString(Json.Compact))
            : r.Text is not null ? Encoding.UTF8.GetBytes(r.Text) : null;
        if (payload is null)
        {
            if (ctx.Request.Method != "HEAD") { ctx.Response.ContentLength = 0; }
            return;
        }
        ctx.Response.ContentType = r.ContentType;
        ctx.Response.ContentLength = payload.Length;
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }
        await ctx.Response.Body.WriteAsync(payload, ct);
    }

    // ---------- control surface ----------

    private async Task<SimResponse> ControlAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method;
        JsonNode? body = null;
        if (method is "POST" or "PUT")
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var text = await reader.ReadToEndAsync(ctx.RequestAborted);
            try { body = text.Length == 0 ? null : JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException ex) { return SimResponse.With(400, new JsonObject { ["error"] = ex.Message }); }
        }
        switch (path.TrimEnd('/'), method)
        {
            case ("/_simulator/requests", "GET"):
                return SimResponse.Ok(_log.ToJson());
            case ("/_simulator/requests", "DELETE"):
                _log.Clear();
                return SimResponse.Ok(new JsonObject { ["acknowledged"] = true });
            case ("/_simulator/reset", "POST"):
                _store.Reset();
                _log.Clear();
                _faults.Clear();
                return SimResponse.Ok(new JsonObject { ["acknowledged"] = true });
            case ("/_simulator/config", "GET"):
                return SimResponse.Ok(_options.Config.ToJson());
            case ("/_simulator/config", "PUT"):
                if (body is not JsonObject update) { return SimResponse.With(400, new JsonObject { ["error"] = "body must be a JSON object" }); }
                return _options.Config.Apply(update) is { } error
                    ? SimResponse.With(400, new JsonObject { ["error"] = error })
                    : SimResponse.Ok(_options.Config.ToJson());
            case ("/_simulator/faults", "GET"):
                return SimResponse.Ok(_faults.ToJson());
            case ("/_simulator/faults", "POST"):
                try
                {
                    var rule = FaultRule.FromJson(body as JsonObject ?? throw new ArgumentException("body must be a JSON object"));
                    _faults.Add(rule);
                    return SimResponse.Ok(rule.ToJson());
                }
                catch (Exception ex) when (ex is ArgumentException or System.Text.RegularExpressions.RegexParseException)
                {
                    return SimResponse.With(400, new JsonObject { ["error"] = ex.Message });
                }
            case ("/_simulator/aws/expire-tokens", "POST"):
                return _security.ExpireAwsTokens();
            case ("/_simulator/faults", "DELETE"):
                _faults.Clear();
                return SimResponse.Ok(new JsonObject { ["acknowledged"] = true });
            default:
                return SimResponse.With(404, new JsonObject { ["error"] = $"unknown simulator endpoint {method} {path}" });
        }
    }
}

/// <summary>One handled request as <c>/_simulator/requests</c> reports it.</summary>
internal sealed class RequestLogEntry
{
    public string Method { get; set; } = "";
    public string Path { get; set; } = "";
    public string Query { get; set; } = "";
    public int Status { get; set; }
    public double StartMs { get; set; }
    public double EndMs { get; set; }
    public string? User { get; set; }
    public string? Tenant { get; set; }
}

internal sealed class RequestLog
{
    private static readonly string[] SecretWords = ["password", "secret", "token", "credential", "key", "auth"];
    private readonly List<RequestLogEntry> _entries = [];

    public void Add(RequestLogEntry e)
    {
        lock (_entries)
        {
            // Bounded so a long benchmark cannot exhaust memory; the oldest entries go first.
            if (_entries.Count >= 100_000) { _entries.RemoveRange(0, 10_000); }
            _entries.Add(e);
        }
    }

    public void Clear()
    {
        lock (_entries) { _entries.Clear(); }
    }

    /// <summary>The query string without parameters whose name suggests a credential.</summary>
    public static string SafeQuery(string raw)
        => string.Join('&', raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !SecretWords.Any(w => SimRequest.Decode(p.Split('=')[0]).Contains(w, StringComparison.OrdinalIgnoreCase))));

    public JsonArray ToJson()
    {
        lock (_entries)
        {
            var a = new JsonArray();
            foreach (var e in _entries)
            {
                a.Add(new JsonObject
                {
                    ["method"] = e.Method, ["path"] = e.Path, ["query"] = e.Query, ["status"] = e.Status,
                    ["start_ms"] = e.StartMs, ["end_ms"] = e.EndMs, ["user"] = e.User, ["tenant"] = e.Tenant,
                });
            }
            return a;
        }
    }
}

internal sealed class FaultTable
{
    private readonly List<FaultRule> _rules = [];

    public void Add(FaultRule rule)
    {
        lock (_rules) { _rules.Add(rule); }
    }

    public void Clear()
    {
        lock (_rules) { _rules.Clear(); }
    }

    public FaultRule? Match(string method, string path)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
            {
                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)) { continue; }
                if (!rule.PathRegex!.IsMatch(path)) { continue; }
                if (rule.Rate is { } rate && Random.Shared.NextDouble() >= rate) { continue; }
                if (rule.Count is { } count)
                {
                    if (count <= 0) { continue; }
                    rule.Count = count - 1;
                }
                return rule;
            }
            _rules.RemoveAll(r => r.Count is <= 0);
            return null;
        }
    }

    public JsonArray ToJson()
    {
        lock (_rules)
        {
            var a = new JsonArray();
            foreach (var r in _rules.Where(r => r.Count is null or > 0)) { a.Add(r.ToJson()); }
            return a;
        }
    }
}
