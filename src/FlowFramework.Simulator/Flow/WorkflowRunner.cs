using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Flow;

/// <summary>How a provisioning run failed: the state's error text and the failing step's status.</summary>
internal sealed record ProvisionFailure(string Error, int Status);

/// <summary>Runs a sorted workflow as ProcessNode does: each node waits for its predecessors, then runs its step with
/// inputs from user_inputs, substitutions and predecessor outputs; independent branches run in parallel. The state
/// records each resource as its step completes and ends COMPLETED or FAILED.</summary>
internal sealed class WorkflowRunner(WorkflowIndices indices, ProvisionSteps steps, IHoldPoints holds)
{
    public Task<ProvisionFailure?> Start(string id, string? tenant, List<WorkflowNode> sorted, List<WorkflowEdge> edges,
        IReadOnlyDictionary<string, string> parameters, Dictionary<string, StepOutput> initialOutputs, List<WorkflowEdge>? inputEdges = null)
        => Task.Run(() => RunAsync(id, tenant, sorted, edges, parameters, initialOutputs, inputEdges ?? edges));

    private async Task<ProvisionFailure?> RunAsync(string id, string? tenant, List<WorkflowNode> sorted, List<WorkflowEdge> edges,
        IReadOnlyDictionary<string, string> parameters, Dictionary<string, StepOutput> initialOutputs, List<WorkflowEdge> inputEdges)
    {
        var outputs = new ConcurrentDictionary<string, StepOutput>(initialOutputs, StringComparer.Ordinal);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var node in sorted)
        {
            var predecessors = edges.Where(e => e.Dest == node.Id).Select(e => tasks[e.Source]).ToArray();
            tasks[node.Id] = Task.Run(async () =>
            {
                // Steps run beside each other: each makes its ids from its own seeded stream (when there is one).
                Ids.Stream = Ids.Stream?.Derive(node.Id);
                await Task.WhenAll(predecessors).ConfigureAwait(false);
                await Task.Delay(indices.Store.Config.ProvisionDelayMs).ConfigureAwait(false);
                await holds.WaitAsync(HoldPoint.ProvisionStep, id, CancellationToken.None).ConfigureAwait(false);
                var inputs = BuildInputs(node, inputEdges, outputs, parameters);
                outputs[node.Id] = await steps.ProvisionAsync(node, inputs, id, tenant, r => indices.AppendResource(id, r)).ConfigureAwait(false);
            });
        }
        var current = "";
        try
        {
            foreach (var node in sorted)
            {
                current = node.Id;
                await tasks[node.Id].ConfigureAwait(false);
            }
            indices.FinishProvision(id, null);
            return null;
        }
        catch (FlowException ex)
        {
            var error = $"{ex.KindName} during step {current}, {ex.Message}, restStatus: {FlowException.StatusName(ex.Status)}";
            indices.FinishProvision(id, error);
            return new ProvisionFailure(error, ex.Status);
        }
        catch (Exception ex)
        {
            var error = $"{ex.GetType().Name} during step {current}, restStatus: INTERNAL_SERVER_ERROR";
            indices.FinishProvision(id, error);
            return new ProvisionFailure(error, 500);
        }
    }

    private static JsonObject BuildInputs(WorkflowNode node, List<WorkflowEdge> edges, IReadOnlyDictionary<string, StepOutput> outputs, IReadOnlyDictionary<string, string> parameters)
    {
        var inputs = (JsonObject)ProvisionSteps.Substitute(node.UserInputs, outputs, parameters)!;
        var tools = new JsonArray();
        foreach (var e in edges.Where(e => e.Dest == node.Id))
        {
            if (!outputs.TryGetValue(e.Source, out var o)) { continue; }
            foreach (var (k, v) in o.Values)
            {
                if (k == "tools")
                {
                    tools.Add(v?.DeepClone());
                }
                else if (inputs[k] is null)
                {
                    inputs[k] = v is null ? null : JsonValue.Create(Json.AsText(v));
                }
            }
        }
        foreach (var (source, keyNode) in node.PreviousNodeInputs)
        {
            var key = Json.AsText(keyNode) ?? "";
            if (key != "tools" && outputs.TryGetValue(source, out var o) && o.Values.TryGetValue(key, out var v))
            {
                inputs[key] = JsonValue.Create(Json.AsText(v));
            }
        }
        if (tools.Count > 0 && inputs["tools"] is null)
        {
            inputs["tools"] = tools;
        }
        return inputs;
    }

    /// <summary>Waits for a run to end or the timeout to pass (wait_for_completion_timeout).</summary>
    public static async Task WaitAsync(Task run, TimeSpan timeout)
    {
        await Task.WhenAny(run, Task.Delay(timeout)).ConfigureAwait(false);
    }
}
