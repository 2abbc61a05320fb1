using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    public enum FlowDeprovisionStatus
    {
        /// <summary>Everything the server deletes is gone.</summary>
        Deprovisioned,
        /// <summary>Some resources still fail to delete.</summary>
        Partial,
        /// <summary>Only indices or pipelines that need allow_delete are left.</summary>
        NeedsAllowDelete,
        /// <summary>The workflow has no state on the cluster.</summary>
        NotFound,
        /// <summary>The run stopped on an error (see <see cref="FlowDeprovisionOutcome.Error"/>).</summary>
        Failed,
    }

    /// <summary>How one workflow's deprovision run ended.</summary>
    public sealed class FlowDeprovisionOutcome
    {
        public FlowDeprovisionOutcome(
            string workflowId,
            FlowDeprovisionStatus status,
            int attempts,
            TimeSpan duration,
            IReadOnlyList<FlowResourceRecord>? deprovisioned,
            IReadOnlyList<FlowResourceRecord>? remaining,
            IReadOnlyList<FlowResourceRecord>? retained,
            IReadOnlyList<string>? allowDeleteSent,
            bool timedOut,
            FlowApiException? error,
            string? serverMessage)
        {
            WorkflowId = workflowId;
            Status = status;
            Attempts = attempts;
            Duration = duration;
            Deprovisioned = deprovisioned ?? Array.Empty<FlowResourceRecord>();
            Remaining = remaining ?? Array.Empty<FlowResourceRecord>();
            Retained = retained ?? Array.Empty<FlowResourceRecord>();
            AllowDeleteSent = allowDeleteSent ?? Array.Empty<string>();
            TimedOut = timedOut;
            Error = error;
            ServerMessage = serverMessage;
        }

        public string WorkflowId { get; }

        public FlowDeprovisionStatus Status { get; }

        /// <summary>Deprovision requests sent.</summary>
        public int Attempts { get; }

        public TimeSpan Duration { get; }

        /// <summary>Planned entries the server deleted or undeployed (Status Deprovisioned).</summary>
        public IReadOnlyList<FlowResourceRecord> Deprovisioned { get; }

        /// <summary>Leftovers: Failed ones with a Reason, NeedsAllowDelete ones, or Present ones never tried (run failed first).</summary>
        public IReadOnlyList<FlowResourceRecord> Remaining { get; }

        /// <summary>Model groups and reindex results the server dropped without deleting (Status Retained).</summary>
        public IReadOnlyList<FlowResourceRecord> Retained { get; }

        public IReadOnlyList<string> AllowDeleteSent { get; }

        /// <summary>The run stopped because the next attempt would have started after the deadline.</summary>
        public bool TimedOut { get; }

        /// <summary>The error that stopped the run, or the last transient error when retries ran out.</summary>
        public FlowApiException? Error { get; }

        /// <summary>The server's last deprovision message (202/403 text) or error text.</summary>
        public string? ServerMessage { get; }
    }
}
