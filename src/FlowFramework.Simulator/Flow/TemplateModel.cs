using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Flow;

internal sealed record WorkflowNode(string Id, string Type, JsonObject PreviousNodeInputs, JsonObject UserInputs);

internal sealed record WorkflowEdge(string Source, string Dest);

/// <summary>Parses and normalises templates the way Template.parse does, and validates workflows like
/// WorkflowProcessSorter (denylist, graph shape, known step types, required inputs).</summary>
internal static class TemplateModel
{
    private static readonly string[] TemplateFields =
        ["name", "description", "use_case", "version", "workflows", "ui_metadata", "user", "created_time", "last_updated_time", "last_provisioned_time", "tenant_id", "all_shared_principals"];

    private static readonly string[] UpdatableFields = ["name", "description", "use_case", "version", "ui_metadata"];

    /// <summary>Returns the normalised template: name, description, use_case, version, workflows, ui_metadata.</summary>
    public static JsonObject Parse(JsonObject body, bool updateFields)
    {
        var result = new JsonObject();
        foreach (var (field, value) in body)
        {
            if (!TemplateFields.Contains(field))
            {
                throw new FlowException($"Unable to parse field [{field}] in a template object.", 400);
            }
            if (updateFields && !UpdatableFields.Contains(field))
            {
                throw new FlowException($"You can not update the field [{field}] without updating the whole template.", 400);
            }
        }
        if (!updateFields && string.IsNullOrEmpty(Json.AsText(body["name"])))
        {
            throw new FlowException("A template object requires a name.", 400);
        }
        if (body["name"] is not null) { result["name"] = Json.AsText(body["name"])!.Trim(); }
        if (body["description"] is not null || !updateFields) { result["description"] = (Json.AsText(body["description"]) ?? "").Trim(); }
        if (body["use_case"] is not null || !updateFields) { result["use_case"] = (Json.AsText(body["use_case"]) ?? "").Trim(); }
        if (body["version"] is JsonObject version)
        {
            var v = new JsonObject();
            foreach (var (k, val) in version)
            {
                if (k == "template") { v["template"] = Json.AsText(val); }
                else if (k == "compatibility") { v["compatibility"] = val is JsonArray a ? Json.Array(a.Select(x => Json.AsText(x) ?? "")) : new JsonArray(); }
                else { throw new FlowException($"Unable to parse field [{k}] in a version object.", 400); }
            }
            if (v.Count > 0) { result["version"] = v; }
        }
        if (!updateFields)
        {
            var workflows = new JsonObject();
            if (body["workflows"] is JsonObject wfs)
            {
                foreach (var (name, wf) in wfs)
                {
                    workflows[name] = ParseWorkflow(wf as JsonObject ?? throw new FlowException("Unable to parse workflows.", 400));
                }
            }
            result["workflows"] = workflows;
        }
        if (body["ui_metadata"] is JsonObject ui && ui.Count > 0)
        {
            result["ui_metadata"] = ui.DeepClone();
        }
        return result;
    }

    private static JsonObject ParseWorkflow(JsonObject wf)
    {
        var userParams = new JsonObject();
        var nodes = new List<WorkflowNode>();
        var edges = new List<WorkflowEdge>();
        foreach (var (field, value) in wf)
        {
            switch (field)
            {
                case "user_params":
                    foreach (var (k, v) in value as JsonObject ?? []) { userParams[k] = Json.AsText(v); }
                    break;
                case "nodes":
                    foreach (var n in value as JsonArray ?? []) { nodes.Add(ParseNode(n as JsonObject ?? [])); }
                    break;
                case "edges":
                    foreach (var e in value as JsonArray ?? []) { edges.Add(ParseEdge(e as JsonObject ?? [])); }
                    break;
                default:
                    // Workflow.parse skips fields it does not know.
                    break;
            }
        }
        if (nodes.Count == 0)
        {
            throw new FlowException("A workflow must have at least one node.", 400);
        }
        foreach (var inferred in nodes.SelectMany(n => n.PreviousNodeInputs.Select(p => new WorkflowEdge(p.Key, n.Id))).Distinct().ToList())
        {
            if (!edges.Contains(inferred)) { edges.Add(inferred); }
        }
        var nodeArray = new JsonArray();
        foreach (var n in nodes)
        {
            nodeArray.Add(new JsonObject
            {
                ["id"] = n.Id,
                ["type"] = n.Type,
                ["previous_node_inputs"] = n.PreviousNodeInputs,
                ["user_inputs"] = n.UserInputs,
            });
        }
        var edgeArray = new JsonArray();
        foreach (var e in edges) { edgeArray.Add(new JsonObject { ["source"] = e.Source, ["dest"] = e.Dest }); }
        return new JsonObject { ["user_params"] = userParams, ["nodes"] = nodeArray, ["edges"] = edgeArray };
    }

    private static WorkflowNode ParseNode(JsonObject n)
    {
        string? id = null, type = null;
        var previous = new JsonObject();
        var inputs = new JsonObject();
        foreach (var (field, value) in n)
        {
            switch (field)
            {
                case "id": id = Json.AsText(value); break;
                case "type": type = Json.AsText(value); break;
                case "previous_node_inputs":
                    foreach (var (k, v) in value as JsonObject ?? []) { previous[k] = Json.AsText(v); }
                    break;
                case "user_inputs":
                    foreach (var (k, v) in value as JsonObject ?? []) { inputs[k] = v?.DeepClone(); }
                    break;
                default:
                    throw new FlowException($"Unable to parse field [{field}] in a node object.", 400);
            }
        }
        if (id is null || type is null)
        {
            throw new FlowException("An node object requires both an id and type field.", 400);
        }
        return new WorkflowNode(id, type, previous, inputs);
    }

    private static WorkflowEdge ParseEdge(JsonObject e)
    {
        string? source = null, dest = null;
        foreach (var (field, value) in e)
        {
            switch (field)
            {
                case "source": source = Json.AsText(value); break;
                case "dest": dest = Json.AsText(value); break;
                default: throw new FlowException($"Unable to parse field [{field}] in an edge object.", 400);
            }
        }
        if (source is null || dest is null)
        {
            throw new FlowException("An edge object requires both a source and dest field.", 400);
        }
        return new WorkflowEdge(source, dest);
    }

    public static List<WorkflowNode> Nodes(JsonObject workflow)
        => (workflow["nodes"] as JsonArray ?? []).OfType<JsonObject>().Select(n => new WorkflowNode(
            Json.AsText(n["id"])!, Json.AsText(n["type"])!,
            n["previous_node_inputs"] as JsonObject ?? [], n["user_inputs"] as JsonObject ?? [])).ToList();

    public static List<WorkflowEdge> Edges(JsonObject workflow)
        => (workflow["edges"] as JsonArray ?? []).OfType<JsonObject>().Select(e => new WorkflowEdge(Json.AsText(e["source"])!, Json.AsText(e["dest"])!)).ToList();

    /// <summary>Validates every workflow of a template (create with validation=all).</summary>
    public static void ValidateAll(JsonObject template)
    {
        foreach (var (_, wf) in template["workflows"] as JsonObject ?? [])
        {
            Validate((JsonObject)wf!);
        }
    }

    /// <summary>Sorts and validates one workflow; returns nodes in topological order.</summary>
    public static List<WorkflowNode> Validate(JsonObject workflow)
    {
        var nodes = Nodes(workflow);
        var edges = Edges(workflow);
        if (nodes.Count > 50)
        {
            throw new FlowException(Invariant($"Workflow null has {nodes.Count} nodes, which exceeds the maximum of 50. Change the setting [plugins.flow_framework.max_workflow_steps] to increase this."), 400);
        }
        foreach (var n in nodes.Where(n => StepCatalogue.Denylist.Contains(n.Type)))
        {
            throw new FlowException($"The step type [{n.Type}] for node [{n.Id}] can not be used in a workflow.", 403);
        }
        var sorted = TopologicalSort(nodes, edges);
        foreach (var n in sorted)
        {
            if (StepCatalogue.Find(n.Type) is null)
            {
                throw new FlowException($"Workflow step type [{n.Type}] is not implemented.", 501);
            }
        }
        foreach (var n in sorted)
        {
            var predecessorOutputs = edges.Where(e => e.Dest == n.Id).SelectMany(e => StepCatalogue.Find(sorted.First(s => s.Id == e.Source).Type)!.Outputs);
            var all = predecessorOutputs.Concat(n.UserInputs.Select(kv => kv.Key)).ToHashSet();
            var missing = StepCatalogue.Find(n.Type)!.Inputs.Where(i => !all.Contains(i)).ToList();
            if (missing.Count > 0)
            {
                throw new FlowException($"Invalid workflow, node [{n.Id}] missing the following required inputs : [{string.Join(", ", missing)}]", 400);
            }
        }
        ValidateFieldValues(sorted);
        return sorted;
    }

    /// <summary>The ML Commons steps whose name and description are checked, with the label used in the message
    /// (WorkflowProcessSorter.ML_COMMONS_VALIDATED_STEPS).</summary>
    private static readonly Dictionary<string, string> ValidatedSteps = new(StringComparer.Ordinal)
    {
        ["create_connector"] = "Model connector",
        ["register_remote_model"] = "Model",
        ["register_local_custom_model"] = "Model",
        ["register_local_sparse_encoding_model"] = "Model",
        ["register_local_pretrained_model"] = "Model",
        ["register_model_group"] = "Model group",
    };

    private const string SafeInputDescription = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")";

    /// <summary>WorkflowProcessSorter.validateFieldValues: string names (required) and descriptions (optional) of ML
    /// Commons steps must be safe text (ML Commons StringUtils.validateFields). The errors are listed in the order of
    /// the Java HashMap that collects them, in core's "Validation Failed: 1: ...;" format.</summary>
    public static void ValidateFieldValues(IEnumerable<WorkflowNode> sorted)
    {
        var fields = new List<(string Key, string Value, bool Required)>();
        foreach (var n in sorted)
        {
            if (!ValidatedSteps.TryGetValue(n.Type, out var label)) { continue; }
            if (n.UserInputs["name"] is JsonValue nv && nv.TryGetValue<string>(out var name))
            {
                fields.Add(($"{label} name [node {n.Id}]", name, true));
            }
            if (n.UserInputs["description"] is JsonValue dv && dv.TryGetValue<string>(out var description))
            {
                fields.Add(($"{label} description [node {n.Id}]", description, false));
            }
        }
        var errors = new List<string>();
        foreach (var (key, value, required) in JavaHashMapOrder(fields))
        {
            if (required)
            {
                if (IsBlank(value)) { errors.Add($"{key} is required and cannot be null or blank"); }
                else if (!MatchesSafePattern(value)) { errors.Add($"{key} {SafeInputDescription}"); }
            }
            else if (!IsBlank(value) && !MatchesSafePattern(value))
            {
                errors.Add($"{key} {SafeInputDescription}");
            }
        }
        if (errors.Count > 0)
        {
            var message = new System.Text.StringBuilder("Validation Failed: ");
            for (var i = 0; i < errors.Count; i++) { message.Append(i + 1).Append(": ").Append(errors[i]).Append(';'); }
            throw new FlowException(message.ToString(), 400);
        }
    }

    /// <summary>Iteration order of a java.util.HashMap filled with these keys in this order (bucket index of the
    /// spread String.hashCode in the final table, then insertion order within a bucket).</summary>
    private static IEnumerable<(string Key, string Value, bool Required)> JavaHashMapOrder(List<(string Key, string Value, bool Required)> entries)
    {
        var capacity = 16;
        while (entries.Count > capacity * 3 / 4) { capacity *= 2; }
        static int Bucket(string key, int capacity)
        {
            var h = 0;
            foreach (var c in key) { h = unchecked((31 * h) + c); }
            h ^= (int)((uint)h >> 16);
            return h & (capacity - 1);
        }
        return entries.Select((e, i) => (e, i)).OrderBy(x => Bucket(x.e.Key, capacity)).ThenBy(x => x.i).Select(x => x.e);
    }

    /// <summary>Java's String.isBlank (every code point is Character.isWhitespace).</summary>
    private static bool IsBlank(string value)
    {
        foreach (var r in value.EnumerateRunes())
        {
            var v = r.Value;
            var whitespace = v is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x1F)
                || (Rune.GetUnicodeCategory(r) is System.Globalization.UnicodeCategory.SpaceSeparator
                    or System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator
                    && v is not (0xA0 or 0x2007 or 0x202F));
            if (!whitespace) { return false; }
        }
        return true;
    }

    /// <summary>ML Commons' SAFE_INPUT_PATTERN <c>^[\p{L}\p{N}\s.,!?():@\-_/'"]*$</c>, with Java's ASCII-only <c>\s</c>.</summary>
    private static bool MatchesSafePattern(string value)
    {
        foreach (var r in value.EnumerateRunes())
        {
            if (r.Value < 128 && " \t\n\u000B\f\r.,!?():@-_/'\"".Contains((char)r.Value, StringComparison.Ordinal)) { continue; }
            switch (Rune.GetUnicodeCategory(r))
            {
                case System.Globalization.UnicodeCategory.UppercaseLetter:
                case System.Globalization.UnicodeCategory.LowercaseLetter:
                case System.Globalization.UnicodeCategory.TitlecaseLetter:
                case System.Globalization.UnicodeCategory.ModifierLetter:
                case System.Globalization.UnicodeCategory.OtherLetter:
                case System.Globalization.UnicodeCategory.DecimalDigitNumber:
                case System.Globalization.UnicodeCategory.LetterNumber:
                case System.Globalization.UnicodeCategory.OtherNumber:
                    continue;
                default:
                    return false;
            }
        }
        return true;
    }

    public static List<WorkflowNode> TopologicalSort(List<WorkflowNode> nodes, List<WorkflowEdge> edges)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            if (!ids.Add(n.Id)) { throw new FlowException($"Duplicate node id {n.Id}.", 400); }
        }
        foreach (var e in edges)
        {
            if (!ids.Contains(e.Source)) { throw new FlowException($"Edge source {e.Source} does not correspond to a node.", 400); }
            if (!ids.Contains(e.Dest)) { throw new FlowException($"Edge destination {e.Dest} does not correspond to a node.", 400); }
            if (e.Source == e.Dest) { throw new FlowException($"Edge connects node {e.Source} to itself.", 400); }
        }
        var incoming = nodes.ToDictionary(n => n.Id, n => edges.Where(e => e.Dest == n.Id).ToHashSet());
        var queue = new Queue<WorkflowNode>(nodes.Where(n => incoming[n.Id].Count == 0));
        if (queue.Count == 0)
        {
            throw new FlowException("No start node detected: all nodes have a predecessor.", 400);
        }
        var sorted = new List<WorkflowNode>();
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            sorted.Add(n);
            foreach (var e in edges.Where(e => e.Source == n.Id))
            {
                var set = incoming[e.Dest];
                set.Remove(e);
                if (set.Count == 0) { queue.Enqueue(nodes.First(x => x.Id == e.Dest)); }
            }
        }
        if (incoming.Values.Any(s => s.Count > 0))
        {
            var graph = string.Join(", ", incoming.Where(kv => kv.Value.Count > 0).Select(kv => $"{kv.Key}=[{string.Join(", ", kv.Value.Select(e => $"{e.Source}->{e.Dest}"))}]"));
            throw new FlowException($"Cycle detected: {{{graph}}}", 400);
        }
        return sorted;
    }
}
