using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Cluster;

/// <summary>How a mapped field is indexed, which decides what a query on it can match.</summary>
internal enum FieldKind
{
    /// <summary>Analyzed: lowercased tokens (standard analyzer); a term must equal one token.</summary>
    Text,

    /// <summary>The whole value, exactly (values longer than ignore_above are not indexed).</summary>
    Keyword,
    Date,
    Number,
    Boolean,

    /// <summary>flat_object: every leaf under it is matched like a keyword.</summary>
    FlatObject,

    /// <summary>An object whose fields are only visible inside a <c>nested</c> query on its path.</summary>
    Nested,

    /// <summary>Not indexed at all (<c>enabled: false</c>, or an object without mapped fields under <c>dynamic: false</c>).</summary>
    NotIndexed,
}

internal sealed record FieldMapping(FieldKind Kind, bool KeywordSubfield = false, int IgnoreAbove = int.MaxValue);

/// <summary>An index's mapping as far as search needs it: the field kinds, and whether unmapped fields are indexed
/// dynamically (strings as text with a <c>.keyword</c> subfield, numbers as long, booleans as boolean).</summary>
internal sealed class IndexMapping(bool dynamic, Dictionary<string, FieldMapping> fields)
{
    private static FieldMapping TextWithKeyword => new(FieldKind.Text, KeywordSubfield: true, IgnoreAbove: 256);
    private static FieldMapping K => new(FieldKind.Keyword);
    private static FieldMapping Date => new(FieldKind.Date);

    private static Dictionary<string, FieldMapping> UserFields(string prefix) => new()
    {
        [prefix] = new(FieldKind.Nested),
        [$"{prefix}.name"] = TextWithKeyword,
        [$"{prefix}.backend_roles"] = new(FieldKind.Text, KeywordSubfield: true),
        [$"{prefix}.roles"] = new(FieldKind.Text, KeywordSubfield: true),
        [$"{prefix}.custom_attribute_names"] = new(FieldKind.Text, KeywordSubfield: true),
    };

    private static Dictionary<string, FieldMapping> With(Dictionary<string, FieldMapping> a, Dictionary<string, FieldMapping> b)
    {
        foreach (var (k, v) in b) { a[k] = v; }
        return a;
    }

    /// <summary>flow-framework mappings/global-context.json (dynamic: false).</summary>
    public static IndexMapping Templates { get; } = new(false, With(new()
    {
        ["workflow_id"] = K,
        ["name"] = TextWithKeyword,
        ["description"] = new(FieldKind.Text),
        ["use_case"] = K,
        ["version"] = new(FieldKind.Nested),
        ["version.template"] = new(FieldKind.Text),
        ["version.compatibility"] = new(FieldKind.Text),
        ["workflows"] = new(FieldKind.NotIndexed),
        ["created_time"] = Date,
        ["last_updated_time"] = Date,
        ["last_provisioned_time"] = Date,
        ["tenant_id"] = K,
        ["ui_metadata"] = new(FieldKind.NotIndexed),
        ["all_shared_principals"] = K,
    }, UserFields("user")));

    /// <summary>flow-framework mappings/workflow-state.json (dynamic: false).</summary>
    public static IndexMapping States { get; } = new(false, With(new()
    {
        ["schema_version"] = new(FieldKind.Number),
        ["workflow_id"] = K,
        ["error"] = new(FieldKind.Text),
        ["state"] = K,
        ["provisioning_progress"] = K,
        ["provision_start_time"] = Date,
        ["provision_end_time"] = Date,
        ["user_outputs"] = new(FieldKind.NotIndexed),
        ["resources_created"] = new(FieldKind.Nested),
        ["resources_created.workflow_step_name"] = K,
        ["resources_created.workflow_step_id"] = K,
        ["resources_created.resource_type"] = K,
        ["resources_created.resource_id"] = K,
        ["tenant_id"] = K,
        ["all_shared_principals"] = K,
    }, UserFields("user")));

    /// <summary>ml-commons index-mappings/ml_model.json (dynamic, so connector_id is text with a keyword subfield).</summary>
    public static IndexMapping Models { get; } = new(true, With(new()
    {
        ["algorithm"] = K,
        ["name"] = TextWithKeyword,
        ["version"] = new(FieldKind.Number),
        ["model_version"] = K,
        ["model_group_id"] = K,
        ["model_id"] = K,
        ["description"] = new(FieldKind.Text),
        ["model_format"] = K,
        ["model_state"] = K,
        ["planning_worker_node_count"] = new(FieldKind.Number),
        ["current_worker_node_count"] = new(FieldKind.Number),
        ["planning_worker_nodes"] = K,
        ["deploy_to_all_nodes"] = new(FieldKind.Boolean),
        ["is_hidden"] = new(FieldKind.Boolean),
        ["tenant_id"] = K,
        ["auto_redeploy_retry_times"] = new(FieldKind.Number),
        ["created_time"] = Date,
        ["last_updated_time"] = Date,
        ["last_registered_time"] = Date,
        ["last_deployed_time"] = Date,
        ["last_undeployed_time"] = Date,
    }, UserFields("user")));

    /// <summary>ml-commons index-mappings/ml_model_group.json.</summary>
    public static IndexMapping ModelGroups { get; } = new(true, With(new()
    {
        ["name"] = TextWithKeyword,
        ["description"] = new(FieldKind.Text),
        ["latest_version"] = new(FieldKind.Number),
        ["model_group_id"] = K,
        ["tenant_id"] = K,
        ["backend_roles"] = TextWithKeyword,
        ["access"] = K,
        ["created_time"] = Date,
        ["last_updated_time"] = Date,
        ["all_shared_principals"] = K,
    }, UserFields("owner")));

    /// <summary>ml-commons index-mappings/ml_connector.json.</summary>
    public static IndexMapping Connectors { get; } = new(true, With(new()
    {
        ["name"] = TextWithKeyword,
        ["version"] = K,
        ["description"] = new(FieldKind.Text),
        ["protocol"] = K,
        ["parameters"] = new(FieldKind.FlatObject),
        ["credential"] = new(FieldKind.FlatObject),
        ["client_config"] = new(FieldKind.FlatObject),
        ["actions"] = new(FieldKind.FlatObject),
        ["tenant_id"] = K,
        ["backend_roles"] = TextWithKeyword,
        ["access"] = K,
        ["created_time"] = Date,
        ["last_updated_time"] = Date,
    }, UserFields("owner")));

    /// <summary>ml-commons index-mappings/ml_agent.json.</summary>
    public static IndexMapping Agents { get; } = new(true, new()
    {
        ["name"] = TextWithKeyword,
        ["type"] = K,
        ["description"] = new(FieldKind.Text),
        ["llm"] = new(FieldKind.FlatObject),
        ["tools"] = new(FieldKind.FlatObject),
        ["parameters"] = new(FieldKind.FlatObject),
        ["memory"] = new(FieldKind.FlatObject),
        ["is_hidden"] = new(FieldKind.Boolean),
        ["tenant_id"] = K,
        ["created_time"] = Date,
        ["last_updated_time"] = Date,
    });

    /// <summary>The mapping of a field path (a trailing <c>.keyword</c> is the keyword subfield), or null when the field
    /// is not indexed. <paramref name="sample"/> is a value of the field, for dynamic mapping.</summary>
    public FieldMapping? Resolve(string path, JsonNode? sample)
    {
        if (fields.TryGetValue(path, out var mapped))
        {
            return mapped.Kind == FieldKind.NotIndexed ? null : mapped;
        }
        if (path.EndsWith(".keyword", StringComparison.Ordinal) && fields.TryGetValue(path[..^".keyword".Length], out var parent))
        {
            return parent.KeywordSubfield ? new FieldMapping(FieldKind.Keyword, IgnoreAbove: parent.IgnoreAbove) : null;
        }
        // Under a flat_object, disabled or unindexed object?
        foreach (var (prefix, m) in fields)
        {
            if (path.StartsWith(prefix + ".", StringComparison.Ordinal))
            {
                if (m.Kind == FieldKind.FlatObject) { return new FieldMapping(FieldKind.Keyword); }
                if (m.Kind == FieldKind.NotIndexed) { return null; }
            }
        }
        if (!dynamic)
        {
            return null;
        }
        var basePath = path.EndsWith(".keyword", StringComparison.Ordinal) ? path[..^".keyword".Length] : path;
        var kind = sample switch
        {
            JsonValue v when v.TryGetValue<bool>(out _) => FieldKind.Boolean,
            JsonValue v when v.TryGetValue<double>(out _) => FieldKind.Number,
            JsonValue => FieldKind.Text,
            _ => (FieldKind?)null,
        };
        if (kind is null) { return null; }
        if (basePath != path)
        {
            return kind == FieldKind.Text ? new FieldMapping(FieldKind.Keyword, IgnoreAbove: 256) : null;
        }
        return new FieldMapping(kind.Value, KeywordSubfield: kind == FieldKind.Text, IgnoreAbove: 256);
    }

    /// <summary>The nested path a field lives under, if any (its values are only visible inside a nested query).</summary>
    public string? NestedPathOf(string path)
    {
        string? found = null;
        foreach (var (prefix, m) in fields)
        {
            if (m.Kind == FieldKind.Nested && (path == prefix || path.StartsWith(prefix + ".", StringComparison.Ordinal)) && (found is null || prefix.Length > found.Length))
            {
                found = prefix;
            }
        }
        return found;
    }

    public bool IsNested(string path) => fields.TryGetValue(path, out var m) && m.Kind == FieldKind.Nested;

    /// <summary>Mapped (or, for a dynamic index, any) fields under an object path, for <c>exists</c> on an object.</summary>
    public bool HasFieldsUnder(string path) => dynamic || fields.Keys.Any(k => k.StartsWith(path + ".", StringComparison.Ordinal));
}
