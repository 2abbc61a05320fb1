using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Which templates a listing keeps: names (exact or with <c>*</c> and <c>?</c>, case-sensitive like the server's
    /// keyword match) and use cases (the template's use_case, ignoring case). Empty lists keep everything. The server
    /// narrows the search with the same filter; this is the exact rule applied to what comes back.
    /// </summary>
    public sealed class FlowWorkflowFilter
    {
        public FlowWorkflowFilter(IEnumerable<string>? names, IEnumerable<string>? useCases)
        {
            Names = Clean(names);
            UseCases = Clean(useCases);
        }

        public IReadOnlyList<string> Names { get; }

        public IReadOnlyList<string> UseCases { get; }

        public bool IsEmpty => Names.Count == 0 && UseCases.Count == 0;

        public bool Matches(FlowWorkflow workflow)
        {
            if (workflow is null)
            {
                return false;
            }

            var nameMatches = Names.Count == 0 || (workflow.Name is string name && Names.Any(pattern => WildcardPattern.IsMatch(pattern, name)));
            var useCaseMatches = UseCases.Count == 0
                || (workflow.UseCase is string useCase && UseCases.Any(u => string.Equals(u, useCase, StringComparison.OrdinalIgnoreCase)));
            return nameMatches && useCaseMatches;
        }

        internal static bool HasWildcard(string pattern) => pattern.IndexOf('*') >= 0 || pattern.IndexOf('?') >= 0;

        private static IReadOnlyList<string> Clean(IEnumerable<string>? values) =>
            (values ?? Enumerable.Empty<string>()).Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Which state documents a listing keeps: any of the states (NOT_STARTED, PROVISIONING, FAILED, COMPLETED), and only those with resources.</summary>
    public sealed class FlowStatusFilter
    {
        public FlowStatusFilter(IEnumerable<string>? states, bool hasResources)
        {
            States = (states ?? Enumerable.Empty<string>()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray();
            HasResources = hasResources;
        }

        public IReadOnlyList<string> States { get; }

        public bool HasResources { get; }

        public bool Matches(FlowWorkflowStatus status) =>
            status is not null
            && (States.Count == 0 || (status.State is string state && States.Contains(state, StringComparer.OrdinalIgnoreCase)))
            && (!HasResources || status.Resources.Length > 0);
    }
}
