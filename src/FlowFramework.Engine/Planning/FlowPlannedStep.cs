using System;

namespace FlowFramework.Engine
{
    /// <summary>What the server will do with one resource on deprovision.</summary>
    public enum FlowPlannedAction
    {
        /// <summary>The server runs its deprovision step (delete or undeploy); for an unknown step it fails the request.</summary>
        Delete,
        /// <summary>An index or pipeline whose id is not in allow_delete: the server skips it.</summary>
        NeedsAllowDelete,
        /// <summary>The server drops it from the state without deleting it (model groups, reindex).</summary>
        RetainedByServer,
    }

    /// <summary>One step of a deprovision plan.</summary>
    public sealed class FlowPlannedStep
    {
        internal FlowPlannedStep(FlowResource resource, FlowPlannedAction action)
        {
            Resource = resource ?? throw new ArgumentNullException(nameof(resource));
            Action = action;
        }

        /// <summary>The state entry; Status NeedsAllowDelete for a skipped one, Present otherwise.</summary>
        public FlowResource Resource { get; }

        public FlowPlannedAction Action { get; }

        /// <summary>A step whose provisioning step the catalogue (and so the server) does not know.</summary>
        public bool IsUnknownStep => Resource.DeprovisionStep is null;

        public override string ToString() => (Resource.DeprovisionStep ?? Resource.StepName) + " " + Resource + " (" + Action + ")";
    }
}
