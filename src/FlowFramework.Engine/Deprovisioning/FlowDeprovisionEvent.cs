using System;

namespace FlowFramework.Engine
{
    public enum FlowDeprovisionEventKind
    {
        AttemptStarting,
        AttemptFinished,
        RetryScheduled,
        Stopped,
        Diagnostic,
    }

    /// <summary>A step of the retry loop, worded for Write-Verbose.</summary>
    public sealed class FlowDeprovisionEvent
    {
        public FlowDeprovisionEvent(string workflowId, FlowDeprovisionEventKind kind, int attempt, int remaining, TimeSpan? delay, string message)
        {
            WorkflowId = workflowId;
            Kind = kind;
            Attempt = attempt;
            Remaining = remaining;
            Delay = delay;
            Message = message;
        }

        public string WorkflowId { get; }

        public FlowDeprovisionEventKind Kind { get; }

        /// <summary>1-based attempt the event belongs to (for RetryScheduled: the attempt that just ended).</summary>
        public int Attempt { get; }

        /// <summary>Resources known to be left (planned ones before the first answer).</summary>
        public int Remaining { get; }

        /// <summary>The wait before the next attempt (RetryScheduled only).</summary>
        public TimeSpan? Delay { get; }

        public string Message { get; }

        public override string ToString() => Message;
    }
}
