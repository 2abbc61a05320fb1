using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Deprovisions one workflow in two steps: <see cref="PrepareAsync"/> reads the status and plans (so the caller
    /// can confirm the plan), <see cref="RunAsync"/> calls the server's <c>_deprovision</c> until everything it can
    /// delete is gone (architecture.md §4). Writes nothing itself: it reports through the event callback and the
    /// returned report.
    /// </summary>
    public sealed class FlowDeprovisioner
    {
        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;

        public FlowDeprovisioner(FlowApiClient client, FlowDeprovisionOptions? options)
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

            if (_options.WatchInterval <= TimeSpan.Zero || _options.WatchMaxInterval < _options.WatchInterval || _options.WatchReadsPerSecond < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "WatchInterval must be positive, WatchMaxInterval at least WatchInterval, and WatchReadsPerSecond at least 1.");
            }
        }

        /// <summary>
        /// Reads the status (all=true, riding out transient failures with the run's delays and limits) and plans from it,
        /// expanding <paramref name="allowDelete"/> (exact ids or wildcards) against the workflow's index and pipeline ids.
        /// A status that cannot be read gives a report instead of a plan; cancellation throws <see cref="OperationCanceledException"/>.
        /// </summary>
        public async Task<FlowDeprovisionPreparation> PrepareAsync(string workflowId, IEnumerable<string>? allowDelete, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            try
            {
                var state = await StateReader.ReadAsync(_client, _options, workflowId, onEvent, ct).ConfigureAwait(false);
                return new FlowDeprovisionPreparation(FlowDeprovisionPlan.Create(state, allowDelete), null);
            }
            catch (FlowApiException ex)
            {
                return new FlowDeprovisionPreparation(null, FlowDeprovisionReport.NotRun(workflowId, ex));
            }
        }

        /// <summary>
        /// Runs the deprovision loop for the plan's workflow. Errors of the cluster end up in the report;
        /// cancellation throws <see cref="OperationCanceledException"/>; an invalid id throws <see cref="FlowApiException"/>.
        /// </summary>
        public async Task<FlowDeprovisionReport> RunAsync(FlowDeprovisionPlan plan, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            if (plan is null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            WorkflowIdValidator.Validate(plan.WorkflowId);
            var report = await new DeprovisionRun(_client, _options, plan, onEvent).ExecuteAsync(ct).ConfigureAwait(false);
            return _options.IncludeModelGroups ? await ModelGroupCleanup.RunAsync(_client, _options, report, onEvent, ct).ConfigureAwait(false) : report;
        }
    }
}
