using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Cluster;

/// <summary>The outcome of one cluster operation: the status and body the node answers with, and the id it made.
/// The REST layer sends it as is; workflow steps read <see cref="Reason"/> into their exception.</summary>
internal sealed record OpResult(int Status, JsonNode Body, string? Id = null)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The error's reason text, as a step would put it into its exception message.</summary>
    public string Reason => Body switch
    {
        JsonObject o when o["error"] is JsonObject e => Json.AsText(e["reason"]) ?? "",
        JsonObject o when o["error"] is JsonValue v => Json.AsText(v) ?? "",
        _ => "",
    };

    public static OpResult Success(JsonNode? body = null, string? id = null) => new(200, body ?? new JsonObject(), id);

    public static OpResult With(int status, JsonNode body) => new(status, body);

    /// <summary>Core's error, e.g. <c>index_not_found_exception</c>.</summary>
    public static OpResult Core(int status, string type, string reason, params (string Key, string Value)[] metadata)
        => new(status, ErrorBodies.Core(status, type, reason, metadata));

    /// <summary>An OpenSearchStatusException, as ML Commons throws them.</summary>
    public static OpResult StatusError(int status, string reason) => Core(status, "status_exception", reason);

    /// <summary>A FlowFrameworkException.</summary>
    public static OpResult Flow(int status, string message) => new(status, ErrorBodies.Flow(message));

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
}
