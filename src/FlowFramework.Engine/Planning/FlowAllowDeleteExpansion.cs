using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>The allow_delete ids that a set of exact ids and wildcards selects from one workflow.</summary>
    public sealed class FlowAllowDeleteExpansion
    {
        public FlowAllowDeleteExpansion(IReadOnlyList<string> ids, IReadOnlyList<string> unmatchedPatterns)
        {
            Ids = ids ?? Array.Empty<string>();
            UnmatchedPatterns = unmatchedPatterns ?? Array.Empty<string>();
        }

        /// <summary>Distinct, ordinal-sorted index and pipeline ids of the workflow.</summary>
        public IReadOnlyList<string> Ids { get; }

        /// <summary>Patterns that matched none of the workflow's index or pipeline ids, in the order given.</summary>
        public IReadOnlyList<string> UnmatchedPatterns { get; }
    }
}
