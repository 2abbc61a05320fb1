using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>
    /// What a deprovision of one workflow will do, from one status snapshot: the steps the server will run, in its
    /// order (the reverse of <c>resources_created</c>, including the double model entry, <c>undeploy_model</c> then
    /// <c>delete_model</c>), and the allow_delete ids that the caller's exact ids and wildcards select from the
    /// workflow's own index and pipeline ids. A step name the catalogue does not know is planned as a delete with no
    /// deprovision step: the server cannot deprovision it either, and the user is told rather than the entry hidden.
    /// </summary>
    public sealed class FlowDeprovisionPlan
    {
        private FlowDeprovisionPlan(FlowWorkflowStatus state, IReadOnlyList<FlowPlannedStep> steps, IReadOnlyList<string> allowDelete, IReadOnlyList<string> unmatchedPatterns)
        {
            State = state;
            Steps = steps;
            AllowDelete = allowDelete;
            UnmatchedPatterns = unmatchedPatterns;
        }

        public string WorkflowId => State.WorkflowId;

        /// <summary>The status snapshot the plan was made from.</summary>
        public FlowWorkflowStatus State { get; }

        /// <summary>In the server's execution order.</summary>
        public IReadOnlyList<FlowPlannedStep> Steps { get; }

        /// <summary>The ids sent as allow_delete: distinct, ordinal-sorted index and pipeline ids of the workflow.</summary>
        public IReadOnlyList<string> AllowDelete { get; }

        /// <summary>Patterns that matched none of the workflow's index or pipeline ids, in the order given.</summary>
        public IReadOnlyList<string> UnmatchedPatterns { get; }

        /// <summary>Plans from a status snapshot; <paramref name="allowDeletePatterns"/> are exact ids or <c>*</c>/<c>?</c> wildcards, case-sensitive.</summary>
        public static FlowDeprovisionPlan Create(FlowWorkflowStatus state, IEnumerable<string>? allowDeletePatterns)
        {
            if (state is null)
            {
                throw new ArgumentNullException(nameof(state));
            }

            var gated = state.Resources
                .Where(r => FlowStepCatalogue.TypeRequiresAllowDelete(r.ResourceType))
                .Select(r => r.ResourceId)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            var unmatched = new List<string>();
            foreach (var pattern in (allowDeletePatterns ?? Array.Empty<string>()).Where(p => !string.IsNullOrEmpty(p)))
            {
                var matches = gated.Where(id => WildcardPattern.IsMatch(pattern, id)).ToArray();
                if (matches.Length == 0)
                {
                    unmatched.Add(pattern);
                }

                allowed.UnionWith(matches);
            }

            var steps = state.Resources.Select(r => PlanOne(r, allowed)).Reverse().ToArray();
            return new FlowDeprovisionPlan(state, steps, allowed.ToArray(), unmatched);
        }

        private static FlowPlannedStep PlanOne(FlowResource resource, ISet<string> allowed)
        {
            if (resource.DeprovisionStep is not null && FlowStepCatalogue.IsRetainedByServer(resource))
            {
                return new FlowPlannedStep(resource, FlowPlannedAction.RetainedByServer);
            }

            if (resource.RequiresAllowDelete && !allowed.Contains(resource.ResourceId))
            {
                return new FlowPlannedStep(resource.With(FlowResourceStatus.NeedsAllowDelete), FlowPlannedAction.NeedsAllowDelete);
            }

            return new FlowPlannedStep(resource, FlowPlannedAction.Delete);
        }
    }
}
