using System;
using System.Collections.Generic;
using System.Linq;
using FlowFramework.Engine.Internal;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The steps the server will run for one workflow, in its order: the reverse of <c>resources_created</c>,
    /// including the double model entry (<c>undeploy_model</c> then <c>delete_model</c>) exactly as stored.
    /// A step name the catalogue does not know is planned as <see cref="FlowPlannedAction.Delete"/> with a null
    /// deprovision step and a reason: the server cannot deprovision it either (it fails the request), so the
    /// user is told rather than the entry being hidden.
    /// </summary>
    public sealed class FlowDeprovisionPlan
    {
        public FlowDeprovisionPlan(string workflowId, FlowWorkflowState state, IReadOnlyList<FlowPlannedStep> steps)
        {
            WorkflowId = workflowId ?? throw new ArgumentNullException(nameof(workflowId));
            State = state ?? throw new ArgumentNullException(nameof(state));
            Steps = steps ?? Array.Empty<FlowPlannedStep>();
        }

        public string WorkflowId { get; }

        /// <summary>The status snapshot the plan was made from.</summary>
        public FlowWorkflowState State { get; }

        /// <summary>In the server's execution order.</summary>
        public IReadOnlyList<FlowPlannedStep> Steps { get; }

        public static FlowDeprovisionPlan FromState(FlowWorkflowState state, IReadOnlyCollection<string> allowDeleteIds)
        {
            if (state is null)
            {
                throw new ArgumentNullException(nameof(state));
            }

            var allowed = new HashSet<string>((allowDeleteIds ?? Array.Empty<string>()).Where(id => id is not null).Select(id => id.Trim()), StringComparer.Ordinal);
            var steps = new List<FlowPlannedStep>(state.Resources.Count);
            foreach (var resource in state.Resources)
            {
                steps.Add(PlanOne(resource, allowed));
            }

            steps.Reverse();
            return new FlowDeprovisionPlan(state.WorkflowId, state, steps);
        }

        public static FlowAllowDeleteExpansion ExpandAllowDelete(FlowWorkflowState state, IEnumerable<string> patterns)
        {
            if (state is null)
            {
                throw new ArgumentNullException(nameof(state));
            }

            var candidates = state.Resources
                .Where(r => FlowStepCatalogue.TypeRequiresAllowDelete(r.ResourceType))
                .Select(r => r.ResourceId)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var selected = new SortedSet<string>(StringComparer.Ordinal);
            var unmatched = new List<string>();
            foreach (var pattern in patterns ?? Array.Empty<string>())
            {
                if (string.IsNullOrEmpty(pattern))
                {
                    continue;
                }

                var matches = candidates.Where(id => WildcardPattern.IsMatch(pattern, id)).ToArray();
                if (matches.Length == 0)
                {
                    unmatched.Add(pattern);
                }

                selected.UnionWith(matches);
            }

            return new FlowAllowDeleteExpansion(selected.ToArray(), unmatched);
        }

        private static FlowPlannedStep PlanOne(FlowResourceRecord resource, HashSet<string> allowed)
        {
            var label = resource.ResourceType + " " + resource.ResourceId;
            if (resource.DeprovisionStep is null)
            {
                var unknown = resource.WithoutReason().With(reason:
                    "The step '" + resource.StepName + "' is unknown to this module, and the server has no deprovision step for it either; the server will fail the deprovision request. Remove the entry with DELETE .../workflow/<id>?clear_status=true after deleting the resource by hand.");
                return new FlowPlannedStep(unknown, FlowPlannedAction.Delete, "(unknown step " + resource.StepName + ") " + label);
            }

            if (resource.RetainedByServer)
            {
                return new FlowPlannedStep(resource, FlowPlannedAction.RetainedByServer, "keep " + label + " (the server drops it from the state without deleting it)");
            }

            if (resource.RequiresAllowDelete && !allowed.Contains(resource.ResourceId))
            {
                var gated = resource.With(FlowResourceStatus.NeedsAllowDelete, reason: AllowDeleteReason(resource));
                return new FlowPlannedStep(gated, FlowPlannedAction.NeedsAllowDelete, "skip " + resource.DeprovisionStep + " " + label + " (needs -AllowDelete " + resource.ResourceId + ")");
            }

            return new FlowPlannedStep(resource, FlowPlannedAction.Delete, resource.DeprovisionStep + " " + label);
        }

        internal static string AllowDeleteReason(FlowResourceRecord resource) =>
            "The server deletes " + (resource.ResourceType == FlowStepCatalogue.IndexName ? "an index" : "a pipeline")
            + " only when its id is allowed; pass -AllowDelete '" + resource.ResourceId + "' (or pipe this object back with -AllowDelete) to delete it.";
    }
}
