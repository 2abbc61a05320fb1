using System;
using System.Linq;
using System.Management.Automation;
using FlowFramework.Engine;

namespace FlowFramework.Errors
{
    /// <summary>
    /// The errors and warnings of the lifecycle cmdlets (list, create, provision, wait, remove), in the same voice as
    /// <see cref="FlowErrors"/>: constant ids, the workflow (or the template given) as target, the server's own text,
    /// and the next step as the recommended action.
    /// </summary>
    internal static class FlowLifecycleErrors
    {
        /// <summary>A template the module could not read or parse; nothing was sent.</summary>
        internal static ErrorRecord TemplateUnusable(string shown, string problem, Exception? inner = null) =>
            FlowErrors.Create(FlowErrorIds.InvalidTemplate, ErrorCategory.InvalidArgument, shown,
                $"Cannot use the template {shown}: {problem}",
                "Pass -Template a path to a JSON file, a JSON string, or a hashtable shaped like a Flow Framework template (name, workflows.provision.nodes); or use -UseCase <name>.",
                inner);

        /// <summary>The server refused to create the workflow: a 4xx keeps the server's text as the message.</summary>
        internal static ErrorRecord CreateFailed(FlowApiException ex, string shown, FlowConnection connection) =>
            Refused(ex, shown, connection, FlowErrorIds.InvalidTemplate, ErrorCategory.InvalidArgument, shown,
                "Fix what the server names. GET _plugins/_flow_framework/workflow/_steps lists every step type with its inputs; a use case needs its required -Parameter keys.");

        /// <summary>The server refused to start provisioning (usually: not NOT_STARTED).</summary>
        internal static ErrorRecord ProvisionFailed(FlowApiException ex, string workflowId, FlowConnection connection) =>
            Refused(ex, workflowId, connection, FlowErrorIds.ProvisionRejected, ErrorCategory.InvalidOperation, $"to provision workflow '{workflowId}'",
                $"A workflow is provisioned only from NOT_STARTED: deprovision it first (Invoke-FlowDeprovision {workflowId}). Check -Parameter keys against the template's ${{{{key}}}} placeholders.");

        /// <summary>A 4xx refusal in the server's own words; any other failure as every cmdlet words it.</summary>
        private static ErrorRecord Refused(FlowApiException ex, string target, FlowConnection connection, string errorId, ErrorCategory category, string what, string action) =>
            ex.Kind != FlowErrorKind.BadRequest
                ? FlowErrors.FromApiException(ex, target, connection)
                : FlowErrors.Create(errorId, category, target, $"The cluster at {connection.Uri} refused {what}{Status(ex)}: {ex.ServerMessage ?? ex.Message}", action, ex);

        /// <summary>The error for a wait that did not end COMPLETED; null when it did.</summary>
        internal static ErrorRecord? FromWait(FlowWaitReport report, FlowConnection connection)
        {
            var id = report.WorkflowId;
            var created = report.Status?.Resources.Length ?? 0;
            switch (report.Outcome)
            {
                case FlowWaitOutcome.Completed:
                    return null;
                case FlowWaitOutcome.Failed:
                    return FlowErrors.Create(FlowErrorIds.ProvisioningFailed, ErrorCategory.InvalidResult, id,
                        $"Provisioning of workflow '{id}' failed after creating {created} resource(s): {report.Status?.Error ?? "the server gave no error text"}",
                        $"Fix the cause the server names, then clean up what was created before provisioning again: Remove-FlowWorkflow {id} -Deprovision, or Invoke-FlowDeprovision {id} to keep the template.");
                case FlowWaitOutcome.NotProvisioning:
                    return FlowErrors.Create(FlowErrorIds.NotProvisioning, ErrorCategory.InvalidOperation, id,
                        $"Workflow '{id}' is NOT_STARTED: nothing is provisioning it, so there is nothing to wait for.",
                        $"Start provisioning and wait for it: Invoke-FlowProvision {id} -Wait.");
                case FlowWaitOutcome.TimedOut:
                    return FlowErrors.Create(FlowErrorIds.WaitTimedOut, ErrorCategory.OperationTimeout, id,
                        FormattableString.Invariant($"Workflow '{id}' is still {report.Status?.State ?? "PROVISIONING"} after {report.Elapsed.TotalSeconds:0} s ({created} resource(s) created so far)."),
                        $"Provisioning goes on on the server; wait longer with Wait-FlowWorkflow {id} -TimeoutSec <seconds>.");
                default:
                    return report.Error is null ? null : FlowErrors.FromApiException(report.Error, id, connection);
            }
        }

        /// <summary>A listing that could not answer everything: the objects come without it.</summary>
        internal static string CatalogNotice(FlowCatalogNotice notice)
        {
            var why = notice.Error is null ? string.Empty : " (" + (notice.Error.ServerMessage ?? notice.Error.Message) + ")";
            switch (notice.Kind)
            {
                case FlowCatalogNoticeKind.StatesUnreadable:
                    return $"The workflows' states could not be read{why}, so State is empty. Reading them needs cluster:admin/opensearch/flow_framework/workflow_state/search (flow_framework_read_access).";
                case FlowCatalogNoticeKind.TemplatesUnreadable:
                    return $"The templates could not be searched{why}, so HasTemplate is empty. It needs cluster:admin/opensearch/flow_framework/workflow/search (flow_framework_read_access).";
                default:
                    return FormattableString.Invariant($"The search stopped at the server's result window after {notice.Count} hits; narrow it (-Name, -UseCase, -State) to see the rest.");
            }
        }

        /// <summary>A listing (template or state search) that failed as a whole.</summary>
        internal static ErrorRecord SearchFailed(FlowApiException ex, string what, FlowConnection connection) =>
            ex.Kind == FlowErrorKind.Forbidden
                ? FlowErrors.Create(FlowErrorIds.AccessDenied, ErrorCategory.PermissionDenied, what,
                    $"Listing {what} on {connection.Uri} was denied{Status(ex)}. The server said: {ex.ServerMessage ?? ex.Message}",
                    "Use a user with the flow_framework_read_access (or full access) role, or the right -TenantId; or pass -WorkflowId to read single workflows.",
                    ex)
                : FlowErrors.FromApiException(ex, what, connection);

        /// <summary>After deleting a template whose state still lists resources: they are orphaned, not gone.</summary>
        internal static string Orphaned(string workflowId, int resources, bool clearStatus) =>
            clearStatus
                ? $"Workflow '{workflowId}': the template and the state are deleted, but its {resources} resource(s) were not: the server never deletes resources on delete, and nothing tracks them now. Next time remove with -Deprovision."
                : $"Workflow '{workflowId}': the template is deleted; its state still lists {resources} resource(s), which stay on the cluster. Find such workflows with Get-FlowWorkflowStatus -HasResources (HasTemplate False) and remove them with Invoke-FlowDeprovision {workflowId}.";

        /// <summary>Why Remove-FlowWorkflow -Deprovision kept the template.</summary>
        internal static string TemplateKept(string workflowId, TemplateRemovalReason reason) =>
            reason == TemplateRemovalReason.DeprovisionFailed
                ? $"Workflow '{workflowId}': the template is kept because the deprovision could not run."
                : $"Workflow '{workflowId}': the template is kept because resources are left (above); deleting it now would orphan them. Remove them, then run Remove-FlowWorkflow {workflowId} -Deprovision again (with -ClearStatus when only Missing ones are left).";

        /// <summary>A workflow with neither a template nor a state.</summary>
        internal static ErrorRecord NothingToRemove(string workflowId, FlowConnection connection) =>
            FlowErrors.Create(FlowErrorIds.WorkflowNotFound, ErrorCategory.ObjectNotFound, workflowId,
                $"Workflow '{workflowId}' has neither a template nor a state on {connection.Uri}.",
                "Check the id (ids are case-sensitive), the cluster and the tenant; Get-FlowWorkflow and Get-FlowWorkflowStatus -HasResources list what is there.");

        private static string Status(FlowApiException ex) => ex.StatusCode is int code ? FormattableString.Invariant($" (HTTP {code})") : string.Empty;
    }
}
