using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Cluster;

/// <summary>A search hit candidate: index, id, version, sequence number and source.</summary>
internal sealed record SearchDoc(string Index, string Id, long Version, long SeqNo, JsonObject Source);

/// <summary>_source filtering: whether to return it, and include/exclude patterns (dotted paths, <c>*</c> wildcards).</summary>
internal sealed record SourceFilter(bool Fetch, string[] Includes, string[] Excludes)
{
    public static SourceFilter All { get; } = new(true, [], []);
}

/// <summary>One search against one index, as the node runs it.</summary>
internal sealed record SearchRequest(string Index, IndexMapping Mapping, IEnumerable<SearchDoc> Docs, bool Versions, Func<SourceFilter?, SourceFilter>? SourcePolicy = null);

/// <summary>
/// The query DSL over the simulated indices, honouring each index's mapping (IndexMapping): text fields match analyzed,
/// lowercased tokens (a <c>term</c> with capitals never matches them; use the <c>.keyword</c> subfield), keyword fields
/// match whole values, fields under a nested path are visible only inside a <c>nested</c> query, and fields that are not
/// indexed (dynamic: false, enabled: false) match nothing. Supported: match_all, match_none, ids, term, terms, match,
/// match_phrase, prefix, wildcard, exists, range, nested, bool; from/size (window 10 000), sort, _source. Errors are
/// core's: parsing_exception for a malformed or unknown query, search_phase_execution_exception for shard failures.
/// </summary>
internal static partial class SearchDsl
{
    private const int MaxResultWindow = 10_000;
    private static readonly string[] KnownKeys = ["query", "from", "size", "sort", "search_after", "_source", "track_total_hits", "version", "seq_no_primary_term", "timeout", "explain", "terminate_after", "stored_fields", "docvalue_fields"];

    /// <summary>Valid search keys the simulator does not implement: refused, rather than silently ignored.</summary>
    private static readonly string[] Unsupported = ["aggs", "aggregations", "highlight", "post_filter", "collapse", "suggest", "script_fields", "rescore", "ext", "pit", "indices_boost", "min_score", "profile", "slice", "stats", "fields"];

    private sealed class QueryException(string type, string message) : Exception(message)
    {
        public string Type { get; } = type;
    }

    private sealed class ShardException(string type, string message) : Exception(message)
    {
        public string Type { get; } = type;
    }

    /// <summary>Where a query is evaluated: the document, or one object of a nested field inside it.</summary>
    private sealed record Scope(SearchDoc Doc, IndexMapping Mapping, string? NestedPath, JsonObject Node);

    public static OpResult Search(JsonNode? body, SearchRequest request)
    {
        try
        {
            var source = body as JsonObject ?? throw new QueryException("parsing_exception", "Unknown key for a VALUE_STRING in [query].");
            foreach (var (key, value) in source)
            {
                if (Unsupported.Contains(key))
                {
                    throw new QueryException("illegal_argument_exception", $"[{key}] is valid search syntax that the FlowFramework simulator does not implement");
                }
                if (!KnownKeys.Contains(key))
                {
                    throw new QueryException("parsing_exception", $"Unknown key for a {Token(value)} in [{key}].");
                }
            }
            var from = Integer(source["from"], "from") ?? 0;
            var size = Integer(source["size"], "size") ?? 10;
            if (from < 0) { throw new QueryException("illegal_argument_exception", Invariant($"[from] parameter cannot be negative, found [{from}]")); }
            if (size < 0) { throw new QueryException("illegal_argument_exception", Invariant($"[size] parameter cannot be negative, found [{size}]")); }
            var query = source["query"] switch
            {
                null => null,
                JsonObject q when q.Count == 1 => q,
                _ => throw new QueryException("parsing_exception", "[query] must hold exactly one query"),
            };
            if (from + size > MaxResultWindow)
            {
                throw new ShardException("illegal_argument_exception", Invariant($"Result window is too large, from + size must be less than or equal to: [{MaxResultWindow}] but was [{from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting."));
            }
            var docs = request.Docs.ToList();
            var matched = docs.Where(d => query is null || Matches(query, new Scope(d, request.Mapping, null, d.Source))).ToList();
            var sortSpecs = source["sort"] is JsonNode sort ? SortSpecs(sort, request.Mapping, docs) : [];
            if (sortSpecs.Count > 0) { matched = Sort(matched, sortSpecs); }
            if (source["search_after"] is JsonNode after)
            {
                if (sortSpecs.Count == 0) { throw new QueryException("illegal_argument_exception", "Sort must contain at least one field."); }
                if (after is not JsonArray afterValues || afterValues.Count != sortSpecs.Count)
                {
                    throw new QueryException("illegal_argument_exception", Invariant($"search_after has {(after as JsonArray)?.Count ?? 1} value(s) but sort has {sortSpecs.Count}."));
                }
                if (from > 0) { throw new QueryException("illegal_argument_exception", "[from] parameter must be set to 0 when [search_after] is used."); }
                matched = matched.Where(d => CompareToAfter(d, sortSpecs, afterValues) > 0).ToList();
            }
            var filter = ParseSourceFilter(source["_source"]);
            var effective = request.SourcePolicy?.Invoke(filter) ?? filter ?? SourceFilter.All;
            var versions = request.Versions || Json.IsTrue(source["version"]);
            var seqNos = request.Versions || Json.IsTrue(source["seq_no_primary_term"]);
            var sorted = sortSpecs.Count > 0;
            var hits = new JsonArray();
            foreach (var d in matched.Skip(from).Take(size))
            {
                var hit = new JsonObject { ["_index"] = d.Index, ["_id"] = d.Id };
                if (versions) { hit["_version"] = d.Version; }
                if (seqNos)
                {
                    hit["_seq_no"] = d.SeqNo;
                    hit["_primary_term"] = 1;
                }
                hit["_score"] = sorted ? null : 1.0;
                if (effective.Fetch) { hit["_source"] = FilterSource(d.Source, effective); }
                if (sorted) { hit["sort"] = new JsonArray(sortSpecs.Select(s => SortValue(d, s)?.DeepClone()).ToArray()); }
                hits.Add(hit);
            }
            return OpResult.Success(new JsonObject
            {
                ["took"] = 1,
                ["timed_out"] = false,
                ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
                ["hits"] = new JsonObject
                {
                    ["total"] = new JsonObject { ["value"] = matched.Count, ["relation"] = "eq" },
                    ["max_score"] = matched.Count > 0 && !sorted ? 1.0 : null,
                    ["hits"] = hits,
                },
            });
        }
        catch (QueryException ex)
        {
            return OpResult.Core(400, ex.Type, ex.Message);
        }
        catch (ShardException ex)
        {
            return ShardFailure(request.Index, ex.Type, ex.Message);
        }
    }

    /// <summary>Core's answer when the query phase failed on every shard.</summary>
    private static OpResult ShardFailure(string index, string type, string reason)
    {
        JsonObject Cause() => new() { ["type"] = type, ["reason"] = reason };
        var error = new JsonObject
        {
            ["root_cause"] = new JsonArray(Cause()),
            ["type"] = "search_phase_execution_exception",
            ["reason"] = "all shards failed",
            ["phase"] = "query",
            ["grouped"] = true,
            ["failed_shards"] = new JsonArray(new JsonObject { ["shard"] = 0, ["index"] = index, ["reason"] = Cause() }),
            ["caused_by"] = Cause(),
        };
        return OpResult.With(400, new JsonObject { ["error"] = error, ["status"] = 400 });
    }

    private static string Token(JsonNode? value) => value switch
    {
        JsonObject => "START_OBJECT",
        JsonArray => "START_ARRAY",
        JsonValue v when v.TryGetValue<bool>(out _) => "VALUE_BOOLEAN",
        JsonValue v when v.TryGetValue<double>(out _) => "VALUE_NUMBER",
        null => "VALUE_NULL",
        _ => "VALUE_STRING",
    };

    private static int? Integer(JsonNode? node, string name)
        => node is null ? null : Json.AsInt(node) ?? throw new QueryException("parsing_exception", $"[{name}] must be an integer");

    // ---------- queries ----------

    private static bool Matches(JsonObject query, Scope scope)
    {
        if (query.Count != 1)
        {
            throw new QueryException("parsing_exception", "[_na] query malformed, must start with start_object");
        }
        var (type, spec) = query.First();
        return type switch
        {
            "match_all" => true,
            "match_none" => false,
            "ids" => (spec?["values"] as JsonArray)?.Any(v => Json.AsText(v) == scope.Doc.Id) ?? throw new QueryException("parsing_exception", "[ids] query malformed"),
            "term" => Term(spec, scope),
            "terms" => Terms(spec, scope),
            "match" => Match(spec, scope, phrase: false),
            "match_phrase" => Match(spec, scope, phrase: true),
            "prefix" => Pattern(spec, scope, "prefix", prefix: true),
            "wildcard" => Pattern(spec, scope, "wildcard", prefix: false),
            "exists" => Exists(Json.AsText(spec?["field"]) ?? throw new QueryException("parsing_exception", "[exists] must be provided with a [field]"), scope),
            "range" => Range(spec, scope),
            "nested" => Nested(spec, scope),
            "bool" => Bool(spec as JsonObject ?? throw new QueryException("parsing_exception", "[bool] malformed query"), scope),
            _ => throw new QueryException("parsing_exception", $"unknown query [{type}]"),
        };
    }

    /// <summary>A single-field query body: <c>{"field": value}</c> or <c>{"field": {"value"|"query": v, ...}}</c>.</summary>
    private static (string Field, JsonNode? Value, JsonObject Options) FieldSpec(JsonNode? spec, string type, string valueKey)
    {
        if (spec is not JsonObject o || o.Count == 0)
        {
            throw new QueryException("parsing_exception", $"[{type}] query malformed, no field specified");
        }
        var (field, v) = o.First(kv => kv.Key is not ("boost" or "_name"));
        if (v is JsonObject options)
        {
            var value = options[valueKey] ?? (type == "wildcard" ? options["wildcard"] : null);
            if (value is null) { throw new QueryException("parsing_exception", $"[{type}] query does not support [{options.FirstOrDefault().Key}]"); }
            return (field, value, options);
        }
        return (field, v, []);
    }

    /// <summary>The indexed terms of a field in scope, with the field's mapping (empty when not indexed or out of scope).</summary>
    private static (FieldMapping? Mapping, List<string> Terms) Indexed(string field, Scope scope)
    {
        var raw = RawValues(field, scope).Where(v => v is not null).ToList();
        var mapping = scope.Mapping.Resolve(field, raw.FirstOrDefault());
        if (mapping is null || mapping.Kind is FieldKind.Nested or FieldKind.NotIndexed)
        {
            return (null, []);
        }
        var terms = new List<string>();
        foreach (var v in raw)
        {
            var text = Json.AsText(v) ?? "";
            switch (mapping.Kind)
            {
                case FieldKind.Text:
                    terms.AddRange(Analyze(text));
                    break;
                case FieldKind.Keyword:
                case FieldKind.FlatObject:
                    if (text.Length <= mapping.IgnoreAbove) { terms.Add(text); }
                    break;
                default:
                    terms.Add(text);
                    break;
            }
        }
        return (mapping, terms);
    }

    /// <summary>Raw source values at a field path in scope: fields under a nested path are only seen inside its nested query.</summary>
    private static IEnumerable<JsonNode?> RawValues(string field, Scope scope)
    {
        var path = field.EndsWith(".keyword", StringComparison.Ordinal) ? field[..^".keyword".Length] : field;
        var nested = scope.Mapping.NestedPathOf(path);
        if (nested != scope.NestedPath && !(nested is not null && scope.NestedPath is not null && nested.StartsWith(scope.NestedPath + ".", StringComparison.Ordinal)))
        {
            return [];
        }
        if (nested is not null && nested == scope.NestedPath)
        {
            return path == nested ? [scope.Node] : Values(scope.Node, path[(nested.Length + 1)..]);
        }
        return Values(scope.NestedPath is null ? scope.Doc.Source : scope.Node, scope.NestedPath is null ? path : path[(scope.NestedPath.Length + 1)..]);
    }

    private static bool Term(JsonNode? spec, Scope scope)
    {
        var (field, value, options) = FieldSpec(spec, "term", "value");
        var (mapping, terms) = Indexed(field, scope);
        return mapping is not null && terms.Any(t => TermEquals(mapping, t, value, Json.IsTrue(options["case_insensitive"])));
    }

    private static bool Terms(JsonNode? spec, Scope scope)
    {
        if (spec is not JsonObject o) { throw new QueryException("parsing_exception", "[terms] query malformed"); }
        var (field, list) = o.Where(kv => kv.Key is not ("boost" or "_name")).Select(kv => (kv.Key, kv.Value as JsonArray)).FirstOrDefault();
        if (field is null || list is null) { throw new QueryException("parsing_exception", "[terms] query does not support [" + (field ?? "") + "]"); }
        var (mapping, terms) = Indexed(field, scope);
        return mapping is not null && list.Any(value => terms.Any(t => TermEquals(mapping, t, value, false)));
    }

    private static bool TermEquals(FieldMapping mapping, string indexed, JsonNode? value, bool caseInsensitive)
    {
        var text = Json.AsText(value) ?? "";
        return mapping.Kind switch
        {
            FieldKind.Number or FieldKind.Date => double.TryParse(indexed, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && a == b,
            _ => string.Equals(indexed, text, caseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal),
        };
    }

    private static bool Match(JsonNode? spec, Scope scope, bool phrase)
    {
        var (field, value, options) = FieldSpec(spec, phrase ? "match_phrase" : "match", "query");
        var (mapping, terms) = Indexed(field, scope);
        if (mapping is null) { return false; }
        if (mapping.Kind != FieldKind.Text)
        {
            return terms.Any(t => TermEquals(mapping, t, value, false));
        }
        var wanted = Analyze(Json.AsText(value) ?? "");
        if (wanted.Count == 0) { return false; }
        if (phrase)
        {
            // Each value separately: a phrase does not span two values of an array.
            return RawValues(field, scope).Select(v => Analyze(Json.AsText(v) ?? "")).Any(tokens =>
                Enumerable.Range(0, Math.Max(0, tokens.Count - wanted.Count + 1)).Any(i => tokens.Skip(i).Take(wanted.Count).SequenceEqual(wanted)));
        }
        var and = string.Equals(Json.AsText(options["operator"]), "and", StringComparison.OrdinalIgnoreCase);
        return and ? wanted.All(terms.Contains) : wanted.Any(terms.Contains);
    }

    private static bool Pattern(JsonNode? spec, Scope scope, string type, bool prefix)
    {
        var (field, value, options) = FieldSpec(spec, type, "value");
        var (mapping, terms) = Indexed(field, scope);
        if (mapping is null) { return false; }
        var text = Json.AsText(value) ?? "";
        var regex = "^" + Regex.Escape(text).Replace("\\*", prefix ? "\\*" : ".*", StringComparison.Ordinal).Replace("\\?", prefix ? "\\?" : ".", StringComparison.Ordinal) + (prefix ? ".*" : "") + "$";
        var rx = new Regex(regex, (Json.IsTrue(options["case_insensitive"]) ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return terms.Any(rx.IsMatch);
    }

    private static bool Exists(string field, Scope scope)
    {
        if (scope.Mapping.IsNested(field))
        {
            // The nested object itself: inside its own nested query it exists; outside, nested objects are hidden.
            return scope.NestedPath == field;
        }
        var (mapping, terms) = Indexed(field, scope);
        if (mapping is not null)
        {
            return terms.Count > 0;
        }
        // An object: exists when one of its mapped fields has a value.
        return scope.Mapping.HasFieldsUnder(field) && RawValues(field, scope).OfType<JsonObject>().Any(o => o.Count > 0)
            && LeafPaths(RawValues(field, scope).OfType<JsonObject>(), field).Any(p => Indexed(p, scope).Terms.Count > 0);
    }

    private static IEnumerable<string> LeafPaths(IEnumerable<JsonObject> objects, string prefix)
        => objects.SelectMany(o => o.SelectMany(kv => kv.Value is JsonObject child ? LeafPaths([child], $"{prefix}.{kv.Key}") : [$"{prefix}.{kv.Key}"])).Distinct();

    private static bool Range(JsonNode? spec, Scope scope)
    {
        if (spec is not JsonObject o || o.Count == 0 || o.First().Value is not JsonObject bounds)
        {
            throw new QueryException("parsing_exception", "[range] query malformed, no start_object after query name");
        }
        var field = o.First().Key;
        var (mapping, terms) = Indexed(field, scope);
        if (mapping is null) { return false; }
        int Compare(string a, string b) => mapping.Kind is FieldKind.Number or FieldKind.Date
            && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y) : string.CompareOrdinal(a, b);
        return terms.Any(t => bounds.All(kv => kv.Key switch
        {
            "gt" => Compare(t, Json.AsText(kv.Value) ?? "") > 0,
            "gte" => Compare(t, Json.AsText(kv.Value) ?? "") >= 0,
            "lt" => Compare(t, Json.AsText(kv.Value) ?? "") < 0,
            "lte" => Compare(t, Json.AsText(kv.Value) ?? "") <= 0,
            "format" or "boost" or "time_zone" or "relation" => true,
            _ => throw new QueryException("parsing_exception", $"[range] query does not support [{kv.Key}]"),
        }));
    }

    private static bool Nested(JsonNode? spec, Scope scope)
    {
        var path = Json.AsText(spec?["path"]) ?? throw new QueryException("parsing_exception", "[nested] requires 'path' field");
        var inner = spec?["query"] as JsonObject ?? throw new QueryException("parsing_exception", "[nested] requires 'query' field");
        if (!scope.Mapping.IsNested(path))
        {
            if (Json.IsTrue(spec?["ignore_unmapped"])) { return false; }
            throw new ShardException("query_shard_exception", $"failed to create query: [nested] failed to find nested object under path [{path}]");
        }
        var container = scope.NestedPath is null ? scope.Doc.Source : scope.Node;
        var relative = scope.NestedPath is null ? path : path[(scope.NestedPath.Length + 1)..];
        return Values(container, relative).OfType<JsonObject>().Any(element => Matches(inner, scope with { NestedPath = path, Node = element }));
    }

    private static bool Bool(JsonObject spec, Scope scope)
    {
        static IEnumerable<JsonObject> Clauses(JsonNode? n) => n switch
        {
            JsonArray a => a.OfType<JsonObject>(),
            JsonObject o => [o],
            _ => [],
        };
        foreach (var (key, _) in spec)
        {
            if (key is not ("must" or "filter" or "should" or "must_not" or "minimum_should_match" or "boost" or "_name" or "adjust_pure_negative"))
            {
                throw new QueryException("parsing_exception", $"[bool] query does not support [{key}]");
            }
        }
        if (!Clauses(spec["must"]).All(q => Matches(q, scope)) || !Clauses(spec["filter"]).All(q => Matches(q, scope)))
        {
            return false;
        }
        if (Clauses(spec["must_not"]).Any(q => Matches(q, scope)))
        {
            return false;
        }
        var should = Clauses(spec["should"]).ToList();
        if (should.Count == 0)
        {
            return true;
        }
        var hasOthers = spec["must"] is not null || spec["filter"] is not null;
        var minimum = Json.AsInt(spec["minimum_should_match"]) ?? (hasOthers ? 0 : 1);
        return should.Count(q => Matches(q, scope)) >= minimum;
    }

    /// <summary>The standard analyzer, closely enough: runs of letters, digits and underscores (joined across a period or
    /// apostrophe between them), lowercased.</summary>
    private static List<string> Analyze(string text) => Word().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToList();

    [GeneratedRegex(@"[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    /// <summary>Values at a dotted path, flattening arrays.</summary>
    public static IEnumerable<JsonNode?> Values(JsonNode? root, string path)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var part in path.Split('.'))
        {
            current = current.SelectMany(n => n switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => Flatten(child),
                JsonArray a => a.SelectMany(Flatten).SelectMany(x => x is JsonObject xo && xo.TryGetPropertyValue(part, out var c) ? Flatten(c) : []),
                _ => [],
            }).ToList();
        }
        return current.Where(n => n is not null);
    }

    private static IEnumerable<JsonNode?> Flatten(JsonNode? n) => n is JsonArray a ? a.SelectMany(Flatten) : [n];

    // ---------- sort ----------

    private sealed record SortSpec(string Field, bool Descending, FieldMapping? Mapping);

    private static List<SortSpec> SortSpecs(JsonNode sort, IndexMapping mapping, List<SearchDoc> docs)
    {
        var specs = new List<SortSpec>();
        foreach (var s in sort is JsonArray a ? a.ToList() : [sort])
        {
            var (field, order) = s switch
            {
                JsonValue v => (Json.AsText(v) ?? "", (string?)null),
                JsonObject o when o.Count == 1 => (o.First().Key, Json.AsText(o.First().Value is JsonObject so ? so["order"] : o.First().Value)),
                _ => throw new QueryException("parsing_exception", "malformed sort format, within the sort array, an object, or an actual string are allowed"),
            };
            if (order is not (null or "asc" or "desc"))
            {
                throw new QueryException("illegal_argument_exception", $"Unknown SortOrder [{order}]");
            }
            if (field is "_score" or "_doc")
            {
                specs.Add(new SortSpec(field, order == "desc" || (order is null && field == "_score"), null));
                continue;
            }
            var sample = docs.SelectMany(d => Values(d.Source, field.EndsWith(".keyword", StringComparison.Ordinal) ? field[..^8] : field)).FirstOrDefault();
            var fieldMapping = mapping.Resolve(field, sample);
            if (mapping.NestedPathOf(field) is not null)
            {
                throw new ShardException("query_shard_exception", $"it is mandatory to set the [nested] context on the nested sort field: [{field}].");
            }
            if (fieldMapping is null)
            {
                throw new ShardException("query_shard_exception", $"No mapping found for [{field}] in order to sort on");
            }
            if (fieldMapping.Kind == FieldKind.Text)
            {
                throw new ShardException("illegal_argument_exception", $"Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [{field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.");
            }
            specs.Add(new SortSpec(field, order == "desc", fieldMapping));
        }
        return specs;
    }

    private static JsonNode? SortValue(SearchDoc doc, SortSpec spec)
        => spec.Field switch
        {
            "_score" => JsonValue.Create(1.0),
            "_doc" => JsonValue.Create(0),
            _ => Values(doc.Source, spec.Field.EndsWith(".keyword", StringComparison.Ordinal) ? spec.Field[..^8] : spec.Field).FirstOrDefault(),
        };

    /// <summary>How a document's sort values compare to search_after's, in sort order (missing values last).</summary>
    private static int CompareToAfter(SearchDoc doc, List<SortSpec> specs, JsonArray after)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            var c = CompareValues(Json.AsText(SortValue(doc, specs[i])), Json.AsText(after[i]), specs[i]);
            if (c != 0) { return specs[i].Descending ? -c : c; }
        }
        return 0;
    }

    private static int CompareValues(string? a, string? b, SortSpec spec)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? 0 : a is null ? 1 : -1;
        }
        return spec.Mapping?.Kind is FieldKind.Number or FieldKind.Date
            && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var q)
            ? p.CompareTo(q) : string.CompareOrdinal(a, b);
    }

    private static List<SearchDoc> Sort(List<SearchDoc> docs, List<SortSpec> specs)
    {
        var list = docs.Select((d, i) => (Doc: d, Index: i)).ToList();
        list.Sort((x, y) =>
        {
            foreach (var spec in specs.Where(s => s.Field is not ("_score" or "_doc")))
            {
                var a = Json.AsText(SortValue(x.Doc, spec));
                var b = Json.AsText(SortValue(y.Doc, spec));
                // Missing values sort last in either direction.
                if (a is null || b is null)
                {
                    if (a is null && b is null) { continue; }
                    return a is null ? 1 : -1;
                }
                var c = CompareValues(a, b, spec);
                if (c != 0) { return spec.Descending ? -c : c; }
            }
            return x.Index.CompareTo(y.Index);
        });
        return list.Select(x => x.Doc).ToList();
    }

    // ---------- _source ----------

    private static SourceFilter? ParseSourceFilter(JsonNode? filter)
    {
        static string[] List(JsonNode? n) => n switch
        {
            JsonArray a => a.Select(x => Json.AsText(x) ?? "").ToArray(),
            JsonValue v => [Json.AsText(v) ?? ""],
            _ => [],
        };
        return filter switch
        {
            null => null,
            JsonValue v when v.TryGetValue<bool>(out var b) => new SourceFilter(b, [], []),
            JsonValue or JsonArray => new SourceFilter(true, List(filter), []),
            JsonObject o => new SourceFilter(true, List(o["includes"] ?? o["include"]), List(o["excludes"] ?? o["exclude"])),
            _ => throw new QueryException("parsing_exception", "[_source] malformed"),
        };
    }

    /// <summary>The source with only included (when includes are given) and without excluded paths; a pattern naming an
    /// object covers everything under it.</summary>
    public static JsonObject FilterSource(JsonObject source, SourceFilter filter)
        => (JsonObject)(FilterNode(source, "", filter) ?? new JsonObject());

    private static JsonNode? FilterNode(JsonNode? node, string path, SourceFilter filter)
    {
        switch (node)
        {
            case JsonObject o:
                {
                    var result = new JsonObject();
                    foreach (var (k, v) in o)
                    {
                        var child = path.Length == 0 ? k : $"{path}.{k}";
                        if (filter.Excludes.Any(p => Glob(p, child))) { continue; }
                        if (filter.Includes.Length > 0 && !filter.Includes.Any(p => Glob(p, child) || p.StartsWith(child + ".", StringComparison.Ordinal) || IsUnder(child, p)))
                        {
                            continue;
                        }
                        var filtered = filter.Includes.Any(p => Glob(p, child) || IsUnder(child, p)) ? Excluded(v, child, filter) : FilterNode(v, child, filter);
                        if (filtered is JsonObject { Count: 0 } && v is JsonObject { Count: > 0 }) { continue; }
                        result[k] = filtered;
                    }
                    return result;
                }
            case JsonArray a:
                return new JsonArray(a.Select(x => FilterNode(x, path, filter)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? Excluded(JsonNode? node, string path, SourceFilter filter)
        => filter.Excludes.Length == 0 ? node?.DeepClone() : FilterNode(node, path, filter with { Includes = [] });

    private static bool IsUnder(string path, string pattern) => path.StartsWith(pattern + ".", StringComparison.Ordinal);

    private static bool Glob(string pattern, string path)
        => pattern == path || Regex.IsMatch(path, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
