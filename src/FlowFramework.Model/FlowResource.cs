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
        /// <summary>The server fails on it, but it no longer exists: it was deleted outside the workflow; see Reason.</summary>
        Missing,
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
            string? deprovisionStep, bool requiresAllowDelete, FlowResourceStatus status = FlowResourceStatus.Present, string? reason = null, int attempts = 0)
        {
            WorkflowId = workflowId;
            StepName = stepName ?? string.Empty;
            StepId = stepId ?? string.Empty;
            ResourceType = resourceType ?? string.Empty;
            ResourceId = resourceId ?? string.Empty;
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

        /// <summary>A copy with the given fields changed; arguments left null keep their value.</summary>
        internal FlowResource With(FlowResourceStatus? status = null, string? reason = null, int? attempts = null) =>
            new FlowResource(WorkflowId, StepName, StepId, ResourceType, ResourceId, DeprovisionStep, RequiresAllowDelete,
                status ?? Status, reason ?? Reason, attempts ?? Attempts);

        /// <summary>A copy with no reason.</summary>
        internal FlowResource WithoutReason() =>
            new FlowResource(WorkflowId, StepName, StepId, ResourceType, ResourceId, DeprovisionStep, RequiresAllowDelete, Status, null, Attempts);

        public override string ToString() => ResourceType + " " + ResourceId;
    }
}
