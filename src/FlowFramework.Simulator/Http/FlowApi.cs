using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Flow;
using FlowFramework.Simulator.Hosting;

namespace FlowFramework.Simulator.Http;

/// <summary>REST handlers of the Flow Framework plugin (rest/Rest*Action.java).</summary>
internal sealed class FlowApi(FlowService flow, UseCaseCatalogue useCases, bool multiTenancy)
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
                return m == "POST" ? await DeprovisionAsync(req, rest[0], ct) : CoreChecks.WrongMethod(req, "POST");
            default:
                return CoreChecks.NoHandler(req);
        }
    }

    private SimResponse? TenantError(SimRequest req)
        => multiTenancy && string.IsNullOrEmpty(req.Tenant) ? SimResponse.Flow(403, "Tenant ID header is missing or has no value") : null;

    private static SimResponse? Denied(SimRequest req, Permission p, string message = "Failed to get workflow.")
        => req.User is null || req.User.Can(p) ? null : SimResponse.Flow(403, message);

    private static SimResponse FromException(FlowException ex) => SimResponse.Flow(ex.Status, ex.Message);

    // ---------- create / update ----------

    private async Task<SimResponse> CreateAsync(SimRequest req, string? workflowId, CancellationToken ct)
    {
        var provision = CoreChecks.ParseBool(req, "provision", false, out var e1);
        var reprovision = CoreChecks.ParseBool(req, "reprovision", false, out var e2);
        var updateFields = CoreChecks.ParseBool(req, "update_fields", false, out var e3);
        if ((e1 ?? e2 ?? e3) is { } boolError) { return boolError; }
        var useCase = req.Param("use_case");
        var timeoutText = req.Param("wait_for_completion_timeout");
        TimeSpan? timeout = null;
        if (timeoutText is not null)
        {
            if (ParseTime(timeoutText, "wait_for_completion_timeout") is not { } t) { return TimeError(timeoutText, "wait_for_completion_timeout"); }
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
        catch (FlowException ex) { return FromException(ex); }
        catch (BodyParseException) { return SimResponse.Flow(400, "IOException: template content invalid for specified Content-Type."); }

        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        var validation = req.Param("validation") ?? "all";
        try
        {
            if (workflowId is not null)
            {
                // An update first fetches the stored template (ParseUtils#getWorkflow), before any validation.
                if (!flow.TemplatesIndexExists) { return SimResponse.Flow(404, $"Failed to retrieve template ({workflowId})."); }
                flow.GetTemplateDoc(workflowId, req.Tenant);
            }
            if (validation == "all" && !updateFields)
            {
                TemplateModel.ValidateAll(template);
            }
            if (workflowId is null)
            {
                var id = flow.CreateTemplate(template, req.User, req.Tenant);
                if (!provision)
                {
                    return SimResponse.With(201, new JsonObject { ["workflow_id"] = id });
                }
                try
                {
                    var run = flow.StartProvision(id, req.Tenant, extra);
                    return await ProvisionResponseAsync(id, req.Tenant, run, timeout, ct);
                }
                catch (FlowException ex)
                {
                    // CreateWorkflowTransportAction passes a FlowFrameworkException from provisioning through unchanged
                    // ("Provisioning failed." is only for other exception types).
                    return FromException(ex);
                }
            }
            if (updateFields)
            {
                flow.UpdateFields(workflowId, req.Tenant, template);
                return SimResponse.With(201, new JsonObject { ["workflow_id"] = workflowId });
            }
            if (reprovision)
            {
                var run = flow.StartReprovision(workflowId, req.Tenant, template);
                return await ProvisionResponseAsync(workflowId, req.Tenant, run, timeout, ct);
            }
            flow.ReplaceTemplate(workflowId, req.Tenant, template);
            if (provision)
            {
                var run = flow.StartProvision(workflowId, req.Tenant, extra);
                return await ProvisionResponseAsync(workflowId, req.Tenant, run, timeout, ct);
            }
            return SimResponse.With(201, new JsonObject { ["workflow_id"] = workflowId });
        }
        catch (FlowException ex) { return FromException(ex); }
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

    private async Task<SimResponse> ProvisionResponseAsync(string id, string? tenant, Task<ProvisionFailure?> run, TimeSpan? timeout, CancellationToken ct)
    {
        if (timeout is null)
        {
            return SimResponse.With(202, new JsonObject { ["workflow_id"] = id });
        }
        await FlowService.WaitAsync(run, timeout.Value).WaitAsync(ct);
        if (run.IsCompletedSuccessfully && run.Result is { } failure)
        {
            // Synchronous execution that fails within the timeout answers the failure itself, with the step's status
            // (Provision/ReprovisionWorkflowTransportAction#executeWorkflow, isSyncExecution).
            return SimResponse.Flow(failure.Status, failure.Error);
        }
        var state = flow.StateView(id, tenant, all: false);
        return SimResponse.With(202, state);
    }

    private static TimeSpan? ParseTime(string text, string setting)
    {
        var units = new (string Suffix, double Ms)[] { ("nanos", 1e-6), ("micros", 1e-3), ("ms", 1), ("s", 1000), ("m", 60000), ("h", 3600000), ("d", 86400000) };
        if (text == "-1") { return null; }
        foreach (var (suffix, ms) in units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text[..^suffix.Length], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromMilliseconds(n * ms);
            }
        }
        _ = setting;
        return null;
    }

    private static SimResponse TimeError(string text, string setting)
        => SimResponse.Core(400, "illegal_argument_exception", $"failed to parse setting [{setting}] with value [{text}] as a time value: unit is missing or unrecognized");

    // ---------- provision ----------

    private async Task<SimResponse> ProvisionAsync(SimRequest req, string id, CancellationToken ct)
    {
        var timeoutText = req.Param("wait_for_completion_timeout");
        TimeSpan? timeout = null;
        if (timeoutText is not null)
        {
            if (ParseTime(timeoutText, "wait_for_completion_timeout") is not { } t) { return TimeError(timeoutText, "wait_for_completion_timeout"); }
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
                if (parameters.ContainsKey(k)) { return SimResponse.Flow(400, "Duplicate key " + k); }
                parameters[k] = s;
            }
        }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        try
        {
            var run = flow.StartProvision(id, req.Tenant, parameters);
            return await ProvisionResponseAsync(id, req.Tenant, run, timeout, ct);
        }
        catch (FlowException ex) { return FromException(ex); }
    }

    // ---------- get / status ----------

    private SimResponse Get(SimRequest req, string id)
    {
        if (CoreChecks.Unrecognized(req, "workflow_id") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowRead) is { } denied) { return denied; }
        if (!flow.TemplatesIndexExists) { return SimResponse.Flow(404, "There are no templates in the global_context"); }
        try
        {
            var doc = flow.GetTemplateDoc(id, req.Tenant);
            return SimResponse.Ok(flow.TemplateView(doc, req.User, redactCredentials: true));
        }
        catch (FlowException ex) { return FromException(ex); }
    }

    private SimResponse Status(SimRequest req, string id)
    {
        var all = CoreChecks.ParseBool(req, "all", false, out var boolError);
        if (boolError is not null) { return boolError; }
        if (CoreChecks.Unrecognized(req, "workflow_id", "all") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowRead, "Failed to get workflow status.") is { } denied) { return denied; }
        try
        {
            return SimResponse.Ok(flow.StateView(id, req.Tenant, all));
        }
        catch (FlowException ex) { return FromException(ex); }
    }

    // ---------- deprovision / delete ----------

    private async Task<SimResponse> DeprovisionAsync(SimRequest req, string id, CancellationToken ct)
    {
        if (CoreChecks.Unrecognized(req, "workflow_id", "allow_delete") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        if (!flow.TryAcquireDeprovision(req.Tenant))
        {
            return SimResponse.Flow(429, $"Exceeded max simultaneous deprovisioning requests: {flow.Config.MaxDeprovisionsPerTenant}");
        }
        try
        {
            return await flow.DeprovisionAsync(id, req.Tenant, req.User, req.Param("allow_delete"), ct);
        }
        finally
        {
            flow.ReleaseDeprovision(req.Tenant);
        }
    }

    private SimResponse Delete(SimRequest req, string id)
    {
        var clear = CoreChecks.ParseBool(req, "clear_status", false, out var boolError);
        if (boolError is not null) { return boolError; }
        if (CoreChecks.Unrecognized(req, "workflow_id", "clear_status") is { } bad) { return bad; }
        if (TenantError(req) is { } te) { return te; }
        if (Denied(req, Permission.FlowWrite) is { } denied) { return denied; }
        return flow.Delete(id, req.Tenant, clear);
    }

    // ---------- search / steps ----------

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
        var exists = state ? flow.StateIndexExists : flow.TemplatesIndexExists;
        if (!exists)
        {
            var index = state ? FlowService.StateIndex : FlowService.TemplatesIndex;
            return Cluster.CoreService.IndexNotFound(index);
        }
        var docs = state ? flow.StateDocs(req.Tenant, req.User) : flow.TemplateDocs(req.Tenant, req.User);
        return SearchDsl.Search(body, docs);
    }

    private static SimResponse Steps(SimRequest req)
    {
        if (CoreChecks.Unrecognized(req, "workflow_step") is { } bad) { return bad; }
        if (Denied(req, Permission.FlowRead) is { } denied) { return denied; }
        var filter = req.Param("workflow_step");
        var result = new JsonObject();
        if (filter is null)
        {
            foreach (var s in StepCatalogue.Public) { result[s.Name] = StepCatalogue.Describe(s); }
            return SimResponse.Ok(result);
        }
        var wanted = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var invalid = wanted.Where(w => !StepCatalogue.Public.Any(s => s.Name == w)).Distinct().ToList();
        if (invalid.Count > 0)
        {
            return SimResponse.Flow(400, "Failed to retrieve workflow step json.");
        }
        foreach (var s in StepCatalogue.Public.Where(s => wanted.Contains(s.Name))) { result[s.Name] = StepCatalogue.Describe(s); }
        return SimResponse.Ok(result);
    }
}
