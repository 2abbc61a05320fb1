using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Flow;

/// <summary>ProvisionWorkflowTransportAction: checks the state is NOT_STARTED, validates the provision workflow (as
/// WorkflowProcessSorter does), marks the state PROVISIONING and runs the nodes in the background.</summary>
internal sealed class ProvisionWorkflow(WorkflowIndices indices, WorkflowRunner runner)
{
    /// <summary>Checks and starts provisioning; returns the run (its failure, or null when it completes).</summary>
    public Task<ProvisionFailure?> Start(string id, string? tenant, IReadOnlyDictionary<string, string> parameters)
    {
        var store = indices.Store;
        var doc = indices.GetTemplateDoc(id, tenant);
        JsonObject workflow;
        lock (store.Gate)
        {
            workflow = (JsonObject)((doc.Template["workflows"] as JsonObject)?["provision"]?.DeepClone()
                ?? throw new FlowException($"Provisioning failed. Workflow {id} does not contain a provision workflow.", 400));
        }
        var sorted = TemplateModel.Validate(workflow);
        var edges = TemplateModel.Edges(workflow);
        lock (store.Gate)
        {
            var state = store.Data.States.GetValueOrDefault(id);
            if (state is null || state.Progress != "NOT_STARTED")
            {
                throw new FlowException($"The workflow provisioning state is {state?.Progress ?? "unknown"} and can not be provisioned unless its state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.", 400);
            }
            state.State = "PROVISIONING";
            state.Progress = "IN_PROGRESS";
            state.StartTime = Ids.NowMs();
            state.Resources = [];
            doc.LastProvisioned = Ids.NowMs();
            doc.SeqNo = store.NextSeqNo();
            indices.Touch(state);
        }
        return runner.Start(id, tenant, sorted, edges, parameters, new Dictionary<string, StepOutput>());
    }

    /// <summary>The answer to a (re)provision request: the id at once, or with <c>wait_for_completion_timeout</c> the
    /// state after the run or the timeout. A run that fails in time answers its error with the step's status
    /// (Provision/ReprovisionWorkflowTransportAction#executeWorkflowSync).</summary>
    public async Task<OpResult> AnswerAsync(string id, string? tenant, Task<ProvisionFailure?> run, TimeSpan? timeout, CancellationToken ct)
    {
        if (timeout is null)
        {
            return OpResult.Success(new JsonObject { ["workflow_id"] = id });
        }
        await WorkflowRunner.WaitAsync(run, timeout.Value).WaitAsync(ct);
        if (run.IsCompletedSuccessfully && run.Result is { } failure)
        {
            return OpResult.Flow(failure.Status, failure.Error);
        }
        return OpResult.Success(indices.StateView(id, tenant, all: false));
    }
}
