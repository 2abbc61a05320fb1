using System.Text.Json.Nodes;
using FlowFramework.Simulator.Http;

namespace FlowFramework.Simulator.Cluster;

/// <summary>The outcome of one cluster operation, as the REST layer and the workflow steps both see it.</summary>
internal sealed record OpResult(SimResponse? Error, JsonNode? Value = null, string? Id = null)
{
    public bool Ok => Error is null;
    public int Status => Error?.Status ?? 200;

    /// <summary>The error's reason text, as a step would put it into its exception message.</summary>
    public string Reason => Error?.Body switch
    {
        JsonObject o when o["error"] is JsonObject e => Json.AsText(e["reason"]) ?? "",
        JsonObject o when o["error"] is JsonValue v => Json.AsText(v) ?? "",
        _ => Error?.Text ?? "",
    };

    public static OpResult Success(JsonNode? value = null, string? id = null) => new(null, value, id);
    public static OpResult Fail(SimResponse error) => new(error);

    public static JsonObject DeleteResponse(string index, string id, long version, long seqNo, bool found) => new()
    {
        ["_index"] = index,
        ["_id"] = id,
        ["_version"] = version,
        ["result"] = found ? "deleted" : "not_found",
        ["forced_refresh"] = true,
        ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
        ["_seq_no"] = seqNo,
        ["_primary_term"] = 1,
    };

    public static SimResponse StatusError(int status, string reason) => SimResponse.Core(status, "status_exception", reason);
}
