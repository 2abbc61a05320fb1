using System;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// One request outside the deprovision loop (the status read before the plan, a model group delete after it) that
    /// rides out the same transient failures the loop rides out (429, 502-504, timeouts, resets), with the same delays
    /// (exponential with jitter, capped, at least Retry-After) and limits.
    /// </summary>
    internal static class PatientRequest
    {
        /// <param name="describeRetry">The Verbose sentence (without the workflow prefix) before each wait.</param>
        internal static async Task<T> SendAsync<T>(FlowDeprovisionOptions options, string workflowId, Func<CancellationToken, Task<T>> request,
            Func<FlowApiException, TimeSpan, string> describeRetry, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            var time = options.TimeProvider ?? TimeProvider.System;
            var delays = new RetryDelay(options);
            var started = time.GetTimestamp();
            var sent = 0;
            var retry = new TransientRetry(
                time,
                options.MaxAttempts,
                ex => ex.IsTransient,
                ex => RetryDecision.Decide(new RunState(AttemptOutcome.Transient, sent, options.MaxAttempts, time.GetElapsedTime(started), options.Timeout, delays.After(sent))
                {
                    RetryAfter = ex.RetryAfter,
                }),
                (ex, delay) => onEvent?.Invoke(new FlowDeprovisionEvent(workflowId, FlowDeprovisionEventKind.RetryScheduled, 0, 0, delay,
                    $"Workflow {workflowId}: {describeRetry(ex, delay)}")));
            return await retry.ExecuteAsync(
                token =>
                {
                    sent++;
                    return request(token);
                },
                ct).ConfigureAwait(false);
        }
    }
}
