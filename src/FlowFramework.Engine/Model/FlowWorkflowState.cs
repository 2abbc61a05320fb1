using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>A workflow's state document as the status API returns it.</summary>
    public sealed class FlowWorkflowState
    {
        public FlowWorkflowState(
            string workflowId,
            string? state,
            string? provisioningProgress,
            DateTimeOffset? provisionStartTime,
            DateTimeOffset? provisionEndTime,
            string? error,
            string? user,
            string? tenantId,
            IReadOnlyList<FlowResourceRecord>? resources)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            State = state;
            ProvisioningProgress = provisioningProgress;
            ProvisionStartTime = provisionStartTime;
            ProvisionEndTime = provisionEndTime;
            Error = error;
            User = user;
            TenantId = tenantId;
            Resources = resources ?? Array.Empty<FlowResourceRecord>();
        }

        public string WorkflowId { get; }

        /// <summary><c>NOT_STARTED</c>, <c>PROVISIONING</c>, <c>FAILED</c> or <c>COMPLETED</c>.</summary>
        public string? State { get; }

        /// <summary><c>NOT_STARTED</c>, <c>IN_PROGRESS</c>, <c>DONE</c> or <c>FAILED</c>; only with all=true.</summary>
        public string? ProvisioningProgress { get; }

        /// <summary>UTC; only with all=true.</summary>
        public DateTimeOffset? ProvisionStartTime { get; }

        /// <summary>UTC; only with all=true.</summary>
        public DateTimeOffset? ProvisionEndTime { get; }

        public string? Error { get; }

        /// <summary>The name of the user stored in the state; only with all=true.</summary>
        public string? User { get; }

        public string? TenantId { get; }

        /// <summary>The created resources in the server's stored order.</summary>
        public IReadOnlyList<FlowResourceRecord> Resources { get; }
    }
}
