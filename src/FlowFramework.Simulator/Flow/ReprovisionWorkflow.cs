using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Flow;

/// <summary>ReprovisionWorkflowTransportAction with WorkflowProcessSorter#createReprovisionSequence: a DONE or FAILED
/// workflow runs the nodes the stored template lacks, and update steps for changed index and pipeline nodes; removing
/// or retyping a node is refused.</summary>
internal sealed class ReprovisionWorkflow(WorkflowIndices indices, WorkflowRunner runner)
{
    private static readonly string[] Updatable = ["create_index", "create_ingest_pipeline", "create_search_pipeline"];

    public Task<ProvisionFailure?> Start(string id, string? tenant, JsonObject newTemplate)
    {
        var store = indices.Store;
        var doc = indices.GetTemplateDoc(id, tenant);
        JsonObject oldWorkflow, newWorkflow;
        List<ResourceCreated> resources;
        lock (store.Gate)
        {
            var state = store.Data.States.GetValueOrDefault(id);
            if (state is null || (state.Progress != "DONE" && state.Progress != "FAILED"))
            {
                throw new FlowException($"The template can not be reprovisioned unless its provisioning state is DONE or FAILED: {id}", 400);
            }
            oldWorkflow = (JsonObject)((doc.Template["workflows"] as JsonObject)?["provision"]?.DeepClone() ?? new JsonObject());
            newWorkflow = (JsonObject)((newTemplate["workflows"] as JsonObject)?["provision"]?.DeepClone()
                ?? throw new FlowException("Workflow Step deletion is not supported when reprovisioning a template.", 400));
            resources = [.. state.Resources];
        }
        var oldNodes = TemplateModel.Nodes(oldWorkflow);
        var sorted = TemplateModel.Validate(newWorkflow);
        var newById = sorted.ToDictionary(n => n.Id);
        if (oldNodes.Any(o => !newById.TryGetValue(o.Id, out var n) || n.Type != o.Type))
        {
            throw new FlowException("Workflow Step deletion is not supported when reprovisioning a template.", 400);
        }
        var oldIds = oldNodes.Select(n => n.Id).ToHashSet();
        var changed = oldNodes.Where(o => newById[o.Id].UserInputs.ToJsonString() != o.UserInputs.ToJsonString()
            || newById[o.Id].PreviousNodeInputs.ToJsonString() != o.PreviousNodeInputs.ToJsonString()).ToList();
        if (changed.FirstOrDefault(c => !Updatable.Contains(c.Type)) is { } fixedNode)
        {
            throw new FlowException($"Workflow Step {fixedNode.Id} does not support updates when reprovisioning.", 400);
        }
        var added = sorted.Where(n => !oldIds.Contains(n.Id)).ToList();
        if (added.Count == 0 && changed.Count == 0)
        {
            throw new FlowException("Template does not contain any modifications", 400);
        }
        // Outputs of nodes that already ran come from the resources they recorded.
        var known = new Dictionary<string, StepOutput>(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            var output = known.TryGetValue(r.StepId, out var existing) ? existing : known[r.StepId] = new StepOutput();
            output.Values[r.ResourceType] = r.ResourceId;
        }
        var toRun = added.Concat(changed.Select(c => newById[c.Id] with { Type = c.Type.Replace("create_", "update_", StringComparison.Ordinal) })).ToList();
        var runOrder = sorted.Select(s => toRun.FirstOrDefault(t => t.Id == s.Id)).OfType<WorkflowNode>().ToList();
        lock (store.Gate)
        {
            var state = store.Data.States[id];
            state.State = "PROVISIONING";
            state.Progress = "IN_PROGRESS";
            state.StartTime = Ids.NowMs();
            state.Error = null;
            doc.Template = newTemplate;
            doc.Updated = Ids.NowMs();
            doc.LastProvisioned = Ids.NowMs();
            doc.SeqNo = store.NextSeqNo();
            store.Commit();
        }
        var allEdges = TemplateModel.Edges(newWorkflow);
        var runEdges = allEdges.Where(e => runOrder.Any(n => n.Id == e.Dest) && runOrder.Any(n => n.Id == e.Source)).ToList();
        return runner.Start(id, tenant, runOrder, runEdges, new Dictionary<string, string>(), known, allEdges);
    }
}
