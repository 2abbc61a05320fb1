using System.Globalization;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Flow;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>REST handlers of the Flow Framework plugin (rest/Rest*Action.java): parameters, tenant header, the caller's
/// permission, then the transport action.</summary>
internal sealed class FlowRestHandlers(FlowFrameworkPlugin flow, UseCaseCatalogue useCases, bool multiTenancy)
{
    private static readonly string[] CreateParams = ["use_case", "workflow_id", "provision", "reprovision", "update_fields", "wait_for_completion_timeout", "validation"];

    public async Task<SimResponse> HandleAsync(SimRequest req, string[] rest, CancellationToken ct)
    {
        // rest = segments after /_plugins/_flow_framework/workflow
        var m = req.Method;
        switch (rest.Length)
        {
            case 0:
                return m == "POST" ? await CreateAsync(req, null, ct) : CoreChecks.WrongMethod(req, "POST");
            case 1 when rest[0] == "_search":
                return m is "GET" or "POST" ? Search(req, state: false) : CoreChecks.WrongMethod(req, "POST", "GET");
            case 1 when rest[0] == "_steps":
                return m == "GET" ? Steps(req) : CoreChecks.WrongMethod(req, "GET");
            case 2 when rest[0] == "state" && rest[1] == "_search":
                return m is "GET" or "POST" ? Search(req, state: true) : CoreChecks.WrongMethod(req, "POST", "GET");
            case 1:
                return m switch
                {
                    "GET" => Get(req, rest[0]),
                    "PUT" => await CreateAsync(req, rest[0], ct),
                    "DELETE" => Delete(req, rest[0]),
                    _ => CoreChecks.WrongMethod(req, "GET", "PUT", "DELETE"),
                };
            case 2 when rest[1] == "_status":
                return m == "GET" ? Status(req, rest[0]) : CoreChecks.WrongMethod(req, "GET");
            case 2 when rest[1] == "_provision":
                return m == "POST" ? await ProvisionAsync(req, rest[0], ct) : CoreChecks.WrongMethod(req, "POST");
            case 2 when rest[1] == "_deprovision":
                return m == "POST" ? await DeprovisionAsync(req, rest[0]) : CoreChecks.WrongMethod(req, "POST");
            default:
                return CoreChecks.NoHandler(req);
        }
    }

    private SimResponse? TenantError(SimRequest req)
        => multiTenancy && string.IsNullOrEmpty(req.Tenant) ? SimResponse.Flow(403, "Tenant ID header is missing or has no value") : null;

    /// <summary>A caller without the Flow Framework permission: the security plugin's 403, re-wrapped by the handler.</summary>
    private static SimResponse? Denied(SimRequest req, Permission p, string message = "Failed to get workflow.")
        => req.User is null || req.User.Can(p) ? null : SimResponse.Flow(403, message);

    /// <summary>The transport action's success with the handler's own status, or its error as it is.</summary>
    private static SimResponse Answer(OpResult r, int successStatus) => r.Ok ? SimResponse.With(successStatus, r.Body) : SimResponse.From(r);

    // ---------- create / update (RestCreateWorkflowAction) ----------

    private async Task<SimResponse> CreateAsync(SimRequest req, string? workflowId, CancellationToken ct)
    {
        var provision = CoreChecks.ParseBool(req, "provision", false, out var e1);
        var reprovision = CoreChecks.ParseBool(req, "reprovision", false, out var e2);
        var updateFields = CoreChecks.ParseBool(req, "update_fields", false, out var e3);
        if ((e1 ?? e2 ?? e3) is { } boolError) { return boolError; }
        var useCase = req.Param("use_case");
        TimeSpan? timeout = null;
        if (req.Param("wait_for_completion_timeout") is { } timeoutText)
        {
            if (ParseTime(timeoutText) is not { } t) { return TimeError(timeoutText, "wait_for_completion_timeout"); }
            timeout = t;
        }
        var extra = req.Query.Where(kv => !CreateParams.Contains(kv.Key) && kv.Key is not ("pretty" or "human" or "error_trace" or "filter_path"))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (TenantError(req) is { } te) { return te; }
        var onlyParams = $"Only the parameters [{string.Join(", ", CreateParams)}] are permitted unless the provision parameter is set to true.";
        if (!provision && extra.Count > 0) { return SimResponse.Flow(400, onlyParams); }
        if (provision && updateFields) { return SimResponse.Flow(400, "You can not use both the provision and update_fields parameters in the same request."); }
        if (reprovision && workflowId is null) { return SimResponse.Flow(400, "You can not use the reprovision parameter to create a new template."); }
        if (reprovision && useCase is not null) { return SimResponse.Flow(400, "You cannot use the reprovision and use_case parameters in the same request."); }
        if (reprovision && extra.Count > 0) { return SimResponse.Flow(400, onlyParams); }
        if (timeout is not null && !(reprovision || provision))
        {
            return SimResponse.Flow(400, "Request parameter 'wait_for_completion_timeout' is not allowed unless the 'provision' or 'reprovision' parameter is set to true.");
        }

        JsonObject template;
        try
        {
            if (useCase is not null)
            {
                template = useCases.Expand(useCase, req.HasBody ? ParseUseCaseBody(req) : null);
            }
            else
            {
                var body = req.JsonBody() as JsonObject ?? throw new BodyParseException("not an object");
                template = TemplateModel.Parse(body, updateFields);
            }
        }
        catch (FlowException ex) { return SimResponse.Flow(ex.Status, ex.Message); }
        catch (BodyParseException) { return SimResponse.Flow(400, "IOException: template content invalid for specified Content-Type."); }

        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        var request = new CreateWorkflowRequest(workflowId, template, ValidateAll: (req.Param("validation") ?? "all") == "all",
            provision, reprovision, updateFields, extra, timeout, req.User, req.Tenant);
        var result = await flow.Create.ExecuteAsync(request, ct);
        return Answer(result, provision || reprovision ? 202 : 201);
    }

    private static JsonObject ParseUseCaseBody(SimRequest req)
    {
        try
        {
            return req.JsonBody() as JsonObject ?? throw new BodyParseException("not an object");
        }
        catch (BodyParseException)
        {
            throw new FlowException("failure parsing request body when a use case is given, make sure to provide a map with values that are either Strings, Arrays, or Map of Strings to Strings", 400);
        }
    }

    /// <summary>Core's TimeValue parsing: a number with a unit (nanos, micros, ms, s, m, h, d), or -1.</summary>
    private static TimeSpan? ParseTime(string text)
    {
        var units = new (string Suffix, double Ms)[] { ("nanos", 1e-6), ("micros", 1e-3), ("ms", 1), ("s", 1000), ("m", 60000), ("h", 3600000), ("d", 86400000) };
        if (text == "-1") { return null; }
        foreach (var (suffix, ms) in units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromMilliseconds(n * ms);
            }
        }
        return null;
    }

    private static SimResponse TimeError(string text, string setting)
        => SimResponse.Core(400, "illegal_argument_exception", $"failed to parse setting [{setting}] with value [{text}] as a time value: unit is missing or unrecognized");

    // ---------- provision (RestProvisionWorkflowAction) ----------

    private async Task<SimResponse> ProvisionAsync(SimRequest req, string id, CancellationToken ct)
    {
        TimeSpan? timeout = null;
        if (req.Param("wait_for_completion_timeout") is { } timeoutText)
        {
            if (ParseTime(timeoutText) is not { } t) { return TimeError(timeoutText, "wait_for_completion_timeout"); }
            timeout = t;
        }
        var parameters = req.Query.Where(kv => kv.Key is not ("wait_for_completion_timeout" or "pretty" or "human" or "error_trace" or "filter_path"))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (req.HasBody)
        {
            JsonNode? body;
            try { body = req.JsonBody(); }
            catch (BodyParseException) { return SimResponse.Flow(400, "Request body parsing failed"); }
            foreach (var (k, v) in body as JsonObject ?? [])
            {
                if (v is not JsonValue jv || !jv.TryGetValue<string>(out var s)) { return SimResponse.Flow(400, "Request body fields must have string values"); }
                if (parameters.ContainsKey(k)) { return SimResponse.Flow(400, $"Duplicate key {k}"); }
                parameters[k] = s;
            }
        }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        try
        {
            var run = flow.Provision.Start(id, req.Tenant, parameters);
            return Answer(await flow.Provision.AnswerAsync(id, req.Tenant, run, timeout, ct), 202);
        }
        catch (FlowException ex) { return SimResponse.Flow(ex.Status, ex.Message); }
    }

    // ---------- get / status (RestGetWorkflowAction, RestGetWorkflowStateAction) ----------

    private SimResponse Get(SimRequest req, string id)
    {
        if (CoreChecks.Unrecognized(req, "workflow_id") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowRead) is { } denied) { return denied; }
        return SimResponse.From(flow.Get.Execute(id, req.Tenant, req.User));
    }

    private SimResponse Status(SimRequest req, string id)
    {
        var all = CoreChecks.ParseBool(req, "all", false, out var boolError);
        if (boolError is not null) { return boolError; }
        if (CoreChecks.Unrecognized(req, "workflow_id", "all") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowRead, "Failed to get workflow status.") is { } denied) { return denied; }
        return SimResponse.From(flow.GetState.Execute(id, req.Tenant, all));
    }

    // ---------- deprovision / delete (RestDeprovisionWorkflowAction, RestDeleteWorkflowAction) ----------

    /// <summary>The deprovision runs to its end whatever the client does: no cancellation token reaches it.</summary>
    private async Task<SimResponse> DeprovisionAsync(SimRequest req, string id)
    {
        if (CoreChecks.Unrecognized(req, "workflow_id", "allow_delete") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        try
        {
            return SimResponse.From(await flow.Deprovision.ExecuteAsync(id, req.Tenant, req.User, req.Param("allow_delete")));
        }
        catch (NodeRestartException)
        {
            return SimResponse.ConnectionClosed;
        }
    }

    private SimResponse Delete(SimRequest req, string id)
    {
        var clear = CoreChecks.ParseBool(req, "clear_status", false, out var boolError);
        if (boolError is not null) { return boolError; }
        if (CoreChecks.Unrecognized(req, "workflow_id", "clear_status") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        return SimResponse.From(flow.Delete.Execute(id, req.Tenant, clear));
    }

    // ---------- search / steps (RestSearchWorkflowAction, RestSearchWorkflowStateAction, RestGetWorkflowStepAction) ----------

    private SimResponse Search(SimRequest req, bool state)
    {
        if (CoreChecks.Unrecognized(req) is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (req.User is not null && !req.User.Can(Permission.FlowRead))
        {
            return CoreChecks.Security(req, state ? "cluster:admin/opensearch/flow_framework/workflow_state/search" : "cluster:admin/opensearch/flow_framework/workflow/search");
        }
        JsonNode? body;
        try
        {
            body = req.HasBody ? req.JsonBody() : req.Param("source") is { } src ? JsonNode.Parse(src) : null;
        }
        catch (Exception ex) when (ex is BodyParseException or System.Text.Json.JsonException)
        {
            return SimResponse.Core(400, "parse_exception", "Failed to parse content to map");
        }
        return SimResponse.From(flow.Search.Execute(state, body, req.Tenant, req.User));
    }

    private static SimResponse Steps(SimRequest req)
    {
        if (CoreChecks.Unrecognized(req, "workflow_step") is { } bad) { return bad; }
        if (Denied(req, Permission.FlowRead) is { } denied) { return denied; }
        var result = new JsonObject();
        if (req.Param("workflow_step") is not { } filter)
        {
            foreach (var s in StepCatalogue.Public) { result[s.Name] = StepCatalogue.Describe(s); }
            return SimResponse.Ok(result);
        }
        var wanted = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (wanted.Any(w => !StepCatalogue.Public.Any(s => s.Name == w)))
        {
            return SimResponse.Flow(400, "Failed to retrieve workflow step json.");
        }
        foreach (var s in StepCatalogue.Public.Where(s => wanted.Contains(s.Name))) { result[s.Name] = StepCatalogue.Describe(s); }
        return SimResponse.Ok(result);
    }
}
