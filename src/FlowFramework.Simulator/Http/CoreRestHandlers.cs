using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Http;

/// <summary>REST handlers of core's index and ingest/search pipeline APIs.</summary>
internal sealed class CoreRestHandlers(CoreService core)
{
    private static SimResponse Result(OpResult r) => SimResponse.From(r);

    public SimResponse HandlePipeline(SimRequest req, bool search, string? id)
    {
        switch (req.Method)
        {
            case "GET":
                return Result(core.GetPipeline(search, id, req.User));
            case "PUT" when id is not null:
                {
                    var body = CoreChecks.ObjectBody(req, out var err);
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
                    var body = CoreChecks.ObjectBody(req, out var err);
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
