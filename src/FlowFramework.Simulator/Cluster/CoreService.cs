using System.Text.Json.Nodes;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Cluster;

/// <summary>Indices and ingest/search pipelines: what the index and pipeline steps call.</summary>
internal sealed class CoreService(ClusterStore store)
{
    private static OpResult? Deny(SimUser? caller, Permission p, string action)
        => caller is null || caller.Can(p) ? null
            : OpResult.Core(403, "security_exception", $"no permissions for [{action}] and {caller.Describe()}");

    public static OpResult IndexNotFound(string name) => OpResult.Core(404, "index_not_found_exception", $"no such index [{name}]",
        ("index", name), ("resource.id", name), ("resource.type", "index_or_alias"), ("index_uuid", "_na_"));

    public static string? InvalidIndexName(string name)
    {
        if (name != name.ToLowerInvariant()) { return "must be lowercase"; }
        if (name.StartsWith('_') || name.StartsWith('-') || name.StartsWith('+')) { return "must not start with '_', '-', or '+'"; }
        if (name.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0) { return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]"; }
        return name.Length == 0 ? "must not be empty" : null;
    }

    public OpResult CreateIndex(string name, JsonObject? body, SimUser? caller)
    {
        if (Deny(caller, Permission.IndexWrite, "indices:admin/create") is { } denied) { return denied; }
        if (InvalidIndexName(name) is { } why)
        {
            return OpResult.Core(400, "invalid_index_name_exception", $"Invalid index name [{name}], {why}", ("index", name), ("index_uuid", "_na_"));
        }
        lock (store.Gate)
        {
            if (store.Data.Indices.TryGetValue(name, out var existing))
            {
                return OpResult.Core(400, "resource_already_exists_exception", $"index [{name}/{existing.Uuid}] already exists",
                    ("index", name), ("index_uuid", existing.Uuid));
            }
            var settings = body?["settings"] as JsonObject ?? [];
            var mappings = body?["mappings"] as JsonObject ?? [];
            store.Data.Indices[name] = new IndexDoc
            {
                Name = name,
                Uuid = Ids.New() + "Xw",
                Settings = (JsonObject)settings.DeepClone(),
                Mappings = (JsonObject)mappings.DeepClone(),
                Aliases = body?["aliases"] as JsonObject is { } a ? (JsonObject)a.DeepClone() : [],
                Created = Ids.NowMs(),
            };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = name }, name);
    }

    public OpResult UpdateIndex(string name, JsonObject? body)
    {
        lock (store.Gate)
        {
            if (!store.Data.Indices.TryGetValue(name, out var index)) { return IndexNotFound(name); }
            if (body?["settings"] is JsonObject s)
            {
                foreach (var (k, v) in s) { index.Settings[k] = v?.DeepClone(); }
            }
            if (body?["mappings"] is JsonObject m) { index.Mappings = (JsonObject)m.DeepClone(); }
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["acknowledged"] = true }, name);
    }

    public OpResult GetIndex(string name, SimUser? caller)
    {
        if (Deny(caller, Permission.IndexRead, "indices:admin/get") is { } denied) { return denied; }
        lock (store.Gate)
        {
            if (!store.Data.Indices.TryGetValue(name, out var index)) { return IndexNotFound(name); }
            var settings = new JsonObject();
            foreach (var (k, v) in index.Settings)
            {
                var key = k.StartsWith("index.", StringComparison.Ordinal) ? k["index.".Length..] : k;
                settings[key] = v is JsonValue jv ? Json.AsText(jv) : v?.DeepClone();
            }
            settings["number_of_shards"] ??= "1";
            settings["number_of_replicas"] ??= "1";
            settings["creation_date"] = Invariant($"{index.Created}");
            settings["uuid"] = index.Uuid;
            settings["version"] = new JsonObject { ["created"] = "137217827" };
            settings["provided_name"] = name;
            return OpResult.Success(new JsonObject
            {
                [name] = new JsonObject
                {
                    ["aliases"] = index.Aliases.DeepClone(),
                    ["mappings"] = index.Mappings.DeepClone(),
                    ["settings"] = new JsonObject { ["index"] = settings },
                },
            });
        }
    }

    public bool IndexExists(string name)
    {
        lock (store.Gate) { return store.Data.Indices.ContainsKey(name); }
    }

    public OpResult DeleteIndex(string name, SimUser? caller)
    {
        if (Deny(caller, Permission.IndexWrite, "indices:admin/delete") is { } denied) { return denied; }
        lock (store.Gate)
        {
            if (!store.Data.Indices.Remove(name)) { return IndexNotFound(name); }
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["acknowledged"] = true });
    }

    private Dictionary<string, PipelineDoc> Pipelines(bool search) => search ? store.Data.SearchPipelines : store.Data.IngestPipelines;

    private static string PipelineAction(bool search, string verb) => search ? $"cluster:admin/search/pipeline/{verb}" : $"cluster:admin/ingest/pipeline/{verb}";

    public OpResult PutPipeline(bool search, string id, JsonObject? body, SimUser? caller, bool mustExist = false)
    {
        if (Deny(caller, Permission.IndexWrite, PipelineAction(search, "put")) is { } denied) { return denied; }
        if (body is null)
        {
            return OpResult.Core(400, "parse_exception", "request body is required");
        }
        if (!search && body["processors"] is not JsonArray)
        {
            return OpResult.Core(400, "parse_exception", "[processors] required property is missing", ("property_name", "processors"));
        }
        lock (store.Gate)
        {
            if (mustExist && !Pipelines(search).ContainsKey(id))
            {
                return OpResult.Core(404, "resource_not_found_exception", $"pipeline [{id}] is missing");
            }
            Pipelines(search)[id] = new PipelineDoc { Id = id, Body = (JsonObject)body.DeepClone() };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["acknowledged"] = true }, id);
    }

    public OpResult GetPipeline(bool search, string? id, SimUser? caller)
    {
        if (Deny(caller, Permission.IndexRead, PipelineAction(search, "get")) is { } denied) { return denied; }
        lock (store.Gate)
        {
            var result = new JsonObject();
            foreach (var p in Pipelines(search).Values.Where(p => id is null || id.Split(',').Any(i => i == p.Id || (i.EndsWith('*') && p.Id.StartsWith(i[..^1], StringComparison.Ordinal)))))
            {
                result[p.Id] = p.Body.DeepClone();
            }
            // GetPipelineResponse / GetSearchPipelineResponse: not found (404, an empty object) whenever nothing matched,
            // also for the list of all pipelines when there are none.
            if (result.Count == 0)
            {
                return OpResult.With(404, new JsonObject());
            }
            return OpResult.Success(result);
        }
    }

    public OpResult DeletePipeline(bool search, string id, SimUser? caller)
    {
        if (Deny(caller, Permission.IndexWrite, PipelineAction(search, "delete")) is { } denied) { return denied; }
        lock (store.Gate)
        {
            if (!Pipelines(search).Remove(id))
            {
                return OpResult.Core(404, "resource_not_found_exception", $"pipeline [{id}] is missing");
            }
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["acknowledged"] = true });
    }
}
