using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Common;
using FlowFramework.Simulator.Ml;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>REST handlers of ML Commons (/_plugins/_ml/...).</summary>
internal sealed class MlRestHandlers(MlService ml, bool multiTenancy)
{
    private static SimResponse Result(OpResult r) => SimResponse.From(r);

    private SimResponse? TenantError(SimRequest req)
        => multiTenancy && string.IsNullOrEmpty(req.Tenant) ? SimResponse.From(OpResult.StatusError(403, "Tenant ID header is missing or has no value")) : null;

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
            var body = CoreChecks.ObjectBody(req, out var err);
            return err ?? Result(SearchDsl.Search(body, ml.SearchDocs(kind, tenant)));
        }
        switch (kind)
        {
            case "connectors" when rest.Length == 2 && op == "_create" && m == "POST":
                {
                    var body = CoreChecks.ObjectBody(req, out var err);
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
                    var body = CoreChecks.ObjectBody(req, out var err) ?? [];
                    if (err is not null) { return err; }
                    var algorithm = (Json.AsText(body["function_name"]) ?? (body["connector_id"] is not null || body["connector"] is not null ? "remote" : "TEXT_EMBEDDING")).ToUpperInvariant();
                    var r = ml.RegisterModel(body, tenant, user, algorithm);
                    if (r.Ok && (req.Param("deploy") == "true" || Json.IsTrue(body["deploy"])))
                    {
                        ml.StartDeploy(r.Id!, tenant, null);
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
                    var body = CoreChecks.ObjectBody(req, out var err);
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
                    var body = CoreChecks.ObjectBody(req, out var err);
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
}
