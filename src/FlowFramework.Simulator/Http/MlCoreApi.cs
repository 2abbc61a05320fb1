using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Ml;

namespace FlowFramework.Simulator.Http;

/// <summary>REST handlers for ML Commons (/_plugins/_ml/...) and the core index and pipeline APIs.</summary>
internal sealed class MlCoreApi(MlService ml, CoreService core, bool multiTenancy)
{
    private static SimResponse Result(OpResult r) => r.Error ?? SimResponse.Ok(r.Value ?? new JsonObject());

    private SimResponse? TenantError(SimRequest req)
        => multiTenancy && string.IsNullOrEmpty(req.Tenant) ? OpResult.StatusError(403, "Tenant ID header is missing or has no value") : null;

    private static JsonObject? Body(SimRequest req, out SimResponse? error)
    {
        error = null;
        try
        {
            return req.JsonBody() as JsonObject;
        }
        catch (BodyParseException ex)
        {
            error = SimResponse.Core(400, "json_parse_exception", ex.Message);
            return null;
        }
    }

    public SimResponse HandleMl(SimRequest req, string[] rest)
    {
        // rest = segments after /_plugins/_ml
        if (rest.Length < 2) { return CoreChecks.NoHandler(req); }
        if (TenantError(req) is { } te) { return te; }
        var (kind, op) = (rest[0], rest[1]);
        var m = req.Method;
        var user = req.User;
        var tenant = req.Tenant;
        if (rest.Length == 2 && op == "_search" && kind is "connectors" or "models" or "model_groups" or "agents")
        {
            if (m is not ("GET" or "POST")) { return CoreChecks.WrongMethod(req, "GET", "POST"); }
            if (user is not null && !user.Can(Permission.MlRead)) { return CoreChecks.Security(req, $"cluster:admin/opensearch/ml/{kind}/search"); }
            var body = Body(req, out var err);
            return err ?? SearchDsl.Search(body, ml.SearchDocs(kind, tenant));
        }
        switch (kind)
        {
            case "connectors" when rest.Length == 2 && op == "_create" && m == "POST":
                {
                    var body = Body(req, out var err);
                    return err ?? Result(ml.CreateConnector(body ?? [], tenant, user));
                }
            case "connectors" when rest.Length == 2:
                return m switch
                {
                    "GET" => Result(ml.GetConnector(op, tenant, user)),
                    "DELETE" => Result(ml.DeleteConnector(op, tenant, user, viaRest: true)),
                    _ => CoreChecks.WrongMethod(req, "GET", "DELETE"),
                };
            case "models" when rest.Length == 2 && op == "_register" && m == "POST":
                {
                    var body = Body(req, out var err) ?? [];
                    if (err is not null) { return err; }
                    var algorithm = (Json.AsText(body["function_name"]) ?? (body["connector_id"] is not null || body["connector"] is not null ? "remote" : "TEXT_EMBEDDING")).ToUpperInvariant();
                    var r = ml.RegisterModel(body, tenant, user, algorithm);
                    if (r.Ok && (req.Param("deploy") == "true" || Json.IsTrue(body["deploy"])))
                    {
                        ml.DeployModel(r.Id!, tenant, null);
                    }
                    return Result(r);
                }
            case "models" when rest.Length == 2:
                return m switch
                {
                    "GET" => Result(ml.GetModel(op, tenant, user)),
                    "DELETE" => Result(ml.DeleteModel(op, tenant, user)),
                    _ => CoreChecks.WrongMethod(req, "GET", "DELETE"),
                };
            case "models" when rest.Length == 3 && rest[2] == "_deploy":
                return m == "POST" ? Result(ml.DeployModel(op, tenant, user)) : CoreChecks.WrongMethod(req, "POST");
            case "models" when rest.Length == 3 && rest[2] == "_undeploy":
                return m == "POST" ? Result(ml.UndeployModel(op, tenant, user)) : CoreChecks.WrongMethod(req, "POST");
            case "model_groups" when rest.Length == 2 && op == "_register" && m == "POST":
                {
                    var body = Body(req, out var err);
                    return err ?? Result(ml.RegisterModelGroup(body ?? [], tenant, user));
                }
            case "model_groups" when rest.Length == 2:
                return m switch
                {
                    "GET" => Result(ml.GetModelGroup(op, tenant, user)),
                    "DELETE" => Result(ml.DeleteModelGroup(op, tenant, user)),
                    _ => CoreChecks.WrongMethod(req, "GET", "DELETE"),
                };
            case "agents" when rest.Length == 2 && op == "_register" && m == "POST":
                {
                    var body = Body(req, out var err);
                    return err ?? Result(ml.RegisterAgent(body ?? [], tenant, user));
                }
            case "agents" when rest.Length == 2:
                return m switch
                {
                    "GET" => Result(ml.GetAgent(op, tenant, user)),
                    "DELETE" => Result(ml.DeleteAgent(op, tenant, user)),
                    _ => CoreChecks.WrongMethod(req, "GET", "DELETE"),
                };
            default:
                return CoreChecks.NoHandler(req);
        }
    }

    public SimResponse HandlePipeline(SimRequest req, bool search, string? id)
    {
        switch (req.Method)
        {
            case "GET":
                return Result(core.GetPipeline(search, id, req.User));
            case "PUT" when id is not null:
                {
                    var body = Body(req, out var err);
                    return err ?? Result(core.PutPipeline(search, id, body, req.User));
                }
            case "DELETE" when id is not null:
                return Result(core.DeletePipeline(search, id, req.User));
            default:
                return id is null ? CoreChecks.WrongMethod(req, "GET") : CoreChecks.WrongMethod(req, "GET", "PUT", "DELETE");
        }
    }

    public SimResponse HandleIndex(SimRequest req, string name)
    {
        switch (req.Method)
        {
            case "PUT":
                {
                    var body = Body(req, out var err);
                    return err ?? Result(core.CreateIndex(name, body, req.User));
                }
            case "GET":
                return Result(core.GetIndex(name, req.User));
            case "HEAD":
                return SimResponse.Empty(core.IndexExists(name) ? 200 : 404);
            case "DELETE":
                return Result(core.DeleteIndex(name, req.User));
            default:
                return CoreChecks.WrongMethod(req, "GET", "PUT", "HEAD", "DELETE");
        }
    }
}
