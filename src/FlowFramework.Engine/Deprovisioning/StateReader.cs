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
        internal static async Task<FlowWorkflowStatus> ReadAsync(FlowApiClient client, FlowDeprovisionOptions options, string workflowId, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            var time = options.TimeProvider ?? TimeProvider.System;
            var delays = new RetryDelay(options);
            var started = time.GetTimestamp();
            var reads = 0;
            var retry = new TransientRetry(
                time,
                options.MaxAttempts,
                ex => ex.IsTransient,
                ex => RetryDecision.Decide(new RunState(AttemptOutcome.Transient, reads, options.MaxAttempts, time.GetElapsedTime(started), options.Timeout, delays.After(reads))
                {
                    RetryAfter = ex.RetryAfter,
                }),
                (ex, delay) => onEvent?.Invoke(new FlowDeprovisionEvent(workflowId, FlowDeprovisionEventKind.RetryScheduled, 0, 0, delay,
                    $"Workflow {workflowId}: {DeprovisionWording.StatusReadRetry(ex, delay)}")));
            return await retry.ExecuteAsync(
                token =>
                {
                    reads++;
                    return client.GetWorkflowStatusAsync(workflowId, true, token);
                },
                ct).ConfigureAwait(false);
        }
    }
}
