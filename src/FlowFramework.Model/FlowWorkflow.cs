using System;

namespace FlowFramework
{
    /// <summary>
    /// A workflow template as the cluster stores it, with its provisioning state. Its WorkflowId binds to every cmdlet
    /// that takes -WorkflowId.
    /// </summary>
    public sealed class FlowWorkflow
    {
        internal FlowWorkflow(string workflowId, string? name, string? description, string? useCase, string? version,
            DateTimeOffset? createdTime, DateTimeOffset? lastUpdatedTime, DateTimeOffset? lastProvisionedTime, string? state)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            Name = name;
            Description = description;
            UseCase = useCase;
            Version = version;
            CreatedTime = createdTime;
            LastUpdatedTime = lastUpdatedTime;
            LastProvisionedTime = lastProvisionedTime;
            State = state;
        }

        public string WorkflowId { get; }

        public string? Name { get; }

        public string? Description { get; }

        /// <summary>The template's use_case field, such as SEMANTIC_SEARCH (free text set by the template's author).</summary>
        public string? UseCase { get; }

        /// <summary>The template's version.template, such as 1.0.0.</summary>
        public string? Version { get; }

        /// <summary>UTC.</summary>
        public DateTimeOffset? CreatedTime { get; }

        /// <summary>UTC.</summary>
        public DateTimeOffset? LastUpdatedTime { get; }

        /// <summary>UTC; null when it was never provisioned.</summary>
        public DateTimeOffset? LastProvisionedTime { get; }

        /// <summary>NOT_STARTED, PROVISIONING, FAILED or COMPLETED; null when the cluster has no state for it (or it could not be read).</summary>
        public string? State { get; }

        /// <summary>A copy with the given state.</summary>
        internal FlowWorkflow WithState(string? state) =>
            new FlowWorkflow(WorkflowId, Name, Description, UseCase, Version, CreatedTime, LastUpdatedTime, LastProvisionedTime, state);

        public override string ToString() => WorkflowId + " " + Name;
    }
}
