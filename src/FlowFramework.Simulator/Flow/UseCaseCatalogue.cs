using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Flow;

/// <summary>
/// The simulator's own catalogue of built-in use cases (<c>POST /workflow?use_case=NAME</c>). Each use case is a
/// workflow shape (node ids, step types, which earlier node feeds which) plus the defaults that fill its
/// <c>${{key}}</c> placeholders; a flat JSON body overrides defaults key by key. Placeholders naming a node output
/// (<c>${{node.key}}</c>) stay for provisioning time. The shapes follow the plugin's built-in templates node for node
/// but carry only the inputs the simulator needs.
/// </summary>
internal sealed partial class UseCaseCatalogue
{
    private sealed record UseCase(string Name, string UseCaseLabel, Func<JsonObject> Shape, Dictionary<string, string> Defaults, string[] Required);

    private readonly Dictionary<string, UseCase> _cases;

    public UseCaseCatalogue()
    {
        _cases = Build().ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _cases.Keys;

    [GeneratedRegex(@"\$\{\{\s*([^\s}]+?)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Builds the template for a use case; throws the server's 400s for unknown cases and missing keys.</summary>
    public JsonObject Expand(string name, JsonObject? overrides)
    {
        if (!_cases.TryGetValue(name, out var useCase))
        {
            throw new FlowException($"Unable to find substitution ready file for use case: {name}", 400);
        }
        var values = new Dictionary<string, string>(useCase.Defaults, StringComparer.Ordinal);
        var missing = useCase.Required.Where(r => overrides?.ContainsKey(r) != true).ToList();
        if (missing.Count > 0)
        {
            throw new FlowException($"Missing the following required parameters for use case [{name}] : [{string.Join(", ", missing)}]", 400);
        }
        foreach (var (key, value) in overrides ?? [])
        {
            if (values.ContainsKey(key))
            {
                values[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
            }
        }
        var shape = Fill(useCase.Shape(), values)!.AsObject();
        return TemplateModel.Parse(shape, updateFields: false);
    }

    private static JsonNode? Fill(JsonNode? node, IReadOnlyDictionary<string, string> values)
    {
        string Text(string s) => Placeholder().Replace(s, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
        switch (node)
        {
            case JsonObject o:
                {
                    var r = new JsonObject();
                    foreach (var (k, v) in o) { r[Text(k)] = Fill(v, values); }
                    return r;
                }
            case JsonArray a:
                {
                    var r = new JsonArray();
                    foreach (var v in a) { r.Add(Fill(v, values)); }
                    return r;
                }
            case JsonValue v when v.TryGetValue<string>(out var s):
                return JsonValue.Create(Text(s));
            default:
                return node?.DeepClone();
        }
    }

    // ------------------------------------------------------------------ shape building blocks

    private static JsonObject Node(string id, string type, JsonObject inputs, params (string From, string Key)[] previous)
    {
        var prev = new JsonObject();
        foreach (var (from, key) in previous) { prev[from] = key; }
        var n = new JsonObject { ["id"] = id, ["type"] = type };
        if (previous.Length > 0) { n["previous_node_inputs"] = prev; }
        n["user_inputs"] = inputs;
        return n;
    }

    private static JsonObject Template(string label, params JsonObject[] nodes)
    {
        var array = new JsonArray();
        foreach (var n in nodes) { array.Add(n); }
        return new JsonObject
        {
            ["name"] = "${{template.name}}",
            ["description"] = "${{template.description}}",
            ["use_case"] = label,
            ["version"] = new JsonObject { ["template"] = "1.0.0", ["compatibility"] = new JsonArray("2.12.0", "3.0.0") },
            ["workflows"] = new JsonObject { ["provision"] = new JsonObject { ["nodes"] = array } },
        };
    }

    /// <summary>A remote-model connector; <paramref name="prefix"/> is its defaults prefix, <paramref name="aws"/> selects SigV4 keys.</summary>
    private static JsonObject Connector(string prefix, bool aws, string? credentialPrefix = null)
    {
        credentialPrefix ??= prefix;
        var credential = aws
            ? new JsonObject
            {
                ["access_key"] = $"${{{{{credentialPrefix}.credential.access_key}}}}",
                ["secret_key"] = $"${{{{{credentialPrefix}.credential.secret_key}}}}",
                ["session_token"] = $"${{{{{credentialPrefix}.credential.session_token}}}}",
            }
            : new JsonObject { ["key"] = $"${{{{{credentialPrefix}.credential.key}}}}" };
        var parameters = aws
            ? new JsonObject { ["region"] = $"${{{{{prefix}.region}}}}", ["service_name"] = "bedrock" }
            : new JsonObject { ["endpoint"] = $"${{{{{prefix}.endpoint}}}}", ["model"] = $"${{{{{prefix}.model}}}}" };
        return new JsonObject
        {
            ["name"] = $"${{{{{prefix}.name}}}}",
            ["description"] = $"${{{{{prefix}.description}}}}",
            ["version"] = "1",
            ["protocol"] = aws ? "aws_sigv4" : $"${{{{{prefix}.protocol}}}}",
            ["parameters"] = parameters,
            ["credential"] = credential,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_type"] = "predict",
                ["method"] = "POST",
                ["url"] = $"${{{{{prefix}.actions.url}}}}",
                ["request_body"] = $"${{{{{prefix}.actions.request_body}}}}",
            }),
        };
    }

    private static JsonObject RemoteModel(string prefix, bool deploy)
    {
        var o = new JsonObject
        {
            ["name"] = $"${{{{{prefix}.name}}}}",
            ["function_name"] = "remote",
            ["description"] = $"${{{{{prefix}.description}}}}",
        };
        if (deploy) { o["deploy"] = true; }
        return o;
    }

    private static JsonObject LocalModel(string prefix) => new()
    {
        ["name"] = $"${{{{{prefix}.name}}}}",
        ["version"] = $"${{{{{prefix}.version}}}}",
        ["description"] = $"${{{{{prefix}.description}}}}",
        ["model_format"] = $"${{{{{prefix}.model_format}}}}",
        ["deploy"] = true,
    };

    private static JsonObject IngestPipeline(string processor, JsonObject processorBody) => new()
    {
        ["pipeline_id"] = "${{create_ingest_pipeline.pipeline_id}}",
        ["configurations"] = new JsonObject
        {
            ["description"] = "${{create_ingest_pipeline.description}}",
            ["processors"] = new JsonArray(new JsonObject { [processor] = processorBody }),
        },
    };

    private static JsonObject TextEmbeddingPipeline(string modelRef) => IngestPipeline("text_embedding", new JsonObject
    {
        ["model_id"] = modelRef,
        ["field_map"] = new JsonObject { ["${{text_embedding.field_map.input}}"] = "${{text_embedding.field_map.output}}" },
    });

    private static JsonObject KnnIndex(string vectorField, string dimension, string? textField, string? searchPipeline = null)
    {
        var settings = new JsonObject
        {
            ["index.knn"] = true,
            ["default_pipeline"] = "${{create_ingest_pipeline.pipeline_id}}",
            ["number_of_shards"] = "${{create_index.settings.number_of_shards}}",
        };
        if (searchPipeline is not null) { settings["index.search.default_pipeline"] = searchPipeline; }
        var properties = new JsonObject
        {
            [vectorField] = new JsonObject
            {
                ["type"] = "knn_vector",
                ["dimension"] = dimension,
                ["method"] = new JsonObject
                {
                    ["engine"] = "${{create_index.mappings.method.engine}}",
                    ["name"] = "${{create_index.mappings.method.name}}",
                    ["space_type"] = "${{create_index.mappings.method.space_type}}",
                },
            },
        };
        if (textField is not null) { properties[textField] = new JsonObject { ["type"] = "text" }; }
        return new JsonObject
        {
            ["index_name"] = "${{create_index.name}}",
            ["configurations"] = new JsonObject { ["settings"] = settings, ["mappings"] = new JsonObject { ["properties"] = properties } },
        };
    }

    private static JsonObject TextKnnIndex(string? searchPipeline = null)
        => KnnIndex("${{text_embedding.field_map.output}}", "${{text_embedding.field_map.output.dimension}}", "${{text_embedding.field_map.input}}", searchPipeline);

    private static JsonObject HybridSearchPipeline() => new()
    {
        ["pipeline_id"] = "${{create_search_pipeline.pipeline_id}}",
        ["configurations"] = new JsonObject
        {
            ["phase_results_processors"] = new JsonArray(new JsonObject
            {
                ["normalization-processor"] = new JsonObject
                {
                    ["normalization"] = new JsonObject { ["technique"] = "${{normalization-processor.normalization.technique}}" },
                    ["combination"] = new JsonObject { ["technique"] = "${{normalization-processor.combination.technique}}" },
                },
            }),
        },
    };

    private static JsonObject QueryEnricherPipeline(string modelRef) => new()
    {
        ["pipeline_id"] = "${{create_search_pipeline.pipeline_id}}",
        ["configurations"] = new JsonObject
        {
            ["request_processors"] = new JsonArray(new JsonObject
            {
                ["neural_query_enricher"] = new JsonObject { ["default_model_id"] = modelRef },
            }),
        },
    };

    private static JsonObject AgentSearchPipeline() => new()
    {
        ["pipeline_id"] = "${{create_search_pipeline.pipeline_id}}",
        ["configurations"] = new JsonObject
        {
            ["request_processors"] = new JsonArray(new JsonObject { ["agentic_query_translator"] = new JsonObject { ["agent_id"] = "${{register_agent.agent_id}}" } }),
        },
    };

    // ------------------------------------------------------------------ shapes

    private static JsonObject DeployRemoteShape(bool aws) => Template("",
        Node("create_connector", "create_connector", Connector("create_connector", aws)),
        Node("register_model", "register_remote_model", RemoteModel("register_remote_model", deploy: false), ("create_connector", "parameters")),
        Node("deploy_model", "deploy_model", [], ("register_model", "model_id")));

    private static JsonObject RemoteSemanticShape(string label, bool aws, string connectorKey, bool enricher, bool reindex, bool multimodal)
    {
        var nodes = new List<JsonObject>
        {
            Node("create_connector", "create_connector", Connector("create_connector", aws)),
            Node("register_model", "register_remote_model", RemoteModel("register_remote_model", deploy: true), ("create_connector", connectorKey)),
            Node("create_ingest_pipeline", "create_ingest_pipeline",
                multimodal ? MultimodalPipeline("${{register_model.model_id}}") : TextEmbeddingPipeline("${{register_model.model_id}}"),
                ("register_model", "model_id")),
            Node("create_index", "create_index", multimodal ? MultimodalIndex() : TextKnnIndex(enricher ? "${{create_search_pipeline.pipeline_id}}" : null),
                ("create_ingest_pipeline", "pipeline_id")),
        };
        if (enricher)
        {
            nodes.Add(Node("create_search_pipeline", "create_search_pipeline", QueryEnricherPipeline("${{register_model.model_id}}"), ("register_model", "model_id")));
        }
        if (reindex)
        {
            nodes.Add(Node("reindex", "reindex", new JsonObject
            {
                ["source_index"] = "${{reindex.source_index}}",
                ["destination_index"] = "${{create_index.name}}",
                ["refresh"] = false,
                ["requests_per_second"] = "${{reindex.requests_per_second}}",
                ["slices"] = "${{reindex.slices}}",
            }, ("create_index", "index_name")));
        }
        return Template(label, [.. nodes]);
    }

    private static JsonObject MultimodalPipeline(string modelRef) => IngestPipeline("text_image_embedding", new JsonObject
    {
        ["model_id"] = modelRef,
        ["embedding"] = "${{text_image_embedding.embedding}}",
        ["field_map"] = new JsonObject
        {
            ["text"] = "${{text_image_embedding.field_map.text}}",
            ["image"] = "${{text_image_embedding.field_map.image}}",
        },
    });

    private static JsonObject MultimodalIndex()
    {
        var index = KnnIndex("${{text_image_embedding.embedding}}", "${{text_image_embedding.field_map.output.dimension}}", null);
        var props = index["configurations"]!["mappings"]!["properties"]!.AsObject();
        props["${{text_image_embedding.field_map.text}}"] = new JsonObject { ["type"] = "${{text_image_embedding.field_map.text.type}}" };
        props["${{text_image_embedding.field_map.image}}"] = new JsonObject { ["type"] = "${{text_image_embedding.field_map.image.type}}" };
        return index;
    }

    private static JsonObject LocalSemanticShape(bool hybrid) => Template(hybrid ? "HYBRID_SEARCH" : "SEMANTIC_SEARCH",
        [
            Node("register_local_pretrained_model", "register_local_pretrained_model", LocalModel("register_local_pretrained_model")),
            Node("create_ingest_pipeline", "create_ingest_pipeline", TextEmbeddingPipeline("${{register_local_pretrained_model.model_id}}"), ("register_local_pretrained_model", "model_id")),
            Node("create_index", "create_index", TextKnnIndex(hybrid ? "${{create_search_pipeline.pipeline_id}}" : null), ("create_ingest_pipeline", "pipeline_id")),
            .. hybrid ? new[] { Node("create_search_pipeline", "create_search_pipeline", HybridSearchPipeline()) } : [],
        ]);

    private static JsonObject SparseShape() => Template("",
        Node("register_local_sparse_encoding_model", "register_local_sparse_encoding_model", LocalModel("register_local_sparse_encoding_model")),
        Node("create_ingest_pipeline", "create_ingest_pipeline", IngestPipeline("sparse_encoding", new JsonObject
        {
            ["model_id"] = "${{register_local_sparse_encoding_model.model_id}}",
            ["field_map"] = new JsonObject { ["${{create_ingest_pipeline.text_embedding.field_map.input}}"] = "${{create_ingest_pipeline.text_embedding.field_map.output}}" },
        }), ("register_local_sparse_encoding_model", "model_id")),
        Node("create_index", "create_index", new JsonObject
        {
            ["index_name"] = "${{create_index.name}}",
            ["configurations"] = new JsonObject
            {
                ["settings"] = new JsonObject { ["default_pipeline"] = "${{create_ingest_pipeline.pipeline_id}}" },
                ["mappings"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["${{create_ingest_pipeline.text_embedding.field_map.output}}"] = new JsonObject { ["type"] = "rank_features" },
                        ["${{create_ingest_pipeline.text_embedding.field_map.input}}"] = new JsonObject { ["type"] = "text" },
                    },
                },
            },
        }, ("create_ingest_pipeline", "pipeline_id")));

    private static JsonObject ExistingModelShape(string label, bool enricher, bool hybrid, bool multimodal)
    {
        var nodes = new List<JsonObject>
        {
            Node("create_ingest_pipeline", "create_ingest_pipeline",
                multimodal ? MultimodalPipeline("${{create_ingest_pipeline.model_id}}") : TextEmbeddingPipeline("${{create_ingest_pipeline.model_id}}")),
        };
        if (enricher)
        {
            nodes.Add(Node("create_search_pipeline", "create_search_pipeline", QueryEnricherPipeline("${{create_ingest_pipeline.model_id}}")));
        }
        nodes.Add(Node("create_index", "create_index",
            multimodal ? MultimodalIndex() : TextKnnIndex(enricher || hybrid ? "${{create_search_pipeline.pipeline_id}}" : null),
            ("create_ingest_pipeline", "pipeline_id")));
        if (hybrid)
        {
            nodes.Add(Node("create_search_pipeline", "create_search_pipeline", HybridSearchPipeline()));
        }
        return Template(label, [.. nodes]);
    }

    private static JsonObject ConversationalCohereShape() => Template("CONVERSATION_SEARCH",
        Node("create_connector", "create_connector", Connector("create_connector", aws: false)),
        Node("register_model", "register_remote_model", RemoteModel("register_remote_model", deploy: true), ("create_connector", "parameters")),
        Node("create_search_pipeline", "create_search_pipeline", new JsonObject
        {
            ["pipeline_id"] = "${{create_search_pipeline.pipeline_id}}",
            ["configurations"] = new JsonObject
            {
                ["response_processors"] = new JsonArray(new JsonObject
                {
                    ["retrieval_augmented_generation"] = new JsonObject
                    {
                        ["tag"] = "${{create_search_pipeline.retrieval_augmented_generation.tag}}",
                        ["description"] = "${{create_search_pipeline.retrieval_augmented_generation.description}}",
                        ["model_id"] = "${{register_model.model_id}}",
                        ["context_field_list"] = "${{create_search_pipeline.retrieval_augmented_generation.context_field_list}}",
                        ["system_prompt"] = "${{create_search_pipeline.retrieval_augmented_generation.system_prompt}}",
                        ["user_instructions"] = "${{create_search_pipeline.retrieval_augmented_generation.user_instructions}}",
                    },
                }),
            },
        }, ("register_model", "model_id")));

    private static JsonObject BedrockRagShape() => Template("CONVERSATION_SEARCH",
        Node("create_bedrock_connector", "create_connector", Connector("create_bedrock_connector", aws: true)),
        Node("create_embedding_connector", "create_connector", Connector("create_embedding_connector", aws: true, credentialPrefix: "create_bedrock_connector")),
        Node("register_bedrock_model", "register_remote_model", RemoteModel("register_bedrock_model", deploy: true), ("create_bedrock_connector", "connector_id")),
        Node("register_bedrock_embedding_model", "register_remote_model", RemoteModel("register_bedrock_embedding_model", deploy: true), ("create_embedding_connector", "connector_id")),
        Node("create_ingest_pipeline", "create_ingest_pipeline", TextEmbeddingPipeline("${{register_bedrock_embedding_model.model_id}}"), ("register_bedrock_embedding_model", "model_id")),
        Node("create_index", "create_index", TextKnnIndex(), ("create_ingest_pipeline", "pipeline_id")),
        Node("rag_tool", "create_tool", new JsonObject
        {
            ["type"] = "RAGTool",
            ["name"] = "RAGTool",
            ["parameters"] = new JsonObject
            {
                ["inference_model_id"] = "${{register_bedrock_model.model_id}}",
                ["embedding_model_id"] = "${{register_bedrock_embedding_model.model_id}}",
                ["index"] = "${{create_index.name}}",
                ["embedding_field"] = "${{text_embedding.field_map.output}}",
                ["source_field"] = "[\"${{text_embedding.field_map.input}}\"]",
                ["prompt"] = "${{rag_tool.parameters.prompt}}",
            },
        }, ("register_bedrock_model", "model_id"), ("register_bedrock_embedding_model", "model_id")),
        Node("root_agent", "register_agent", new JsonObject
        {
            ["name"] = "${{root_agent.name}}",
            ["description"] = "${{root_agent.description}}",
            ["type"] = "flow",
            ["app_type"] = "rag",
            ["tools_order"] = new JsonArray("rag_tool"),
            ["parameters"] = new JsonObject { ["prompt"] = "${{root_agent.parameters.parameters}}" },
            ["memory"] = new JsonObject { ["type"] = "conversation_index" },
        }, ("rag_tool", "tools")));

    private static JsonObject AgenticShape(bool conversational)
    {
        var nodes = new List<JsonObject>
        {
            Node("create_connector", "create_connector", Connector("create_connector", aws: true)),
            Node("register_model", "register_remote_model", RemoteModel("register_remote_model", deploy: true), ("create_connector", "parameters")),
            Node("query_planning_tool", "create_tool", new JsonObject
            {
                ["type"] = "QueryPlanningTool",
                ["name"] = "QueryPlanningTool",
                ["parameters"] = new JsonObject { ["model_id"] = "${{register_model.model_id}}", ["response_filter"] = "${{query_planning_tool.response_filter}}" },
            }, ("register_model", "model_id")),
        };
        var agentInputs = new JsonObject
        {
            ["name"] = "${{register_agent.name}}",
            ["type"] = "${{register_agent.type}}",
            ["description"] = "${{register_agent.description}}",
        };
        var agentPrevious = new List<(string, string)> { ("register_model", "model_id"), ("query_planning_tool", "tools") };
        if (conversational)
        {
            nodes.Add(Node("list_index_tool", "create_tool", new JsonObject { ["type"] = "ListIndexTool", ["name"] = "ListIndexTool" }));
            nodes.Add(Node("index_mapping_tool", "create_tool", new JsonObject { ["type"] = "IndexMappingTool", ["name"] = "IndexMappingTool" }));
            agentPrevious.Add(("list_index_tool", "tools"));
            agentPrevious.Add(("index_mapping_tool", "tools"));
            agentInputs["llm"] = new JsonObject { ["parameters"] = new JsonObject { ["max_iteration"] = "${{register_agent.max_iteration}}", ["_llm_interface"] = "${{register_agent.llm_interface}}" } };
            agentInputs["memory"] = new JsonObject { ["type"] = "conversation_index" };
            agentInputs["parameters"] = new JsonObject { ["_llm_interface"] = "${{register_agent.llm_interface}}" };
        }
        nodes.Add(Node("register_agent", "register_agent", agentInputs, [.. agentPrevious]));
        nodes.Add(Node("create_search_pipeline", "create_search_pipeline", AgentSearchPipeline(), ("register_agent", "agent_id")));
        return Template(conversational ? "AGENTIC_SEARCH_WITH_CONVERSATIONAL_AGENT" : "AGENTIC_SEARCH_WITH_FLOW_AGENT", [.. nodes]);
    }

    // ------------------------------------------------------------------ defaults

    private static Dictionary<string, string> D(params (string Key, string Value)[] pairs)
        => pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static (string, string)[] HttpConnector(string name, string endpoint, string model, string url, string body) =>
    [
        ("create_connector.name", name), ("create_connector.description", $"Connector for {name}"),
        ("create_connector.protocol", "http"), ("create_connector.endpoint", endpoint), ("create_connector.model", model),
        ("create_connector.credential.key", "replace-me"), ("create_connector.actions.url", url),
        ("create_connector.actions.request_body", body),
        ("create_connector.actions.pre_process_function", "connector.pre_process.default.embedding"),
        ("create_connector.actions.post_process_function", "connector.post_process.default.embedding"),
    ];

    private static (string, string)[] AwsConnector(string prefix, string name, string region, string url) =>
    [
        ($"{prefix}.name", name), ($"{prefix}.description", $"Connector for {name}"), ($"{prefix}.region", region),
        ($"{prefix}.credential.access_key", "replace-me"), ($"{prefix}.credential.secret_key", "replace-me"),
        ($"{prefix}.credential.session_token", "replace-me"), ($"{prefix}.actions.url", url),
        ($"{prefix}.actions.request_body", "{ \"inputText\": \"${parameters.inputText}\" }"),
        ($"{prefix}.protocol", "aws_sigv4"), ($"{prefix}.model", "model"),
        ($"{prefix}.actions.pre_process_function", "connector.pre_process.bedrock.embedding"),
        ($"{prefix}.actions.post_process_function", "connector.post_process.bedrock.embedding"),
        ($"{prefix}.input_docs_processed_step_size", "1"),
    ];

    private static (string, string)[] Template(string name) => [("template.name", name), ("template.description", $"{name} (built-in use case)")];

    private static (string, string)[] Remote(string name) => [("register_remote_model.name", name), ("register_remote_model.description", $"{name} registered by a use case")];

    private static (string, string)[] TextIndex(string dimension) =>
    [
        ("create_ingest_pipeline.pipeline_id", "nlp-ingest-pipeline"), ("create_ingest_pipeline.description", "Text embedding pipeline"),
        ("text_embedding.field_map.input", "passage_text"), ("text_embedding.field_map.output", "passage_embedding"),
        ("text_embedding.field_map.output.dimension", dimension), ("create_index.name", "my-nlp-index"),
        ("create_index.settings.number_of_shards", "2"), ("create_index.mappings.method.engine", "lucene"),
        ("create_index.mappings.method.space_type", "l2"), ("create_index.mappings.method.name", "hnsw"),
    ];

    private static (string, string)[] Multimodal() =>
    [
        ("create_ingest_pipeline.pipeline_id", "nlp-multimodal-ingest-pipeline"), ("create_ingest_pipeline.description", "Text and image embedding pipeline"),
        ("text_image_embedding.embedding", "vector_embedding"), ("text_image_embedding.field_map.text", "image_description"),
        ("text_image_embedding.field_map.image", "image_binary"), ("text_image_embedding.field_map.text.type", "text"),
        ("text_image_embedding.field_map.image.type", "binary"), ("text_image_embedding.field_map.output.dimension", "1024"),
        ("create_index.name", "my-multimodal-nlp-index"), ("create_index.settings.number_of_shards", "2"),
        ("create_index.mappings.method.engine", "lucene"), ("create_index.mappings.method.name", "hnsw"),
    ];

    private static (string, string)[] Local(string prefix, string name, string version) =>
    [
        ($"{prefix}.name", name), ($"{prefix}.version", version), ($"{prefix}.description", $"Pretrained model {name}"),
        ($"{prefix}.model_format", "TORCH_SCRIPT"),
    ];

    private static (string, string)[] Hybrid() =>
    [
        ("create_search_pipeline.pipeline_id", "nlp-search-pipeline"),
        ("normalization-processor.normalization.technique", "min_max"), ("normalization-processor.combination.technique", "arithmetic_mean"),
    ];

    private const string CredKey = "create_connector.credential.key";
    private static readonly string[] AwsKeys = ["create_connector.credential.access_key", "create_connector.credential.secret_key", "create_connector.credential.session_token"];
    private const string ModelIdKey = "create_ingest_pipeline.model_id";

    private static IEnumerable<UseCase> Build()
    {
        const string openAiBody = "{ \"input\": ${parameters.input}, \"model\": \"${parameters.model}\" }";
        const string cohereBody = "{ \"texts\": ${parameters.texts}, \"model\": \"${parameters.model}\" }";
        const string chatBody = "{ \"model\": \"${parameters.model}\", \"messages\": ${parameters.messages} }";
        yield return new("open_ai_embedding_model_deploy", "", () => DeployRemoteShape(false),
            D([.. Template("deploy OpenAI embedding model"), .. HttpConnector("openai-embedding-connector", "api.openai.com", "text-embedding-ada-002", "https://api.openai.com/v1/embeddings", openAiBody), .. Remote("OpenAI embedding model")]), [CredKey]);
        yield return new("cohere_embedding_model_deploy", "", () => DeployRemoteShape(false),
            D([.. Template("deploy Cohere embedding model"), .. HttpConnector("cohere-embedding-connector", "api.cohere.ai", "embed-english-v3.0", "https://api.cohere.ai/v1/embed", cohereBody), .. Remote("Cohere embedding model")]), [CredKey]);
        yield return new("bedrock_titan_embedding_model_deploy", "", () => DeployRemoteShape(true),
            D([.. Template("deploy Bedrock Titan embedding model"), .. AwsConnector("create_connector", "bedrock-titan-embedding-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke"), .. Remote("Bedrock Titan embedding model")]), AwsKeys);
        yield return new("bedrock_titan_multimodal_model_deploy", "", () => DeployRemoteShape(true),
            D([.. Template("deploy Bedrock Titan multimodal model"), .. AwsConnector("create_connector", "bedrock-titan-multimodal-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-image-v1/invoke"), .. Remote("Bedrock Titan multimodal model")]), AwsKeys);
        yield return new("cohere_chat_model_deploy", "", () => DeployRemoteShape(false),
            D([.. Template("deploy Cohere chat model"), .. HttpConnector("cohere-chat-connector", "api.cohere.ai", "command", "https://api.cohere.ai/v1/chat", chatBody), .. Remote("Cohere chat model")]), [CredKey]);
        yield return new("openai_chat_model_deploy", "", () => DeployRemoteShape(false),
            D([.. Template("deploy OpenAI chat model"), .. HttpConnector("openai-chat-connector", "api.openai.com", "gpt-3.5-turbo", "https://api.openai.com/v1/chat/completions", chatBody), .. Remote("OpenAI chat model")]), [CredKey]);
        yield return new("local_neural_sparse_search_bi_encoder", "", SparseShape,
            D([.. Template("local neural sparse search (bi-encoder)"), .. Local("register_local_sparse_encoding_model", "amazon/neural-sparse/opensearch-neural-sparse-encoding-v1", "1.0.1"),
                ("create_ingest_pipeline.pipeline_id", "nlp-ingest-pipeline-sparse"), ("create_ingest_pipeline.description", "Sparse encoding pipeline"),
                ("create_ingest_pipeline.text_embedding.field_map.input", "passage_text"), ("create_ingest_pipeline.text_embedding.field_map.output", "passage_embedding"),
                ("create_index.name", "my-nlp-index")]), []);
        yield return new("semantic_search", "", () => ExistingModelShape("SEMANTIC_SEARCH", false, false, false),
            D([.. Template("semantic search with an existing model"), (ModelIdKey, "123"), .. TextIndex("1024")]), [ModelIdKey]);
        yield return new("multimodal_search", "", () => ExistingModelShape("MULTIMODAL_SEARCH", false, false, true),
            D([.. Template("multimodal search with an existing model"), (ModelIdKey, "123"), .. Multimodal()]), [ModelIdKey]);
        yield return new("multimodal_search_with_bedrock_titan", "", () => RemoteSemanticShape("MULTIMODAL_SEARCH", true, "parameters", false, false, true),
            D([.. Template("multimodal search with Bedrock Titan"), .. AwsConnector("create_connector", "bedrock-titan-multimodal-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-image-v1/invoke"), .. Remote("Bedrock Titan multimodal model"), .. Multimodal()]), AwsKeys);
        yield return new("semantic_search_with_query_enricher", "", () => ExistingModelShape("SEMANTIC_SEARCH", true, false, false),
            D([.. Template("semantic search with a query enricher"), (ModelIdKey, "123"), .. TextIndex("1024"), ("create_search_pipeline.pipeline_id", "default_model_pipeline")]), [ModelIdKey]);
        yield return new("semantic_search_with_cohere_embedding", "", () => RemoteSemanticShape("SEMANTIC_SEARCH", false, "parameters", false, false, false),
            D([.. Template("semantic search with Cohere embedding"), .. HttpConnector("cohere-embedding-connector", "api.cohere.ai", "embed-english-v3.0", "https://api.cohere.ai/v1/embed", cohereBody), .. Remote("Cohere embedding model"), .. TextIndex("1024")]), [CredKey]);
        yield return new("semantic_search_with_cohere_embedding_query_enricher", "", () => RemoteSemanticShape("SEMANTIC_SEARCH", false, "parameters", true, false, false),
            D([.. Template("semantic search with Cohere embedding and a query enricher"), .. HttpConnector("cohere-embedding-connector", "api.cohere.ai", "embed-english-v3.0", "https://api.cohere.ai/v1/embed", cohereBody), .. Remote("Cohere embedding model"), .. TextIndex("1024"), ("create_search_pipeline.pipeline_id", "default_model_pipeline")]), [CredKey]);
        yield return new("hybrid_search", "", () => ExistingModelShape("HYBRID_SEARCH", false, true, false),
            D([.. Template("hybrid search with an existing model"), (ModelIdKey, "123"), .. TextIndex("1024"), .. Hybrid()]), [ModelIdKey]);
        yield return new("conversational_search_with_llm_deploy", "", ConversationalCohereShape,
            D([.. Template("conversational search with a Cohere chat model"), .. HttpConnector("cohere-chat-connector", "api.cohere.ai", "command", "https://api.cohere.ai/v1/chat", chatBody), .. Remote("Cohere chat model"),
                ("create_search_pipeline.pipeline_id", "rag-pipeline"), ("create_search_pipeline.retrieval_augmented_generation.tag", "openai_pipeline_demo"),
                ("create_search_pipeline.retrieval_augmented_generation.description", "RAG pipeline"), ("create_search_pipeline.retrieval_augmented_generation.context_field_list", "[\"text\"]"),
                ("create_search_pipeline.retrieval_augmented_generation.system_prompt", "You are a helpful assistant"), ("create_search_pipeline.retrieval_augmented_generation.user_instructions", "Answer from the given context")]), [CredKey]);
        yield return new("semantic_search_with_local_model", "", () => LocalSemanticShape(false),
            D([.. Template("semantic search with a local pretrained model"), .. Local("register_local_pretrained_model", "huggingface/sentence-transformers/paraphrase-MiniLM-L3-v2", "1.0.1"), .. TextIndex("768")]), []);
        yield return new("hybrid_search_with_local_model", "", () => LocalSemanticShape(true),
            D([.. Template("hybrid search with a local pretrained model"), .. Local("register_local_pretrained_model", "huggingface/sentence-transformers/paraphrase-MiniLM-L3-v2", "1.0.1"), .. TextIndex("768"), .. Hybrid()]), []);
        yield return new("semantic_search_with_reindex", "", () => RemoteSemanticShape("SEMANTIC_SEARCH", false, "connector_id", false, true, false),
            D([.. Template("semantic search with Cohere embedding and reindex"), .. HttpConnector("cohere-embedding-connector", "api.cohere.ai", "embed-english-v3.0", "https://api.cohere.ai/v1/embed", cohereBody), .. Remote("Cohere embedding model"), .. TextIndex("1024"),
                ("reindex.source_index", ""), ("reindex.requests_per_second", "-1"), ("reindex.slices", "1")]), [CredKey, "reindex.source_index"]);
        yield return new("conversational-search-with-bedrock-rag-tool", "", BedrockRagShape,
            D([.. Template("conversational search with a Bedrock RAG tool"),
                .. AwsConnector("create_bedrock_connector", "bedrock-claude-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke"),
                ("create_embedding_connector.name", "bedrock-embedding-connector"), ("create_embedding_connector.description", "Connector for Bedrock Titan embeddings"),
                ("create_embedding_connector.protocol", "aws_sigv4"), ("create_embedding_connector.region", "us-east-1"),
                ("create_embedding_connector.actions.url", "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke"),
                ("create_embedding_connector.actions.request_body", "{ \"inputText\": \"${parameters.inputText}\" }"),
                ("register_bedrock_model.name", "Bedrock Claude model"), ("register_bedrock_model.description", "LLM for the RAG tool"),
                ("register_bedrock_embedding_model.name", "Bedrock embedding model"), ("register_bedrock_embedding_model.description", "Embeddings for the RAG tool"),
                .. TextIndex("1536"), ("rag_tool.parameters.prompt", "Answer the question from the context"),
                ("root_agent.name", "RAG agent"), ("root_agent.description", "Conversational agent with a RAG tool"), ("root_agent.parameters.parameters", "")]),
            AwsKeys);
        yield return new("agentic_search_with_flow_agent", "", () => AgenticShape(false),
            D([.. Template("agentic search with a flow agent"), .. AwsConnector("create_connector", "bedrock-claude-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/converse"), .. Remote("Bedrock Claude model"),
                ("query_planning_tool.response_filter", "$.output.message.content[0].text"), ("register_agent.name", "Agentic search agent"), ("register_agent.type", "flow"),
                ("register_agent.description", "Translates questions into queries"), ("create_search_pipeline.pipeline_id", "agentic-pipeline")]), AwsKeys);
        yield return new("agentic_search_with_conversational_agent", "", () => AgenticShape(true),
            D([.. Template("agentic search with a conversational agent"), .. AwsConnector("create_connector", "bedrock-claude-connector", "us-east-1", "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/converse"), .. Remote("Bedrock Claude model"),
                ("query_planning_tool.response_filter", "$.output.message.content[0].text"), ("register_agent.name", "Agentic search agent"), ("register_agent.type", "conversational"),
                ("register_agent.description", "Plans and runs queries"), ("register_agent.max_iteration", "15"), ("register_agent.llm_interface", "bedrock/converse/claude"),
                ("create_search_pipeline.pipeline_id", "agentic-pipeline")]), AwsKeys);
    }
}
