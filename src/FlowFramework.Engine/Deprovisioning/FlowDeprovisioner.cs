using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine.Internal;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Deprovisions one workflow: calls the server's <c>_deprovision</c> until everything it can delete is gone,
    /// waiting between attempts while resources are still going away (architecture.md §4). Writes nothing itself;
    /// it reports through the event callback and the returned outcome.
    /// </summary>
    public sealed class FlowDeprovisioner
    {
        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;

        public FlowDeprovisioner(FlowApiClient client, FlowDeprovisionOptions options)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _options = options ?? new FlowDeprovisionOptions();
            if (_options.MaxAttempts < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
            }

            if (_options.Timeout <= TimeSpan.Zero || _options.BaseDelay < TimeSpan.Zero || _options.MaxDelay < TimeSpan.Zero || _options.StallTimeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Timeout and StallTimeout must be positive; BaseDelay and MaxDelay must not be negative.");
            }
        }

        /// <summary>Reads the status (all=true) and plans from it.</summary>
        public async Task<FlowDeprovisionPlan> PlanAsync(string workflowId, IReadOnlyCollection<string> allowDeleteIds, CancellationToken ct)
        {
            var state = await _client.GetWorkflowStatusAsync(workflowId, true, ct).ConfigureAwait(false);
            return FlowDeprovisionPlan.FromState(state, allowDeleteIds);
        }

        /// <summary>
        /// Reads the status (all=true) for planning, retrying transient failures (429, 502-504, timeouts, resets)
        /// with the deprovision loop's delays and limits; any other failure is thrown as it came.
        /// </summary>
        public Task<FlowWorkflowState> ReadStateAsync(string workflowId, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct) =>
            new StateReader(_client, _options).ReadAsync(workflowId, onEvent, ct);

        /// <summary>
        /// Runs the retry loop for the plan's workflow. Errors of the cluster end up in the outcome;
        /// cancellation throws <see cref="OperationCanceledException"/>; an invalid id throws <see cref="FlowApiException"/>.
        /// </summary>
        public Task<FlowDeprovisionOutcome> RunAsync(FlowDeprovisionPlan plan, IReadOnlyCollection<string> allowDeleteIds, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            if (plan is null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            WorkflowIdValidator.Validate(plan.WorkflowId);
            return new DeprovisionRun(_client, _options, plan, allowDeleteIds, onEvent).ExecuteAsync(ct);
        }
    }
}
