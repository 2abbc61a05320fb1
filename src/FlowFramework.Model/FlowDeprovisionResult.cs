using System;

namespace FlowFramework
{
    /// <summary>How a workflow's deprovision ended.</summary>
    public enum FlowDeprovisionStatus
    {
        /// <summary>Everything the server deletes is gone; the workflow is back to NOT_STARTED.</summary>
        Deprovisioned,
        /// <summary>Some resources still failed (or are missing) when the retries stopped.</summary>
        Partial,
        /// <summary>Only indices or pipelines that need -AllowDelete are left.</summary>
        NeedsAllowDelete,
        /// <summary>The cluster has no state for this workflow id.</summary>
        NotFound,
        /// <summary>The deprovision could not run (access, authentication, an unusable answer).</summary>
        Failed,
    }

    /// <summary>The outcome of Invoke-FlowDeprovision for one workflow (with -PassThru).</summary>
    public sealed class FlowDeprovisionResult
    {
        internal FlowDeprovisionResult(string workflowId, FlowDeprovisionStatus status, int attempts, TimeSpan duration,
            FlowResource[]? deprovisioned = null, FlowResource[]? remaining = null, FlowResource[]? retained = null, string[]? allowDeleteSent = null)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            Status = status;
            Attempts = attempts;
            Duration = duration;
            Deprovisioned = deprovisioned ?? new FlowResource[0];
            Remaining = remaining ?? new FlowResource[0];
            Retained = retained ?? new FlowResource[0];
            AllowDeleteSent = allowDeleteSent ?? new string[0];
        }

        public string WorkflowId { get; }

        public FlowDeprovisionStatus Status { get; }

        /// <summary>How many deprovision requests were sent.</summary>
        public int Attempts { get; }

        public TimeSpan Duration { get; }

        /// <summary>What the server deleted or undeployed.</summary>
        public FlowResource[] Deprovisioned { get; }

        /// <summary>What is still there: failed or missing resources, those that need -AllowDelete, or all of them when the run could not start.</summary>
        public FlowResource[] Remaining { get; }

        /// <summary>What the server dropped from the workflow without deleting (model groups).</summary>
        public FlowResource[] Retained { get; }

        /// <summary>The index and pipeline ids sent as allow_delete.</summary>
        public string[] AllowDeleteSent { get; }

        public override string ToString() => WorkflowId + " " + Status;
    }
}
