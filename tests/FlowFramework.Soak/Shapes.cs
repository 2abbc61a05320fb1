using System.Text.Json.Nodes;

namespace FlowFramework.Soak;

/// <summary>How one workflow is created: the create request (a template, or a built-in use case with its substitutions).</summary>
internal sealed record WorkflowShape(string Name, string Query, JsonNode Body);

/// <summary>
/// Mixed workflow shapes: generated ones (every step the module knows, in random combinations), the upstream sample
/// templates and the built-in use cases from ../shared/flow-framework/upstream when it is there. Index, pipeline and
/// model group names are made unique per workflow, so copies never collide, and so is the template's name: every create
/// body differs, which gives each workflow the same id in every run of a seeded simulator.
/// </summary>
internal sealed class Shapes
{
    private static readonly HashSet<string> RejectedUpstream = new(StringComparer.Ordinal)
    {
        // The real server rejects these at create time (tests/FlowFramework.Simulator.Tests/UpstreamTemplateTests.cs).
        "finaltemplate.json", "observability-chat-agent-openai-untested.json",
    };

    private readonly List<(string Name, string Text)> _templates = new();
    private readonly List<(string Name, JsonObject Defaults)> _useCases = new();

    public Shapes(string? upstream)
    {
        if (upstream is null || !Directory.Exists(upstream)) { return; }
        foreach (var file in Directory.GetFiles(Path.Combine(upstream, "templates"), "*.json").Order(StringComparer.Ordinal))
        {
            if (!RejectedUpstream.Contains(Path.GetFileName(file))) { _templates.Add((Path.GetFileName(file), File.ReadAllText(file))); }
        }
        foreach (var line in File.ReadAllLines(Path.Combine(upstream, "use-cases", "use-cases.tsv")).Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            var defaults = JsonNode.Parse(File.ReadAllText(Path.Combine(upstream, "use-cases", "defaults", cells[1])))!.AsObject();
            _useCases.Add((cells[0], defaults));
        }
    }

    public int UpstreamTemplates => _templates.Count;

    public int UseCases => _useCases.Count;

    public WorkflowShape Pick(Random rng, string suffix)
    {
        var roll = rng.Next(100);
        if (_templates.Count > 0 && roll < 25)
        {
            var (name, text) = _templates[rng.Next(_templates.Count)];
            return new WorkflowShape("upstream " + name, "?provision=true", Uniquify(JsonNode.Parse(text)!, suffix));
        }
        if (_useCases.Count > 0 && roll < 40)
        {
            var (name, defaults) = _useCases[rng.Next(_useCases.Count)];
            return new WorkflowShape("use case " + name, $"?use_case={name}&provision=true", UseCaseBody(defaults, suffix));
        }
        return Generated(rng, suffix);
    }

    /// <summary>A random combination of the steps that create something the server deprovisions.</summary>
    private static WorkflowShape Generated(Random rng, string suffix)
    {
        var nodes = new JsonArray();
        var parts = new List<string>();
        var group = rng.Next(4) == 0;
        if (group)
        {
            nodes.Add(Node("group", "register_model_group", new JsonObject { ["name"] = $"soak group {suffix}", ["description"] = "soak" }));
            parts.Add("group");
        }
        var connector = rng.Next(5) != 0;
        string? model = null;
        if (connector)
        {
            nodes.Add(Node("conn", "create_connector", new JsonObject
            {
                ["name"] = "soak connector", ["description"] = "soak", ["version"] = "1", ["protocol"] = "http",
                ["parameters"] = new JsonObject { ["endpoint"] = "api.example.invalid" },
                ["credential"] = new JsonObject { ["key"] = "not-a-secret" },
                ["actions"] = new JsonArray(new JsonObject { ["action_type"] = "predict", ["method"] = "POST", ["url"] = "https://api.example.invalid/v1" }),
            }));
            parts.Add("connector");
            if (rng.Next(4) != 0)
            {
                var separateDeploy = rng.Next(3) == 0;
                var inputs = new JsonObject { ["name"] = "soak model", ["function_name"] = "remote", ["deploy"] = !separateDeploy && rng.Next(4) != 0 };
                var previous = new JsonObject { ["conn"] = "connector_id" };
                if (group) { previous["group"] = "model_group_id"; }
                nodes.Add(Node("model", "register_remote_model", inputs, previous));
                model = "model";
                parts.Add(inputs["deploy"]!.GetValue<bool>() ? "model+deploy" : "model");
                if (separateDeploy)
                {
                    nodes.Add(Node("deploy", "deploy_model", new JsonObject(), new JsonObject { ["model"] = "model_id" }));
                    parts.Add("deploy_model");
                }
            }
        }
        string? ingest = null;
        if (model is not null && rng.Next(2) == 0)
        {
            ingest = $"soak-{suffix}-ingest";
            nodes.Add(Node("ingest", "create_ingest_pipeline", new JsonObject
            {
                ["pipeline_id"] = ingest,
                ["configurations"] = new JsonObject
                {
                    ["description"] = "soak",
                    ["processors"] = new JsonArray(new JsonObject { ["text_embedding"] = new JsonObject { ["model_id"] = "${{model.model_id}}", ["field_map"] = new JsonObject { ["text"] = "embedding" } } }),
                },
            }, new JsonObject { ["model"] = "model_id" }));
            parts.Add("ingest pipeline");
        }
        if (rng.Next(3) == 0)
        {
            nodes.Add(Node("search", "create_search_pipeline", new JsonObject
            {
                ["pipeline_id"] = $"soak-{suffix}-search",
                ["configurations"] = new JsonObject { ["response_processors"] = new JsonArray() },
            }));
            parts.Add("search pipeline");
        }
        if (rng.Next(2) == 0 || nodes.Count == 0)
        {
            var settings = new JsonObject { ["number_of_shards"] = 1 };
            if (ingest is not null) { settings["default_pipeline"] = ingest; }
            nodes.Add(Node("index", "create_index", new JsonObject
            {
                ["index_name"] = $"soak-{suffix}-idx",
                ["configurations"] = new JsonObject { ["settings"] = settings, ["mappings"] = new JsonObject() },
            }, ingest is null ? null : new JsonObject { ["ingest"] = "pipeline_id" }));
            parts.Add("index");
        }
        if (rng.Next(4) == 0)
        {
            nodes.Add(Node("agent", "register_agent", new JsonObject { ["name"] = "soak agent", ["type"] = "flow", ["tools"] = new JsonArray() }));
            parts.Add("agent");
        }
        var template = new JsonObject
        {
            ["name"] = "soak " + suffix,
            ["description"] = "soak",
            ["use_case"] = "SOAK",
            ["version"] = new JsonObject { ["template"] = "1.0.0", ["compatibility"] = new JsonArray("2.12.0", "3.0.0") },
            ["workflows"] = new JsonObject { ["provision"] = new JsonObject { ["nodes"] = nodes } },
        };
        return new WorkflowShape("generated " + string.Join("+", parts), "?provision=true", template);
    }

    private static JsonObject Node(string id, string type, JsonObject inputs, JsonObject? previous = null)
    {
        var node = new JsonObject { ["id"] = id, ["type"] = type };
        if (previous is not null) { node["previous_node_inputs"] = previous; }
        node["user_inputs"] = inputs;
        return node;
    }

    /// <summary>Index, pipeline and model group names of an upstream template, made unique everywhere they appear.</summary>
    private static JsonNode Uniquify(JsonNode template, string suffix)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workflow in (template["workflows"] as JsonObject ?? new JsonObject()).Select(kv => kv.Value))
        {
            foreach (var node in (workflow?["nodes"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                var inputs = node["user_inputs"] as JsonObject;
                var key = node["type"]?.GetValue<string>() switch
                {
                    "create_index" => "index_name",
                    "create_ingest_pipeline" or "create_search_pipeline" => "pipeline_id",
                    "register_model_group" => "name",
                    _ => null,
                };
                if (key is not null && inputs?[key] is JsonValue v && v.TryGetValue<string>(out var name) && !name.Contains("${{", StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }
        }
        if (template is JsonObject named && named["name"] is JsonValue title && title.TryGetValue<string>(out var t))
        {
            named["name"] = t + " " + suffix;
        }
        var text = template.ToJsonString();
        foreach (var name in names.OrderByDescending(n => n.Length))
        {
            var unique = name + "-" + suffix;
            text = text.Replace(System.Text.Json.JsonSerializer.Serialize(name), System.Text.Json.JsonSerializer.Serialize(unique), StringComparison.Ordinal);
        }
        return JsonNode.Parse(text)!;
    }

    /// <summary>The substitutions a use case needs (as UpstreamTemplateTests), with unique index and pipeline names.</summary>
    private static JsonObject UseCaseBody(JsonObject defaults, string suffix)
    {
        var body = new JsonObject
        {
            ["create_connector.credential.key"] = "k", ["create_connector.credential.access_key"] = "a",
            ["create_connector.credential.secret_key"] = "s", ["create_connector.credential.session_token"] = "t",
            ["create_ingest_pipeline.model_id"] = "some-model", ["reindex.source_index"] = SourceIndex,
        };
        foreach (var (key, value) in defaults)
        {
            if (key is "create_index.name" or "create_ingest_pipeline.pipeline_id" or "create_search_pipeline.pipeline_id" or "template.name" && value is JsonValue v)
            {
                body[key] = v.GetValue<string>() + "-" + suffix;
            }
        }
        return body;
    }

    /// <summary>The index the reindex use case copies from; made once per run.</summary>
    public const string SourceIndex = "soak-source-docs";
}
