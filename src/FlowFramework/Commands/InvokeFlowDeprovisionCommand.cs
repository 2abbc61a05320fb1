using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine;
using FlowFramework.Errors;

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
        private int? _allowedInFlight;
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

        /// <summary>Workflows deprovisioned at once; never more than the connection's cap (the server's deprovision pool max - 1).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 2;

        /// <summary>Once the server reports a workflow clean, delete the model groups it registered.</summary>
        [Parameter]
        public SwitchParameter IncludeModelGroups { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _deprovisioner = new FlowDeprovisioner(ActiveConnection.Client, new FlowDeprovisionOptions
            {
                MaxAttempts = MaxAttempts,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                IncludeModelGroups = IncludeModelGroups,
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

            foreach (var pattern in AllowDelete.Where(pattern => !_matchedPatterns.Contains(pattern)).Distinct(StringComparer.Ordinal))
            {
                WriteWarning(FlowErrors.UnmatchedAllowDelete(pattern));
            }
        }

        private List<Task> Unfinished() => _running.Where(job => !job.Completion.IsCompleted).Select(job => job.Completion).ToList();

        private void Start(string workflowId)
        {
            if (!_seen.Add(workflowId))
            {
                WriteVerbose($"Workflow '{workflowId}' was already handled in this run; skipping its later input.");
                return;
            }

            // Take a slot first: the plan's status read counts towards -ThrottleLimit too.
            // One snapshot of the unfinished jobs serves both the count and the wait: a job may finish between two passes.
            for (var busy = Unfinished(); busy.Count >= (_allowedInFlight ?? ThrottleLimit); busy = Unfinished())
            {
                Dispatcher.RunUntil(Task.WhenAny(busy));
            }

            FlowDeprovisionPreparation prepared;
            try
            {
                prepared = RunEngine(ct => _deprovisioner.PrepareAsync(workflowId, AllowDelete, ev => Dispatcher.Post(() => WriteVerbose(ev.Message)), ct));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (prepared.Plan is not FlowDeprovisionPlan plan)
            {
                WriteReport(prepared.Failure!);
                return;
            }

            _matchedPatterns.UnionWith(AllowDelete.Except(plan.UnmatchedPatterns, StringComparer.Ordinal));
            if (plan.AllowDelete.Count > 0)
            {
                WriteVerbose($"Workflow '{workflowId}': allow_delete will name {string.Join(", ", plan.AllowDelete)}.");
            }

            if (!Confirm(plan) || !LimitKnown())
            {
                return;
            }

            var job = new WorkflowJob(workflowId, _nextActivityId++, plan);
            WriteProgress(job.Progress("Starting", plan.Steps.Count));
            job.Completion = StartObserved(ct => RunJobAsync(job, ct));
            _running.Add(job);
        }

        /// <summary>
        /// Before the first deprovision: how many the connection lets be in flight (read once per connection). Asking
        /// for more is one warning, and the run goes on at the cap. False when the wait was cancelled.
        /// </summary>
        private bool LimitKnown()
        {
            if (_allowedInFlight is not null)
            {
                return true;
            }

            FlowDeprovisionLimit limit;
            try
            {
                limit = RunEngine(ct => ActiveConnection.Client.GetDeprovisionLimitAsync(ct));
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            if (ThrottleLimit > limit.Allowed)
            {
                WriteWarning(FlowErrors.ThrottleLimitCapped(ThrottleLimit, limit));
            }
            _allowedInFlight = Math.Min(ThrottleLimit, limit.Allowed);
            return true;
        }

        private bool Confirm(FlowDeprovisionPlan plan)
        {
            var target = $"workflow {plan.WorkflowId}";
            if (IsWhatIf)
            {
                if (plan.Steps.Count == 0)
                {
                    ShouldProcess($"Workflow {plan.WorkflowId} has no resources: deprovision would only reset its state.", null, null);
                }
                for (var n = 1; n <= plan.Steps.Count; n++)
                {
                    ShouldProcess($"Workflow {plan.WorkflowId}, step {n} of {plan.Steps.Count}: {DeprovisionPresentation.Describe(plan.Steps[n - 1], IncludeModelGroups)}", null, null);
                }
                return false;
            }

            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }
            // The prompt shows only the query, so the query lists the steps before it asks.
            var text = DeprovisionPresentation.Plan(plan, IncludeModelGroups, $"Deprovision {target}");
            return ShouldProcess(text, $"{text}{Environment.NewLine}Deprovision {target} and delete what it created?", "Confirm");
        }

        private async Task<bool> RunJobAsync(WorkflowJob job, CancellationToken ct)
        {
            try
            {
                var report = await _deprovisioner.RunAsync(job.Plan, ev => Dispatcher.Post(() => OnEvent(job, ev)), ct).ConfigureAwait(false);
                Dispatcher.Post(() =>
                {
                    WriteProgress(job.Completed());
                    WriteReport(report);
                });
            }
            catch (OperationCanceledException)
            {
                Dispatcher.Post(() => WriteProgress(job.Completed()));
            }
            catch (Exception ex)
            {
                // A defect, not a cluster answer: still one error for this workflow, and the others go on.
                Dispatcher.Post(() =>
                {
                    WriteProgress(job.Completed());
                    WriteError(FlowErrors.Unexpected(job.WorkflowId, ex));
                });
            }
            return true;
        }

        private void OnEvent(WorkflowJob job, FlowDeprovisionEvent ev)
        {
            WriteVerbose(ev.Message);
            if (ev.Kind == FlowDeprovisionEventKind.AttemptStarting)
            {
                WriteProgress(job.Progress($"Attempt {ev.Attempt}, {ev.Remaining} left", ev.Remaining));
            }
            else if (ev.Kind == FlowDeprovisionEventKind.RetryScheduled && ev.Delay is TimeSpan delay)
            {
                WriteProgress(job.Progress($"Attempt {ev.Attempt} done, {ev.Remaining} left; next in {delay.TotalSeconds:0.#} s", ev.Remaining));
            }
        }

        private void WriteReport(FlowDeprovisionReport report) => DeprovisionPresentation.WriteReport(this, report, PassThru);

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

            internal ProgressRecord Progress(string status, int remaining)
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
