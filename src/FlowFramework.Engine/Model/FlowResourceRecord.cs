using System;

namespace FlowFramework.Engine
{
    /// <summary>
    /// One entry of a workflow's <c>resources_created</c>, with what the catalogue knows about it and,
    /// after a deprovision, what happened to it. Immutable; use <see cref="With"/> to derive a changed copy.
    /// </summary>
    public sealed class FlowResourceRecord
    {
        public FlowResourceRecord(
            string workflowId,
            string stepName,
            string stepId,
            string resourceType,
            string resourceId,
            string? deprovisionStep,
            bool requiresAllowDelete,
            bool retainedByServer,
            FlowResourceStatus status = FlowResourceStatus.Present,
            string? reason = null,
            int attempts = 0)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            StepName = stepName ?? string.Empty;
            StepId = stepId ?? string.Empty;
            ResourceType = resourceType ?? string.Empty;
            ResourceId = resourceId ?? string.Empty;
            DeprovisionStep = deprovisionStep;
            RequiresAllowDelete = requiresAllowDelete;
            RetainedByServer = retainedByServer;
            Status = status;
            Reason = reason;
            Attempts = attempts;
        }

        /// <summary>
        /// Builds a record for a state entry, filling the deprovision step and flags from <see cref="FlowStepCatalogue"/>.
        /// An unknown step name gets a null <see cref="DeprovisionStep"/> (the server cannot deprovision it).
        /// </summary>
        public static FlowResourceRecord FromCatalogue(string workflowId, string stepName, string stepId, string resourceType, string resourceId)
        {
            var step = FlowStepCatalogue.Find(stepName);
            return new FlowResourceRecord(
                workflowId,
                stepName,
                stepId,
                resourceType,
                resourceId,
                step?.DeprovisionStep,
                step?.RequiresAllowDelete ?? false,
                step?.RetainedByServer ?? false);
        }

        public string WorkflowId { get; }

        /// <summary>The provisioning step type, e.g. <c>create_connector</c>.</summary>
        public string StepName { get; }

        /// <summary>The template node id.</summary>
        public string StepId { get; }

        public string ResourceType { get; }

        public string ResourceId { get; }

        /// <summary>The server's deprovision step for this entry, e.g. <c>undeploy_model</c>; null when the step is unknown.</summary>
        public string? DeprovisionStep { get; }

        public bool RequiresAllowDelete { get; }

        public bool RetainedByServer { get; }

        public FlowResourceStatus Status { get; }

        /// <summary>Why the resource is where it is, in a sentence a user can act on.</summary>
        public string? Reason { get; }

        /// <summary>How many deprovision attempts this resource survived.</summary>
        public int Attempts { get; }

        /// <summary>The resource's (type, id) as the server names it.</summary>
        public FlowResourceKey Key => new FlowResourceKey(ResourceType, ResourceId);

        /// <summary>A copy with the given fields changed; arguments left null keep their value.</summary>
        public FlowResourceRecord With(FlowResourceStatus? status = null, string? reason = null, int? attempts = null) =>
            new FlowResourceRecord(
                WorkflowId,
                StepName,
                StepId,
                ResourceType,
                ResourceId,
                DeprovisionStep,
                RequiresAllowDelete,
                RetainedByServer,
                status ?? Status,
                reason ?? Reason,
                attempts ?? Attempts);

        /// <summary>A copy with no reason.</summary>
        public FlowResourceRecord WithoutReason() =>
            new FlowResourceRecord(WorkflowId, StepName, StepId, ResourceType, ResourceId, DeprovisionStep, RequiresAllowDelete, RetainedByServer, Status, null, Attempts);

        internal bool SameEntry(FlowResourceRecord other) =>
            string.Equals(StepName, other.StepName, StringComparison.Ordinal)
            && string.Equals(StepId, other.StepId, StringComparison.Ordinal)
            && string.Equals(ResourceType, other.ResourceType, StringComparison.Ordinal)
            && string.Equals(ResourceId, other.ResourceId, StringComparison.Ordinal);

        public override string ToString() => (DeprovisionStep ?? StepName) + " " + ResourceType + " " + ResourceId + " (" + Status + ")";
    }
}
