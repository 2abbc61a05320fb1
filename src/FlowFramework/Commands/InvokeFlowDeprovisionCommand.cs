using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine;
using FlowFramework.Internal;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Deprovisions workflows with retries and writes what is left as FlowResource objects.
    /// </summary>
    /// <remarks>
    /// Piped objects of one workflow are gathered into one deprovision: a workflow starts once its id stops
    /// repeating in the input (or at the end of input). Distinct workflows run concurrently up to
    /// -ThrottleLimit; their messages and results are queued and written by the pipeline thread.
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Invoke, "FlowDeprovision", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FlowResource), typeof(FlowDeprovisionResult))]
    public sealed class InvokeFlowDeprovisionCommand : FlowConnectedCmdletBase
    {
        private readonly List<WorkflowJob> _running = new List<WorkflowJob>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _matchedPatterns = new HashSet<string>(StringComparer.Ordinal);
        private string? _pending;
        private int _nextActivityId = 1;
        private FlowDeprovisioner _deprovisioner = null!;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Index and pipeline ids (or wildcards) the server may delete. Never taken from piped objects.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] AllowDelete { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateRange(1, 1000)]
        public int MaxAttempts { get; set; } = 10;

        /// <summary>Time limit for each workflow's whole run, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 300;

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        private bool IsWhatIf =>
            (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && LanguagePrimitives.IsTrue(value))
            || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _deprovisioner = new FlowDeprovisioner(ActiveConnection.Client, new FlowDeprovisionOptions
            {
                MaxAttempts = MaxAttempts,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            });
        }

        protected override void ProcessRecord()
        {
            foreach (var id in WorkflowId)
            {
                if (_pending != null && string.Equals(_pending, id, StringComparison.Ordinal))
                {
                    continue;
                }
                if (_pending != null)
                {
                    Start(_pending);
                }
                _pending = id;
            }
            Dispatcher.Drain();
        }

        protected override void EndProcessing()
        {
            if (_pending != null)
            {
                Start(_pending);
                _pending = null;
            }
            Dispatcher.RunUntil(Task.WhenAll(_running.Select(job => job.Completion)));

            var unmatched = AllowDelete.Where(pattern => !_matchedPatterns.Contains(pattern)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var pattern in unmatched)
            {
                WriteWarning($"-AllowDelete '{pattern}' matched no index or pipeline id of the workflows processed, so it allowed nothing. Ids are matched exactly and case-sensitively; see the ResourceId of the NeedsAllowDelete leftovers.");
            }
        }

        private void Start(string workflowId)
        {
            if (!_seen.Add(workflowId))
            {
                WriteVerbose($"Workflow '{workflowId}' was already handled in this run; skipping its later input.");
                return;
            }

            // Take a slot first: the plan's status read counts towards -ThrottleLimit too.
            while (_running.Count(job => !job.Completion.IsCompleted) >= ThrottleLimit)
            {
                Dispatcher.RunUntil(Task.WhenAny(_running.Where(job => !job.Completion.IsCompleted).Select(job => job.Completion)));
            }

            FlowWorkflowState state;
            try
            {
                state = RunEngine(ct => _deprovisioner.ReadStateAsync(workflowId, ev => Dispatcher.Post(() => WriteVerbose(ev.Message)), ct));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (FlowApiException ex)
            {
                WriteFailure(workflowId, ex, attempts: 0);
                return;
            }

            var expansion = FlowDeprovisionPlan.ExpandAllowDelete(state, AllowDelete);
            foreach (var pattern in AllowDelete.Except(expansion.UnmatchedPatterns, StringComparer.Ordinal))
            {
                _matchedPatterns.Add(pattern);
            }
            var plan = FlowDeprovisionPlan.FromState(state, expansion.Ids);
            if (expansion.Ids.Count > 0)
            {
                WriteVerbose($"Workflow '{workflowId}': allow_delete will name {string.Join(", ", expansion.Ids)}.");
            }

            if (!Confirm(plan, expansion.Ids))
            {
                return;
            }

            var job = new WorkflowJob(workflowId, _nextActivityId++, plan);
            WriteProgress(job.Progress("Starting", 0, plan.Steps.Count));
            job.Completion = StartObserved(ct => RunJobAsync(job, expansion.Ids, ct));
            _running.Add(job);
        }

        private bool Confirm(FlowDeprovisionPlan plan, IReadOnlyList<string> allowDeleteIds)
        {
            var target = $"workflow {plan.WorkflowId}";
            if (IsWhatIf)
            {
                if (plan.Steps.Count == 0)
                {
                    ShouldProcess($"Workflow {plan.WorkflowId} has no resources: deprovision would only reset its state.", null, null);
                }
                var n = 0;
                foreach (var step in plan.Steps)
                {
                    n++;
                    ShouldProcess($"Workflow {plan.WorkflowId}, step {n} of {plan.Steps.Count}: {Describe(step)}", null, null);
                }
                return false;
            }

            var confirmAsked = MyInvocation.BoundParameters.ContainsKey("Confirm");
            if (Force && !confirmAsked)
            {
                return true;
            }
            var text = new StringBuilder();
            text.Append($"Deprovision {target}: {plan.Steps.Count} step(s) in this order:");
            foreach (var step in plan.Steps)
            {
                text.Append($"{Environment.NewLine}  {Describe(step)}");
            }
            if (allowDeleteIds.Count > 0)
            {
                text.Append($"{Environment.NewLine}allow_delete: {string.Join(", ", allowDeleteIds)}");
            }
            return ShouldProcess(text.ToString(), $"Deprovision {target} and delete what it created?", "Confirm");
        }

        // The engine's description already says why a step is skipped or kept; only deletions need the word.
        private static string Describe(FlowPlannedStep step) =>
            step.Action == FlowPlannedAction.Delete ? step.Description + " (delete)" : step.Description;

        private async Task<bool> RunJobAsync(WorkflowJob job, IReadOnlyList<string> allowDeleteIds, CancellationToken ct)
        {
            try
            {
                var outcome = await _deprovisioner.RunAsync(job.Plan, allowDeleteIds, ev => Dispatcher.Post(() => OnEvent(job, ev)), ct).ConfigureAwait(false);
                Dispatcher.Post(() => WriteOutcome(job, outcome));
            }
            catch (OperationCanceledException)
            {
                Dispatcher.Post(() => WriteProgress(job.Completed()));
            }
            catch (FlowApiException ex)
            {
                Dispatcher.Post(() =>
                {
                    WriteProgress(job.Completed());
                    WriteFailure(job.WorkflowId, ex, 0);
                });
            }
            catch (Exception ex)
            {
                // A defect, not a cluster answer: still one error for this workflow, and the others go on.
                Dispatcher.Post(() =>
                {
                    WriteProgress(job.Completed());
                    WriteError(FlowErrors.Create(FlowErrorIds.RequestFailed, ErrorCategory.NotSpecified, job.WorkflowId,
                        $"Deprovisioning workflow '{job.WorkflowId}' failed unexpectedly: {ex.GetType().Name}: {ex.Message}",
                        "Run again with -Verbose; if it repeats, report it with the Verbose output.", ex));
                });
            }
            return true;
        }

        private void OnEvent(WorkflowJob job, FlowDeprovisionEvent ev)
        {
            WriteVerbose(ev.Message);
            if (ev.Kind == FlowDeprovisionEventKind.AttemptStarting)
            {
                WriteProgress(job.Progress($"Attempt {ev.Attempt}, {ev.Remaining} left", ev.Attempt, ev.Remaining));
            }
            else if (ev.Kind == FlowDeprovisionEventKind.RetryScheduled && ev.Delay is TimeSpan delay)
            {
                WriteProgress(job.Progress($"Attempt {ev.Attempt} done, {ev.Remaining} left; next in {delay.TotalSeconds:0.#} s", ev.Attempt, ev.Remaining));
            }
        }

        private void WriteOutcome(WorkflowJob job, FlowDeprovisionOutcome outcome)
        {
            WriteProgress(job.Completed());
            foreach (var leftover in outcome.Remaining)
            {
                WriteObject(OutputMapper.ToResource(leftover));
            }

            if (outcome.Retained.Count > 0)
            {
                var names = string.Join(", ", outcome.Retained.Select(r => $"{r.ResourceType} {r.ResourceId}"));
                WriteWarning($"Workflow '{outcome.WorkflowId}': the server dropped {names} from the workflow without deleting it. Delete it through ML Commons (DELETE /_plugins/_ml/model_groups/<id>) if nothing else uses it.");
            }

            switch (outcome.Status)
            {
                case FlowFramework.Engine.FlowDeprovisionStatus.Partial:
                    // A registered and deployed model is two state entries but one resource, as in the server's own message.
                    var failed = outcome.Remaining.Where(r => r.Status == FlowFramework.Engine.FlowResourceStatus.Failed)
                        .Select(r => $"{r.ResourceType} {r.ResourceId}").Distinct(StringComparer.Ordinal).ToList();
                    WriteError(FlowErrors.Create(FlowErrorIds.DeprovisionIncomplete,
                        outcome.TimedOut ? ErrorCategory.OperationTimeout : ErrorCategory.ResourceBusy, outcome.WorkflowId,
                        $"Workflow '{outcome.WorkflowId}' still has {failed.Count} resource(s) the server could not delete after {outcome.Attempts} attempt(s){(outcome.TimedOut ? " and the time limit" : string.Empty)}: {string.Join(", ", failed)}.{(string.IsNullOrEmpty(outcome.ServerMessage) ? string.Empty : " Last answer: " + outcome.ServerMessage)}",
                        "Read each leftover's Reason, fix the cause (a deployed model, a connector still used, missing ML Commons delete rights), then pipe the leftovers back: $left | Invoke-FlowDeprovision -Force. Raise -TimeoutSec or -MaxAttempts to wait longer."));
                    break;
                case FlowFramework.Engine.FlowDeprovisionStatus.NeedsAllowDelete:
                    var ids = outcome.Remaining.Where(r => r.Status == FlowFramework.Engine.FlowResourceStatus.NeedsAllowDelete).Select(r => r.ResourceId).Distinct(StringComparer.Ordinal).ToList();
                    WriteError(FlowErrors.Create(FlowErrorIds.DeprovisionNeedsAllowDelete, ErrorCategory.InvalidOperation, outcome.WorkflowId,
                        $"Workflow '{outcome.WorkflowId}' is deprovisioned except {string.Join(", ", outcome.Remaining.Select(r => $"{r.ResourceType} {r.ResourceId}").Distinct(StringComparer.Ordinal))}, which the server deletes only with explicit permission.",
                        $"If they should go, run: $left | Invoke-FlowDeprovision -AllowDelete {string.Join(",", ids.Select(QuoteIfNeeded))} -Force"));
                    break;
                case FlowFramework.Engine.FlowDeprovisionStatus.NotFound:
                case FlowFramework.Engine.FlowDeprovisionStatus.Failed:
                    if (outcome.Error != null)
                    {
                        WriteFailure(outcome.WorkflowId, outcome.Error, outcome.Attempts, outcome);
                        return;
                    }
                    break;
            }

            if (PassThru)
            {
                WriteObject(OutputMapper.ToResult(outcome));
            }
        }

        private static string QuoteIfNeeded(string id) =>
            id.IndexOfAny(new[] { ' ', ',', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '@', '#', '&', '|', '<', '>' }) >= 0
                ? "'" + id.Replace("'", "''") + "'"
                : id;

        private void WriteFailure(string workflowId, FlowApiException ex, int attempts, FlowDeprovisionOutcome? outcome = null)
        {
            var record = FlowErrors.FromApiException(ex, workflowId, ActiveConnection);
            if (PassThru)
            {
                WriteObject(outcome != null
                    ? OutputMapper.ToResult(outcome)
                    : new FlowDeprovisionResult(workflowId,
                        ex.Kind == FlowErrorKind.NotFound ? FlowFramework.FlowDeprovisionStatus.NotFound : FlowFramework.FlowDeprovisionStatus.Failed,
                        attempts, TimeSpan.Zero, Array.Empty<FlowResource>(), Array.Empty<FlowResource>(), Array.Empty<FlowResource>(), Array.Empty<string>()));
            }
            if (FlowErrors.IsConnectionFatal(ex))
            {
                StopProcessing();
                ThrowTerminatingError(record);
            }
            WriteError(record);
        }

        private sealed class WorkflowJob
        {
            internal WorkflowJob(string workflowId, int activityId, FlowDeprovisionPlan plan)
            {
                WorkflowId = workflowId;
                ActivityId = activityId;
                Plan = plan;
            }

            internal string WorkflowId { get; }

            internal int ActivityId { get; }

            internal FlowDeprovisionPlan Plan { get; }

            internal Task Completion { get; set; } = Task.CompletedTask;

            internal ProgressRecord Progress(string status, int attempt, int remaining)
            {
                var total = Math.Max(Plan.Steps.Count, 1);
                return new ProgressRecord(ActivityId, $"Deprovisioning workflow {WorkflowId}", status)
                {
                    PercentComplete = Math.Max(0, Math.Min(100, (total - remaining) * 100 / total)),
                };
            }

            internal ProgressRecord Completed() =>
                new ProgressRecord(ActivityId, $"Deprovisioning workflow {WorkflowId}", "Done") { RecordType = ProgressRecordType.Completed };
        }
    }
}
