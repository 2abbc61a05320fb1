using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Common;
using FlowFramework.Simulator.Ml;

namespace FlowFramework.Simulator.Flow;

/// <summary>What a provisioning step produced.</summary>
internal sealed class StepOutput
{
    public Dictionary<string, JsonNode?> Values { get; } = new(StringComparer.Ordinal);
}

/// <summary>The provisioning steps (workflow/*Step.java) against the simulated ML Commons and core stores.</summary>
internal sealed partial class ProvisionSteps(MlService ml, CoreService core)
{
    [GeneratedRegex(@"\$\{\{\s*([^\s}]+?)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Replaces <c>${{node.key}}</c> with earlier nodes' outputs and <c>${{key}}</c> with provision parameters.</summary>
    public static JsonNode? Substitute(JsonNode? value, IReadOnlyDictionary<string, StepOutput> outputs, IReadOnlyDictionary<string, string> parameters)
    {
        switch (value)
        {
            case JsonObject o:
                {
                    var r = new JsonObject();
                    foreach (var (k, v) in o)
                    {
                        r[SubstituteText(k, outputs, parameters)] = Substitute(v, outputs, parameters);
                    }
                    return r;
                }
            case JsonArray a:
                {
                    var r = new JsonArray();
                    foreach (var v in a) { r.Add(Substitute(v, outputs, parameters)); }
                    return r;
                }
            case JsonValue v when v.TryGetValue<string>(out var s):
                return JsonValue.Create(SubstituteText(s, outputs, parameters));
            default:
                return value?.DeepClone();
        }
    }

    private static string SubstituteText(string s, IReadOnlyDictionary<string, StepOutput> outputs, IReadOnlyDictionary<string, string> parameters)
    {
        if (!s.Contains("${{", StringComparison.Ordinal))
        {
            return s;
        }
        return Placeholder().Replace(s, m =>
        {
            var key = m.Groups[1].Value;
            var dot = key.IndexOf('.');
            if (dot > 0 && outputs.TryGetValue(key[..dot], out var output) && output.Values.TryGetValue(key[(dot + 1)..], out var v))
            {
                return Json.AsText(v) ?? "";
            }
            return parameters.TryGetValue(key, out var p) ? p : m.Value;
        });
    }

    /// <summary>Runs one provisioning step. <paramref name="record"/> appends a resource to the state as it is created.</summary>
    public async Task<StepOutput> ProvisionAsync(WorkflowNode node, JsonObject inputs, string workflowId, string? tenant, Action<ResourceCreated> record)
    {
        var output = Provision(node, inputs, workflowId, tenant, record, out var waitFor);
        await waitFor.ConfigureAwait(false);
        return output;
    }

    /// <summary>Runs the step; <paramref name="waitFor"/> is what the step still waits for before it completes (DeployModelStep
    /// polls the deploy task until it is done; RegisterRemoteModelStep with deploy does not wait).</summary>
    private StepOutput Provision(WorkflowNode node, JsonObject inputs, string workflowId, string? tenant, Action<ResourceCreated> record, out Task waitFor)
    {
        waitFor = Task.CompletedTask;
        var info = StepCatalogue.Find(node.Type)!;
        var missing = info.Inputs.Where(i => inputs[i] is null).ToList();
        if (missing.Count > 0)
        {
            throw new FlowException($"Missing required inputs [{string.Join(", ", missing)}] in workflow [{workflowId}] node [{node.Id}]", 400);
        }
        var output = new StepOutput();
        void Record(string stepName, string type, string id) => record(new ResourceCreated(stepName, node.Id, type, id));
        static WorkflowStepException Fail(OpResult r, string fallback) => new(r.Reason.Length > 0 ? r.Reason : fallback, r.Status);

        switch (node.Type)
        {
            case "noop":
                break;
            case "create_connector":
                {
                    var body = Pick(inputs, "name", "description", "version", "protocol", "parameters", "credential", "actions", "backend_roles", "add_all_backend_roles", "access_mode", "client_config");
                    if (body["actions"] is not JsonArray)
                    {
                        throw new FlowException("IllegalArgumentException in connector configuration", 400);
                    }
                    var r = ml.CreateConnector(body, tenant, null);
                    if (!r.Ok) { throw Fail(r, "Failed to create connector"); }
                    Record(node.Type, "connector_id", r.Id!);
                    output.Values["connector_id"] = r.Id;
                    break;
                }
            case "register_remote_model":
            case "register_local_custom_model":
            case "register_local_sparse_encoding_model":
            case "register_local_pretrained_model":
                {
                    var algorithm = node.Type switch
                    {
                        "register_remote_model" => "REMOTE",
                        "register_local_sparse_encoding_model" => "SPARSE_ENCODING",
                        _ => (Json.AsText(inputs["function_name"]) ?? "TEXT_EMBEDDING").ToUpperInvariant(),
                    };
                    var body = Pick(inputs, "name", "description", "connector_id", "model_group_id", "version", "model_format", "url", "model_config", "model_content_hash_value");
                    var r = ml.RegisterModel(body, tenant, null, algorithm);
                    if (!r.Ok) { throw Fail(r, node.Type == "register_remote_model" ? "Failed to register remote model" : "Failed to register local model"); }
                    var modelId = r.Id!;
                    Record(node.Type, "model_id", modelId);
                    output.Values["model_id"] = modelId;
                    output.Values["register_model_status"] = "CREATED";
                    if (node.Type == "register_local_sparse_encoding_model")
                    {
                        output.Values["function_name"] = "SPARSE_ENCODING";
                        output.Values["model_content_hash_value"] = Json.AsText(inputs["model_content_hash_value"]) ?? "";
                        output.Values["url"] = Json.AsText(inputs["url"]) ?? "";
                    }
                    if (Json.IsTrue(inputs["deploy"]))
                    {
                        // Registered with deploy: true; the step records deploy_model and does not wait for the deployment.
                        var (d, _) = ml.StartDeploy(modelId, tenant, null);
                        if (!d.Ok) { throw Fail(d, $"Failed to deploy model {modelId}"); }
                        Record("deploy_model", "model_id", modelId);
                    }
                    break;
                }
            case "register_model_group":
                {
                    var r = ml.RegisterModelGroup(Pick(inputs, "name", "description", "backend_roles", "access_mode", "add_all_backend_roles"), tenant, null);
                    if (!r.Ok) { throw Fail(r, "Failed to register model group"); }
                    Record(node.Type, "model_group_id", r.Id!);
                    output.Values["model_group_id"] = r.Id;
                    output.Values["model_group_status"] = "CREATED";
                    break;
                }
            case "deploy_model":
                {
                    var modelId = Json.AsText(inputs["model_id"])!;
                    var (r, deployed) = ml.StartDeploy(modelId, tenant, null);
                    if (!r.Ok) { throw Fail(r, $"Failed to deploy model {modelId}"); }
                    waitFor = deployed;
                    Record(node.Type, "model_id", modelId);
                    output.Values["model_id"] = modelId;
                    break;
                }
            case "create_tool":
                {
                    var tool = new JsonObject { ["type"] = Json.AsText(inputs["type"]) };
                    foreach (var key in new[] { "name", "description", "parameters", "attributes", "include_output_in_agent_response", "config" })
                    {
                        if (inputs[key] is JsonNode v) { tool[key] = v.DeepClone(); }
                    }
                    if (tool["parameters"] is JsonObject ps)
                    {
                        foreach (var key in new[] { "model_id", "agent_id" })
                        {
                            if (inputs[key] is JsonNode v && ps[key] is null) { ps[key] = Json.AsText(v); }
                        }
                    }
                    else
                    {
                        var ps2 = new JsonObject();
                        foreach (var key in new[] { "model_id", "agent_id" })
                        {
                            if (inputs[key] is JsonNode v) { ps2[key] = Json.AsText(v); }
                        }
                        if (ps2.Count > 0) { tool["parameters"] = ps2; }
                    }
                    output.Values["tools"] = tool;
                    break;
                }
            case "register_agent":
                {
                    var body = Pick(inputs, "name", "description", "type", "parameters", "memory", "app_type", "tools_order");
                    var llm = inputs["llm"] as JsonObject is { } l ? (JsonObject)l.DeepClone() : new JsonObject();
                    if (inputs["model_id"] is JsonNode modelId && llm["model_id"] is null) { llm["model_id"] = Json.AsText(modelId); }
                    if (inputs["llm.parameters"] is JsonNode lp) { llm["parameters"] = lp.DeepClone(); }
                    if (llm.Count > 0) { body["llm"] = llm; }
                    if (inputs["tools"] is JsonArray tools) { body["tools"] = tools.DeepClone(); }
                    var r = ml.RegisterAgent(body, tenant, null);
                    if (!r.Ok) { throw Fail(r, "Failed to register the agent"); }
                    Record(node.Type, "agent_id", r.Id!);
                    output.Values["agent_id"] = r.Id;
                    break;
                }
            case "create_index":
            case "update_index":
                {
                    var name = Json.AsText(inputs["index_name"])!;
                    var configurations = AsObject(inputs["configurations"], node.Id);
                    if (configurations["mappings"] is JsonObject m && m.ContainsKey("_doc"))
                    {
                        throw new WorkflowStepException($"Failed to create the index {name}, _doc is not permitted in mapping", 400);
                    }
                    var r = node.Type == "create_index" ? core.CreateIndex(name, configurations, null) : core.UpdateIndex(name, configurations);
                    if (!r.Ok) { throw Fail(r, $"Failed to create the index {name}"); }
                    // UpdateIndexStep records nothing: the create_index entry stays the index's only entry.
                    if (node.Type == "create_index") { Record(node.Type, "index_name", name); }
                    output.Values["index_name"] = name;
                    break;
                }
            case "create_ingest_pipeline":
            case "create_search_pipeline":
            case "update_ingest_pipeline":
            case "update_search_pipeline":
                {
                    var id = Json.AsText(inputs["pipeline_id"])!;
                    var search = node.Type.Contains("search", StringComparison.Ordinal);
                    var r = core.PutPipeline(search, id, AsObject(inputs["configurations"], node.Id), null, mustExist: node.Type.StartsWith("update", StringComparison.Ordinal));
                    if (!r.Ok) { throw Fail(r, $"Failed step {id}"); }
                    // Update*PipelineStep records nothing (only AbstractCreatePipelineStep calls addResourceToStateIndex).
                    if (node.Type.StartsWith("create_", StringComparison.Ordinal)) { Record(node.Type, "pipeline_id", id); }
                    output.Values["pipeline_id"] = id;
                    break;
                }
            case "reindex":
                {
                    var sources = (Json.AsText(inputs["source_index"]) ?? "").Split(',', StringSplitOptions.TrimEntries);
                    var dest = Json.AsText(inputs["destination_index"]) ?? "";
                    var missingSource = sources.FirstOrDefault(s => s.Length == 0 || !core.IndexExists(s));
                    if (missingSource is not null || dest.Length == 0)
                    {
                        throw new WorkflowStepException($"Failed to reindex from source [{string.Join(", ", sources)}] to {dest}", 404);
                    }
                    if (!core.IndexExists(dest))
                    {
                        core.CreateIndex(dest, null, null);
                    }
                    output.Values["reindex"] = dest;
                    break;
                }
            default:
                throw new FlowException($"Workflow step type [{node.Type}] is not implemented.", 501);
        }
        return output;
    }

    private static JsonObject AsObject(JsonNode? node, string nodeId)
    {
        switch (node)
        {
            case JsonObject o:
                return (JsonObject)o.DeepClone();
            case JsonValue v when v.TryGetValue<string>(out var s):
                try
                {
                    return JsonNode.Parse(s) as JsonObject ?? throw new WorkflowStepException($"Failed to parse configurations for node {nodeId}", 400);
                }
                catch (System.Text.Json.JsonException)
                {
                    throw new WorkflowStepException($"Failed to parse configurations for node {nodeId}", 400);
                }
            default:
                return [];
        }
    }

    private static JsonObject Pick(JsonObject inputs, params string[] keys)
    {
        var o = new JsonObject();
        foreach (var k in keys)
        {
            if (inputs[k] is JsonNode v) { o[k] = v.DeepClone(); }
        }
        return o;
    }
}
