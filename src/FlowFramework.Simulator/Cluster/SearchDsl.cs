using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Cluster;

/// <summary>A search hit candidate: index, id, version, sequence number and source.</summary>
internal sealed record SearchDoc(string Index, string Id, long Version, long SeqNo, JsonObject Source);

/// <summary>
/// The subset of the query DSL the simulator understands: match_all, match, match_phrase, term, terms, ids,
/// exists, prefix, wildcard, nested, bool (must, filter, should, must_not, minimum_should_match), size, from, sort,
/// and _source includes/excludes. An unknown query type is core's parsing_exception.
/// </summary>
internal static class SearchDsl
{
    public static OpResult Search(JsonNode? body, IEnumerable<SearchDoc> docs)
    {
        var request = body as JsonObject ?? [];
        try
        {
            var size = request["size"] is JsonNode s ? int.Parse(Json.AsText(s)!, System.Globalization.CultureInfo.InvariantCulture) : 10;
            var from = request["from"] is JsonNode f ? int.Parse(Json.AsText(f)!, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var query = request["query"] as JsonObject;
            var matched = docs.Where(d => query is null || Matches(query, d)).ToList();
            if (request["sort"] is JsonNode sort)
            {
                matched = Sort(matched, sort);
            }
            var hits = new JsonArray();
            foreach (var d in matched.Skip(from).Take(size))
            {
                var source = (JsonObject)d.Source.DeepClone();
                source = FilterSource(source, request["_source"]);
                hits.Add(new JsonObject
                {
                    ["_index"] = d.Index,
                    ["_id"] = d.Id,
                    ["_version"] = d.Version,
                    ["_seq_no"] = d.SeqNo,
                    ["_primary_term"] = 1,
                    ["_score"] = request["sort"] is null ? 1.0 : null,
                    ["_source"] = source,
                });
            }
            var result = new JsonObject
            {
                ["took"] = 1,
                ["timed_out"] = false,
                ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
                ["hits"] = new JsonObject
                {
                    ["total"] = new JsonObject { ["value"] = matched.Count, ["relation"] = "eq" },
                    ["max_score"] = matched.Count > 0 && request["sort"] is null ? 1.0 : null,
                    ["hits"] = hits,
                },
            };
            return OpResult.Success(result);
        }
        catch (QueryException ex)
        {
            return OpResult.Core(400, "parsing_exception", ex.Message);
        }
        catch (FormatException)
        {
            return OpResult.Core(400, "parsing_exception", "[size] and [from] must be integers");
        }
    }

    private sealed class QueryException(string message) : Exception(message);

    private static bool Matches(JsonObject query, SearchDoc doc)
    {
        foreach (var (type, spec) in query)
        {
            if (!MatchOne(type, spec, doc))
            {
                return false;
            }
        }
        return true;
    }

    private static bool MatchOne(string type, JsonNode? spec, SearchDoc doc)
    {
        switch (type)
        {
            case "match_all":
                return true;
            case "match_none":
                return false;
            case "ids":
                return (spec?["values"] as JsonArray)?.Any(v => Json.AsText(v) == doc.Id) ?? false;
            case "term":
                return FieldSpec(spec, out var tf, out var tv) && Values(doc.Source, tf).Any(v => TermEquals(v, tv));
            case "terms":
                {
                    if (spec is not JsonObject o) { throw new QueryException("[terms] query malformed"); }
                    var (field, list) = o.Where(kv => kv.Key != "boost").Select(kv => (kv.Key, kv.Value as JsonArray)).FirstOrDefault();
                    if (field is null || list is null) { throw new QueryException("[terms] query requires an array of terms"); }
                    var values = Values(doc.Source, field).ToList();
                    return list.Any(t => values.Any(v => TermEquals(v, t)));
                }
            case "match":
            case "match_phrase":
                {
                    if (!FieldSpec(spec, out var mf, out var mv)) { return false; }
                    var queryTokens = Tokens(Json.AsText(mv) ?? "");
                    var fieldTokens = Values(doc.Source, mf).SelectMany(v => Tokens(Json.AsText(v) ?? "")).ToHashSet();
                    return type == "match" ? queryTokens.Any(fieldTokens.Contains) : queryTokens.All(fieldTokens.Contains);
                }
            case "prefix":
                return FieldSpec(spec, out var pf, out var pv) && Values(doc.Source, pf).Any(v => (Json.AsText(v) ?? "").StartsWith(Json.AsText(pv) ?? "", StringComparison.Ordinal));
            case "wildcard":
                {
                    if (!FieldSpec(spec, out var wf, out var wv)) { return false; }
                    var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(Json.AsText(wv) ?? "").Replace("\\*", ".*").Replace("\\?", ".") + "$";
                    return Values(doc.Source, wf).Any(v => System.Text.RegularExpressions.Regex.IsMatch(Json.AsText(v) ?? "", pattern));
                }
            case "exists":
                return Values(doc.Source, Json.AsText(spec?["field"]) ?? "").Any();
            case "nested":
                return spec?["query"] is JsonObject inner && Matches(inner, doc);
            case "bool":
                return Bool(spec as JsonObject ?? [], doc);
            default:
                throw new QueryException($"unknown query [{type}]");
        }
    }

    private static bool Bool(JsonObject spec, SearchDoc doc)
    {
        static IEnumerable<JsonObject> Clauses(JsonNode? n) => n switch
        {
            JsonArray a => a.OfType<JsonObject>(),
            JsonObject o => [o],
            _ => [],
        };
        if (!Clauses(spec["must"]).All(q => Matches(q, doc)) || !Clauses(spec["filter"]).All(q => Matches(q, doc)))
        {
            return false;
        }
        if (Clauses(spec["must_not"]).Any(q => Matches(q, doc)))
        {
            return false;
        }
        var should = Clauses(spec["should"]).ToList();
        if (should.Count == 0)
        {
            return true;
        }
        var hasOthers = spec["must"] is not null || spec["filter"] is not null;
        var minimum = spec["minimum_should_match"] is JsonNode m && int.TryParse(Json.AsText(m), out var n) ? n : hasOthers ? 0 : 1;
        return should.Count(q => Matches(q, doc)) >= minimum;
    }

    private static bool FieldSpec(JsonNode? spec, out string field, out JsonNode? value)
    {
        field = "";
        value = null;
        if (spec is not JsonObject o || o.Count == 0)
        {
            throw new QueryException("query malformed, no field specified");
        }
        var (key, v) = o.First();
        field = key;
        value = v is JsonObject inner ? inner["value"] ?? inner["query"] : v;
        return true;
    }

    private static bool TermEquals(JsonNode? docValue, JsonNode? term)
    {
        var d = Json.AsText(docValue);
        var t = Json.AsText(term);
        return d == t;
    }

    private static IEnumerable<string> Tokens(string text)
        => text.ToLowerInvariant().Split(text.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Values at a dotted path, flattening arrays; a trailing ".keyword" is the same field.</summary>
    public static IEnumerable<JsonNode?> Values(JsonNode? root, string path)
    {
        if (path.EndsWith(".keyword", StringComparison.Ordinal))
        {
            path = path[..^".keyword".Length];
        }
        IEnumerable<JsonNode?> current = [root];
        foreach (var part in path.Split('.'))
        {
            current = current.SelectMany(n => n switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => Flatten(child),
                _ => [],
            }).ToList();
        }
        return current.Where(n => n is not null);
    }

    private static IEnumerable<JsonNode?> Flatten(JsonNode? n) => n is JsonArray a ? a.SelectMany(Flatten) : [n];

    private static List<SearchDoc> Sort(List<SearchDoc> docs, JsonNode sort)
    {
        var specs = (sort is JsonArray a ? a.ToList() : [sort]).Select(s => s switch
        {
            JsonValue v => (Field: Json.AsText(v) ?? "", Desc: false),
            JsonObject o when o.Count > 0 => (Field: o.First().Key, Desc: (Json.AsText(o.First().Value is JsonObject so ? so["order"] : o.First().Value) ?? "asc") == "desc"),
            _ => (Field: "", Desc: false),
        }).Where(s => s.Field.Length > 0).ToList();
        IOrderedEnumerable<SearchDoc>? ordered = null;
        foreach (var (field, desc) in specs)
        {
            Func<SearchDoc, string> key = d => Json.AsText(Values(d.Source, field).FirstOrDefault()) ?? "";
            IComparer<string> cmp = Comparer<string>.Create(CompareMixed);
            ordered = ordered is null
                ? (desc ? docs.OrderByDescending(key, cmp) : docs.OrderBy(key, cmp))
                : (desc ? ordered.ThenByDescending(key, cmp) : ordered.ThenBy(key, cmp));
        }
        return ordered?.ToList() ?? docs;
    }

    private static int CompareMixed(string? a, string? b)
        => double.TryParse(a, out var x) && double.TryParse(b, out var y) ? x.CompareTo(y) : string.CompareOrdinal(a, b);

    private static JsonObject FilterSource(JsonObject source, JsonNode? filter)
    {
        if (filter is null)
        {
            return source;
        }
        List<string>? includes = null;
        List<string> excludes = [];
        switch (filter)
        {
            case JsonValue v when v.TryGetValue<bool>(out var b):
                return b ? source : [];
            case JsonValue v:
                includes = [Json.AsText(v) ?? ""];
                break;
            case JsonArray arr:
                includes = arr.Select(x => Json.AsText(x) ?? "").ToList();
                break;
            case JsonObject o:
                includes = (o["includes"] ?? o["include"]) switch { JsonArray i => i.Select(x => Json.AsText(x) ?? "").ToList(), JsonValue i => [Json.AsText(i) ?? ""], _ => null };
                excludes = (o["excludes"] ?? o["exclude"]) switch { JsonArray e => e.Select(x => Json.AsText(x) ?? "").ToList(), JsonValue e => [Json.AsText(e) ?? ""], _ => [] };
                break;
        }
        var result = new JsonObject();
        foreach (var (k, v) in source)
        {
            if (includes is not null && !includes.Any(p => Glob(p, k)))
            {
                continue;
            }
            if (excludes.Any(p => Glob(p, k)))
            {
                continue;
            }
            result[k] = v?.DeepClone();
        }
        return result;
    }

    private static bool Glob(string pattern, string key)
        => pattern == key || pattern == "*" || (pattern.EndsWith('*') && key.StartsWith(pattern[..^1], StringComparison.Ordinal)) || pattern.StartsWith(key + ".", StringComparison.Ordinal);
}
