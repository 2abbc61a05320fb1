using System;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Reads a workflow's status before planning, riding out the same transient failures (429, 502-504, timeouts,
    /// resets) that the deprovision loop rides out: a runbook should not give up on a workflow because one status
    /// read met a busy cluster. Same delays (exponential with jitter, capped, at least Retry-After), same limits.
    /// </summary>
    internal static class StateReader
    {
        internal static Task<FlowWorkflowStatus> ReadAsync(FlowApiClient client, FlowDeprovisionOptions options, string workflowId, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct) =>
            PatientRequest.SendAsync(options, workflowId, token => client.GetWorkflowStatusAsync(workflowId, true, token), DeprovisionWording.StatusReadRetry, onEvent, ct);
    }
}
