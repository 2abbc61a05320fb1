using System;

namespace FlowFramework.Engine
{
    /// <summary>One provisioning step type and how the server deprovisions what it created.</summary>
    public sealed class FlowStepInfo
    {
        public FlowStepInfo(string stepName, string resourceType, string deprovisionStep, bool requiresAllowDelete, bool retainedByServer)
        {
            StepName = stepName ?? throw new ArgumentNullException(nameof(stepName));
            ResourceType = resourceType ?? throw new ArgumentNullException(nameof(resourceType));
            DeprovisionStep = deprovisionStep ?? throw new ArgumentNullException(nameof(deprovisionStep));
            RequiresAllowDelete = requiresAllowDelete;
            RetainedByServer = retainedByServer;
        }

        public string StepName { get; }

        public string ResourceType { get; }

        /// <summary>The step the server runs on deprovision; <c>noop</c> when nothing is deleted.</summary>
        public string DeprovisionStep { get; }

        /// <summary>The server only deletes it when its id is in <c>allow_delete</c>.</summary>
        public bool RequiresAllowDelete { get; }

        /// <summary>The server drops it from the state without deleting anything.</summary>
        public bool RetainedByServer { get; }
    }
}
