using System;

namespace FlowFramework
{
    /// <summary>Where one resource of a workflow stands.</summary>
    public enum FlowResourceStatus
    {
        /// <summary>The workflow's state lists it; nothing was tried.</summary>
        Present,
        /// <summary>The server deleted it (or found it already gone).</summary>
        Deprovisioned,
        /// <summary>The server tried and could not delete it; see Reason.</summary>
        Failed,
        /// <summary>An index or pipeline the server deletes only when it is named in allow_delete.</summary>
        NeedsAllowDelete,
        /// <summary>The server drops it from the workflow's state without deleting it (model groups).</summary>
        Retained,
    }

    /// <summary>
    /// One resource a workflow created. Its property names match Invoke-FlowDeprovision's parameters, so
    /// leftovers can be piped straight back in.
    /// </summary>
    public sealed class FlowResource
    {
        internal FlowResource(string workflowId, string stepName, string stepId, string resourceType, string resourceId,
            string? deprovisionStep, bool requiresAllowDelete, FlowResourceStatus status, string? reason, int attempts)
        {
            WorkflowId = workflowId;
            StepName = stepName;
            StepId = stepId;
            ResourceType = resourceType;
            ResourceId = resourceId;
            DeprovisionStep = deprovisionStep;
            RequiresAllowDelete = requiresAllowDelete;
            Status = status;
            Reason = reason;
            Attempts = attempts;
        }

        public string WorkflowId { get; }

        /// <summary>The provisioning step that created it, such as deploy_model.</summary>
        public string StepName { get; }

        /// <summary>The template node id.</summary>
        public string StepId { get; }

        /// <summary>connector_id, model_id, model_group_id, agent_id, index_name or pipeline_id.</summary>
        public string ResourceType { get; }

        public string ResourceId { get; }

        /// <summary>The step the server runs to remove it, such as undeploy_model; null when the server has none.</summary>
        public string? DeprovisionStep { get; }

        public bool RequiresAllowDelete { get; }

        public FlowResourceStatus Status { get; }

        public string? Reason { get; }

        /// <summary>How many deprovision attempts it went through.</summary>
        public int Attempts { get; }

        public override string ToString() => $"{ResourceType} {ResourceId}";
    }
}
