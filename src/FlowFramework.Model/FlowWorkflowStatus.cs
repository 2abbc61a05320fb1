using System;

namespace FlowFramework
{
    /// <summary>A workflow's provisioning state as the server reports it.</summary>
    public sealed class FlowWorkflowStatus
    {
        internal FlowWorkflowStatus(string workflowId, string? state, string? provisioningProgress, DateTimeOffset? provisionStartTime,
            DateTimeOffset? provisionEndTime, string? error, string? user, string? tenantId, FlowResource[]? resources, bool? hasTemplate = null)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            State = state;
            ProvisioningProgress = provisioningProgress;
            ProvisionStartTime = provisionStartTime;
            ProvisionEndTime = provisionEndTime;
            Error = error;
            User = user;
            TenantId = tenantId;
            Resources = resources ?? new FlowResource[0];
            HasTemplate = hasTemplate;
        }

        public string WorkflowId { get; }

        /// <summary>NOT_STARTED, PROVISIONING, FAILED or COMPLETED.</summary>
        public string? State { get; }

        /// <summary>NOT_STARTED, IN_PROGRESS, DONE or FAILED (only with -All).</summary>
        public string? ProvisioningProgress { get; }

        /// <summary>UTC (only with -All).</summary>
        public DateTimeOffset? ProvisionStartTime { get; }

        /// <summary>UTC (only with -All).</summary>
        public DateTimeOffset? ProvisionEndTime { get; }

        public string? Error { get; }

        /// <summary>The user who provisioned (or last deprovisioned) it (only with -All).</summary>
        public string? User { get; }

        public string? TenantId { get; }

        /// <summary>The resources the workflow created, in the server's stored order.</summary>
        public FlowResource[] Resources { get; }

        /// <summary>
        /// Whether the workflow's template still exists: False for an orphaned state (its template was deleted, its
        /// resources were not); null when the templates could not be read.
        /// </summary>
        public bool? HasTemplate { get; }

        /// <summary>A copy that says whether the template exists.</summary>
        internal FlowWorkflowStatus WithTemplate(bool? hasTemplate) =>
            new FlowWorkflowStatus(WorkflowId, State, ProvisioningProgress, ProvisionStartTime, ProvisionEndTime, Error, User, TenantId, Resources, hasTemplate);

        public override string ToString() => WorkflowId + " " + State;
    }
}
