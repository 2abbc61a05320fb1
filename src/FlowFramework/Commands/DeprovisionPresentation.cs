using System;
using System.Linq;
using System.Management.Automation;
using System.Text;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// How a deprovision shows in PowerShell, shared by Invoke-FlowDeprovision and Remove-FlowWorkflow -Deprovision so
    /// both say the same thing: each planned step in the confirmation, and what a run left (leftovers, the retained
    /// warning, the error).
    /// </summary>
    internal static class DeprovisionPresentation
    {
        /// <summary>The confirmation text: every step in the server's order, and the allow_delete ids.</summary>
        internal static string Plan(FlowDeprovisionPlan plan, bool includeModelGroups, string heading)
        {
            var text = new StringBuilder(heading + FormattableString.Invariant($": {plan.Steps.Count} step(s) in this order:"));
            foreach (var step in plan.Steps)
            {
                text.Append(Environment.NewLine + "  " + Describe(step, includeModelGroups));
            }

            if (plan.AllowDelete.Count > 0)
            {
                text.Append($"{Environment.NewLine}allow_delete: {string.Join(", ", plan.AllowDelete)}");
            }

            return text.ToString();
        }

        /// <summary>One planned step as ShouldProcess shows it, in the server's words plus what the cmdlet adds.</summary>
        internal static string Describe(FlowPlannedStep step, bool includeModelGroups)
        {
            var resource = step.Resource;
            switch (step.Action)
            {
                case FlowPlannedAction.RetainedByServer when includeModelGroups && resource.ResourceType == "model_group_id":
                    return $"delete {resource} once the workflow is clean (DELETE _plugins/_ml/model_groups/{resource.ResourceId})";
                case FlowPlannedAction.RetainedByServer:
                    return $"keep {resource} (the server drops it from the state without deleting it)";
                case FlowPlannedAction.NeedsAllowDelete:
                    return $"skip {resource.DeprovisionStep} {resource} (needs -AllowDelete {resource.ResourceId})";
                default:
                    return step.IsUnknownStep ? $"(unknown step {resource.StepName}) {resource} (the server cannot deprovision it)" : $"{resource.DeprovisionStep} {resource} (delete)";
            }
        }

        /// <summary>
        /// Writes what a workflow's run left: the leftovers, the warning about retained resources, its error, and with
        /// <paramref name="passThru"/> the result. Rejected credentials end the command.
        /// </summary>
        internal static void WriteReport(FlowConnectedCmdletBase cmdlet, FlowDeprovisionReport report, bool passThru)
        {
            foreach (var leftover in report.Result.Remaining.Where(r => report.Result.Status != FlowDeprovisionStatus.NotFound))
            {
                cmdlet.WriteObject(leftover);
            }

            if (FlowErrors.RetainedWarning(report.Result) is string retained)
            {
                cmdlet.WriteWarning(retained);
            }

            if (passThru)
            {
                cmdlet.WriteObject(report.Result);
            }

            if (FlowErrors.FromReport(report, cmdlet.ActiveConnection) is ErrorRecord error)
            {
                cmdlet.WriteFailure(error, report.Error);
            }
        }
    }
}
