using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Every provisioning step that records a resource, with the server's deprovision step for it
    /// (flow-framework <c>common/WorkflowResources.java</c>; server-behaviour.md §3).
    /// </summary>
    public static class FlowStepCatalogue
    {
        internal const string ConnectorId = "connector_id";
        internal const string ModelId = "model_id";
        internal const string ModelGroupId = "model_group_id";
        internal const string PipelineId = "pipeline_id";
        internal const string IndexName = "index_name";
        internal const string AgentId = "agent_id";
        internal const string Noop = "noop";

        private static readonly FlowStepInfo[] Steps =
        {
            new FlowStepInfo("create_connector", ConnectorId, "delete_connector", false, false),
            new FlowStepInfo("register_remote_model", ModelId, "delete_model", false, false),
            new FlowStepInfo("register_local_custom_model", ModelId, "delete_model", false, false),
            new FlowStepInfo("register_local_sparse_encoding_model", ModelId, "delete_model", false, false),
            new FlowStepInfo("register_local_pretrained_model", ModelId, "delete_model", false, false),
            new FlowStepInfo("deploy_model", ModelId, "undeploy_model", false, false),
            new FlowStepInfo("register_model_group", ModelGroupId, Noop, false, true),
            new FlowStepInfo("create_ingest_pipeline", PipelineId, "delete_ingest_pipeline", true, false),
            new FlowStepInfo("update_ingest_pipeline", PipelineId, "delete_ingest_pipeline", true, false),
            new FlowStepInfo("create_search_pipeline", PipelineId, "delete_search_pipeline", true, false),
            new FlowStepInfo("update_search_pipeline", PipelineId, "delete_search_pipeline", true, false),
            new FlowStepInfo("create_index", IndexName, "delete_index", true, false),
            new FlowStepInfo("update_index", IndexName, "delete_index", true, false),
            new FlowStepInfo("reindex", IndexName, Noop, false, true),
            new FlowStepInfo("register_agent", AgentId, "delete_agent", false, false),
        };

        private static readonly Dictionary<string, FlowStepInfo> ByName = Steps.ToDictionary(s => s.StepName, StringComparer.Ordinal);

        /// <summary>The resource types the server can name in its messages.</summary>
        internal static readonly string[] ResourceTypes = Steps.Select(s => s.ResourceType).Distinct(StringComparer.Ordinal).ToArray();

        /// <summary>All known steps, in the order of server-behaviour.md §3.</summary>
        public static IReadOnlyList<FlowStepInfo> All => Steps;

        /// <summary>The step with this exact (case-sensitive) name, or null.</summary>
        public static FlowStepInfo? Find(string stepName) =>
            stepName is not null && ByName.TryGetValue(stepName, out var step) ? step : null;

        /// <summary>Whether the server gates this resource type behind <c>allow_delete</c>.</summary>
        internal static bool TypeRequiresAllowDelete(string resourceType) =>
            string.Equals(resourceType, IndexName, StringComparison.Ordinal) || string.Equals(resourceType, PipelineId, StringComparison.Ordinal);

        /// <summary>
        /// A state entry as a <see cref="FlowResource"/> (Present), with the deprovision step and the allow_delete flag from
        /// the catalogue; an unknown step name gets a null deprovision step (the server cannot deprovision it).
        /// </summary>
        internal static FlowResource Resource(string workflowId, string stepName, string stepId, string resourceType, string resourceId)
        {
            var step = Find(stepName);
            return new FlowResource(workflowId, stepName, stepId, resourceType, resourceId, step?.DeprovisionStep, step?.RequiresAllowDelete ?? false);
        }

        /// <summary>Whether the server drops this entry from the state without deleting anything (model groups, reindex).</summary>
        internal static bool IsRetainedByServer(FlowResource resource) => Find(resource.StepName)?.RetainedByServer ?? false;

        /// <summary>
        /// The one step that produces a deletable resource of this type, when there is exactly one
        /// (connector_id, agent_id, index_name: a noop step never fails); null when ambiguous (model_id, pipeline_id).
        /// </summary>
        internal static FlowStepInfo? SingleCreatorOf(string resourceType)
        {
            var candidates = Steps.Where(s => string.Equals(s.ResourceType, resourceType, StringComparison.Ordinal)
                                              && !s.RetainedByServer
                                              && !s.StepName.StartsWith("update_", StringComparison.Ordinal)).ToArray();
            return candidates.Length == 1 ? candidates[0] : null;
        }
    }
}
