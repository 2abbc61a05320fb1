using System;

namespace FlowFramework.Engine
{
    /// <summary>What the server will do with one resource on deprovision.</summary>
    public enum FlowPlannedAction
    {
        /// <summary>The server runs its deprovision step (delete or undeploy).</summary>
        Delete,
        /// <summary>An index or pipeline whose id is not in allow_delete: the server skips it.</summary>
        NeedsAllowDelete,
        /// <summary>The server drops it from the state without deleting it (model groups, reindex).</summary>
        RetainedByServer,
    }

    /// <summary>One step of a deprovision plan.</summary>
    public sealed class FlowPlannedStep
    {
        public FlowPlannedStep(FlowResourceRecord resource, FlowPlannedAction action, string description)
        {
            Resource = resource ?? throw new ArgumentNullException(nameof(resource));
            Action = action;
            Description = description ?? throw new ArgumentNullException(nameof(description));
        }

        public FlowResourceRecord Resource { get; }

        public FlowPlannedAction Action { get; }

        /// <summary>For ShouldProcess, e.g. <c>undeploy_model model_id N9jC...</c>.</summary>
        public string Description { get; }

        public override string ToString() => Description;
    }
}
