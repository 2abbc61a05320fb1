using System;
using System.Collections.Generic;
using System.Management.Automation;
using FlowFramework.Completion;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Deletes workflows' templates. With -Deprovision it first runs the deprovision engine (as Invoke-FlowDeprovision)
    /// and deletes the template only when nothing but retained resources is left; otherwise the leftovers come out
    /// exactly as from Invoke-FlowDeprovision and the template stays. -ClearStatus sends clear_status=true.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "FlowWorkflow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = DeleteSet)]
    [OutputType(typeof(FlowResource))]
    public sealed class RemoveFlowWorkflowCommand : FlowConnectedCmdletBase
    {
        private const string DeleteSet = "Delete";
        private const string DeprovisionSet = "Deprovision";

        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private FlowDeprovisioner _deprovisioner = null!;
        private int _nextActivityId = 1;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(WorkflowIdCompleter))]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Deprovision first; delete the template only when nothing but retained resources is left.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DeprovisionSet)]
        public SwitchParameter Deprovision { get; set; }

        /// <summary>Index and pipeline ids (or wildcards) the server may delete. Never taken from piped objects.</summary>
        [Parameter(ParameterSetName = DeprovisionSet)]
        [ValidateNotNull]
        public string[] AllowDelete { get; set; } = Array.Empty<string>();

        /// <summary>Once the workflow is clean, delete the model groups it registered.</summary>
        [Parameter(ParameterSetName = DeprovisionSet)]
        public SwitchParameter IncludeModelGroups { get; set; }

        /// <summary>Sends clear_status=true: the state is deleted with the template, even when it lists resources.</summary>
        [Parameter]
        public SwitchParameter ClearStatus { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _deprovisioner = new FlowDeprovisioner(ActiveConnection.Client, new FlowDeprovisionOptions { IncludeModelGroups = IncludeModelGroups });
        }

        protected override void ProcessRecord()
        {
            foreach (var id in WorkflowId)
            {
                if (!_seen.Add(id))
                {
                    continue;
                }

                try
                {
                    if (Deprovision)
                    {
                        RemoveDeprovisioned(id);
                    }
                    else
                    {
                        RemoveTemplate(id);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (FlowApiException ex)
                {
                    WriteApiError(ex, id);
                }
            }
        }

        /// <summary>Without -Deprovision: the server deletes the template (and the state only when it is empty or with clear_status).</summary>
        private void RemoveTemplate(string id)
        {
            FlowWorkflowStatus? status = null;
            try
            {
                status = RunEngine(ct => ActiveConnection.Client.GetWorkflowStatusAsync(id, false, ct));
            }
            catch (FlowApiException ex) when (ex.Kind == FlowErrorKind.NotFound)
            {
                // No state: only a template, if anything.
            }

            var resources = status?.Resources.Length ?? 0;
            var description = resources == 0
                ? $"Delete workflow {id}{(ClearStatus ? " and its state" : string.Empty)}."
                : FormattableString.Invariant($"Delete the template of workflow {id}. Its state lists {resources} resource(s); they stay on the cluster") + (ClearStatus ? ", untracked (clear_status deletes the state too)." : ", and so does the state (remove with -Deprovision to delete them).");
            if (!Confirmed(description, $"Delete workflow {id}?"))
            {
                return;
            }

            var found = RunEngine(ct => ActiveConnection.Client.DeleteWorkflowAsync(id, ClearStatus, ct));
            if (!found && status is null)
            {
                WriteError(FlowLifecycleErrors.NothingToRemove(id, ActiveConnection));
                return;
            }

            WriteVerbose(found ? $"Deleted the template of workflow {id}." : $"Workflow {id} had no template (only a state).");
            if (resources > 0)
            {
                WriteWarning(FlowLifecycleErrors.Orphaned(id, resources, ClearStatus));
            }
        }

        /// <summary>With -Deprovision: deprovision, then delete the template only when nothing that needs tracking is left.</summary>
        private void RemoveDeprovisioned(string id)
        {
            var prepared = RunEngine(ct => _deprovisioner.PrepareAsync(id, AllowDelete, ev => Dispatcher.Post(() => WriteVerbose(ev.Message)), ct));
            FlowDeprovisionReport report;
            if (prepared.Plan is FlowDeprovisionPlan plan)
            {
                var description = DeprovisionPresentation.Plan(plan, IncludeModelGroups, $"Deprovision workflow {id}")
                    + Environment.NewLine + $"Then delete its template{(ClearStatus ? " and state" : string.Empty)}, if nothing but retained resources is left.";
                if (!Confirmed(description, $"Deprovision and delete workflow {id}?"))
                {
                    return;
                }

                report = Run(plan);
            }
            else
            {
                report = prepared.Failure!;
                if (report.Result.Status == FlowDeprovisionStatus.NotFound && !Confirmed($"Delete the template of workflow {id} (it has no state, so nothing to deprovision).", $"Delete workflow {id}?"))
                {
                    return;
                }
            }

            var decision = TemplateRemoval.Decide(report.Result, ClearStatus);
            if (!TemplateRemoval.Deletes(decision))
            {
                DeprovisionPresentation.WriteReport(this, report, false);
                WriteVerbose(FlowLifecycleErrors.TemplateKept(id, decision));
                return;
            }

            if (FlowErrors.RetainedWarning(report.Result) is string retained)
            {
                WriteWarning(retained);
            }

            var found = RunEngine(ct => ActiveConnection.Client.DeleteWorkflowAsync(id, ClearStatus, ct));
            if (!found && decision == TemplateRemovalReason.NoState)
            {
                WriteError(FlowLifecycleErrors.NothingToRemove(id, ActiveConnection));
                return;
            }

            WriteVerbose(found ? $"Deleted the template of workflow {id}." : $"Workflow {id} had no template left to delete.");
            if (decision == TemplateRemovalReason.OnlyMissingWithClearStatus)
            {
                WriteWarning(FlowLifecycleErrors.Orphaned(id, report.Result.Remaining.Length, clearStatus: true));
            }
        }

        private FlowDeprovisionReport Run(FlowDeprovisionPlan plan)
        {
            var activity = new Activity(_nextActivityId++, $"Removing workflow {plan.WorkflowId}");
            WriteProgress(activity.Record("Deprovisioning"));
            try
            {
                return RunEngine(ct => _deprovisioner.RunAsync(plan, ev => Dispatcher.Post(() =>
                {
                    WriteVerbose(ev.Message);
                    if (ev.Kind == FlowDeprovisionEventKind.AttemptStarting)
                    {
                        WriteProgress(activity.Record(FormattableString.Invariant($"Deprovision attempt {ev.Attempt}, {ev.Remaining} left")));
                    }
                }), ct));
            }
            finally
            {
                WriteProgress(activity.Completed());
            }
        }

        /// <summary>
        /// ShouldProcess, except that -Force (without -Confirm) does not ask; -WhatIf never changes anything. The prompt
        /// shows only the query, so the query carries the description before it asks.
        /// </summary>
        private bool Confirmed(string description, string question)
        {
            if (Force && !IsWhatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            return ShouldProcess(description, description + Environment.NewLine + question, "Confirm");
        }
    }
}
