using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>
    /// How one workflow's deprovision ended: the public result, and the facts the module needs to word its error
    /// (whether the time limit stopped it, the error that stopped it, the server's last text).
    /// </summary>
    public sealed class FlowDeprovisionReport
    {
        internal FlowDeprovisionReport(FlowDeprovisionResult result, bool timedOut, FlowApiException? error, string? serverMessage, IReadOnlyList<string>? allowDeleteNeeded = null)
        {
            Result = result;
            TimedOut = timedOut;
            Error = error;
            ServerMessage = serverMessage;
            AllowDeleteNeeded = allowDeleteNeeded ?? Array.Empty<string>();
        }

        /// <summary>
        /// The workflow's pipelines, not allowed to be deleted, that use a model left behind (ML Commons' safe delete):
        /// allowing them lets the model go too.
        /// </summary>
        public IReadOnlyList<string> AllowDeleteNeeded { get; }

        public FlowDeprovisionResult Result { get; }

        public string WorkflowId => Result.WorkflowId;

        /// <summary>The run stopped because the next attempt would have started after the time limit.</summary>
        public bool TimedOut { get; }

        /// <summary>The error that stopped the run, or the last transient one when the retries ran out; null on success.</summary>
        public FlowApiException? Error { get; }

        /// <summary>The server's last deprovision text (the 202/403 message) or error text.</summary>
        public string? ServerMessage { get; }

        /// <summary>A workflow whose run never started because its status could not be read.</summary>
        internal static FlowDeprovisionReport NotRun(string workflowId, FlowApiException error) =>
            new FlowDeprovisionReport(
                new FlowDeprovisionResult(workflowId, error.Kind == FlowErrorKind.NotFound ? FlowDeprovisionStatus.NotFound : FlowDeprovisionStatus.Failed, 0, TimeSpan.Zero),
                false,
                error,
                error.ServerMessage);
    }

    /// <summary>What preparing a deprovision gave: the plan to confirm and run, or the report of why there is none.</summary>
    public sealed class FlowDeprovisionPreparation
    {
        internal FlowDeprovisionPreparation(FlowDeprovisionPlan? plan, FlowDeprovisionReport? failure)
        {
            Plan = plan;
            Failure = failure;
        }

        /// <summary>Null when the status could not be read.</summary>
        public FlowDeprovisionPlan? Plan { get; }

        /// <summary>Set when the status could not be read (NotFound or Failed, with the error).</summary>
        public FlowDeprovisionReport? Failure { get; }
    }
}
