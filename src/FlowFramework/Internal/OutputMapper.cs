using System.Linq;
using FlowFramework.Engine;

namespace FlowFramework.Internal
{
    /// <summary>Engine records to the module's public output types.</summary>
    internal static class OutputMapper
    {
        internal static FlowResource ToResource(FlowResourceRecord record) =>
            new FlowResource(record.WorkflowId, record.StepName, record.StepId, record.ResourceType, record.ResourceId,
                record.DeprovisionStep, record.RequiresAllowDelete, ToStatus(record.Status), record.Reason, record.Attempts);

        internal static FlowResource[] ToResources(System.Collections.Generic.IEnumerable<FlowResourceRecord> records) =>
            records.Select(ToResource).ToArray();

        internal static FlowWorkflowStatus ToStatus(FlowWorkflowState state) =>
            new FlowWorkflowStatus(state.WorkflowId, state.State, state.ProvisioningProgress, state.ProvisionStartTime,
                state.ProvisionEndTime, state.Error, state.User, state.TenantId, ToResources(state.Resources));

        internal static FlowDeprovisionResult ToResult(FlowDeprovisionOutcome outcome) =>
            new FlowDeprovisionResult(outcome.WorkflowId, ToStatus(outcome.Status), outcome.Attempts, outcome.Duration,
                ToResources(outcome.Deprovisioned), ToResources(outcome.Remaining), ToResources(outcome.Retained),
                outcome.AllowDeleteSent.ToArray());

        internal static FlowFramework.FlowResourceStatus ToStatus(FlowFramework.Engine.FlowResourceStatus status)
        {
            switch (status)
            {
                case FlowFramework.Engine.FlowResourceStatus.Deprovisioned: return FlowFramework.FlowResourceStatus.Deprovisioned;
                case FlowFramework.Engine.FlowResourceStatus.Failed: return FlowFramework.FlowResourceStatus.Failed;
                case FlowFramework.Engine.FlowResourceStatus.NeedsAllowDelete: return FlowFramework.FlowResourceStatus.NeedsAllowDelete;
                case FlowFramework.Engine.FlowResourceStatus.Retained: return FlowFramework.FlowResourceStatus.Retained;
                default: return FlowFramework.FlowResourceStatus.Present;
            }
        }

        internal static FlowFramework.FlowDeprovisionStatus ToStatus(FlowFramework.Engine.FlowDeprovisionStatus status)
        {
            switch (status)
            {
                case FlowFramework.Engine.FlowDeprovisionStatus.Deprovisioned: return FlowFramework.FlowDeprovisionStatus.Deprovisioned;
                case FlowFramework.Engine.FlowDeprovisionStatus.Partial: return FlowFramework.FlowDeprovisionStatus.Partial;
                case FlowFramework.Engine.FlowDeprovisionStatus.NeedsAllowDelete: return FlowFramework.FlowDeprovisionStatus.NeedsAllowDelete;
                case FlowFramework.Engine.FlowDeprovisionStatus.NotFound: return FlowFramework.FlowDeprovisionStatus.NotFound;
                default: return FlowFramework.FlowDeprovisionStatus.Failed;
            }
        }
    }
}
