using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// What is left after a deprovision answer. The server's 202/403 text names what failed but is free text and
    /// de-duplicated; the status has the structured entries but is written after the answer without waiting, so it
    /// can be stale. The leftovers are the status entries the text names; a named resource the status lacks comes
    /// from the plan or the catalogue; without a status, the text alone.
    /// </summary>
    internal sealed class LeftoverReconciler
    {
        private readonly Func<CancellationToken, Task<FlowWorkflowStatus>> _readStatus;
        private readonly FlowDeprovisionPlan _plan;
        private readonly Action<string> _diagnostic;

        /// <param name="readStatus">Reads the workflow's full status, riding out transient failures.</param>
        internal LeftoverReconciler(Func<CancellationToken, Task<FlowWorkflowStatus>> readStatus, FlowDeprovisionPlan plan, Action<string> diagnostic)
        {
            _readStatus = readStatus;
            _plan = plan;
            _diagnostic = diagnostic;
        }

        /// <summary>After a 200: nothing is left when the status is empty or gone; entries still listed (a provisioning run still in flight) are left.</summary>
        internal async Task<List<FlowResource>> ConfirmAsync(CancellationToken ct)
        {
            try
            {
                var state = await _readStatus(ct).ConfigureAwait(false);
                if (state.Resources.Length > 0)
                {
                    _diagnostic(DeprovisionWording.StillListedAfterSuccess(state));
                }

                return state.Resources.Select(r => r.With(FlowResourceStatus.Failed)).ToList();
            }
            catch (FlowApiException ex) when (ex.Kind == FlowErrorKind.NotFound)
            {
                _diagnostic(DeprovisionWording.StateGoneWithTemplate);
            }
            catch (FlowApiException ex)
            {
                _diagnostic(DeprovisionWording.ConfirmUnreadable(ex));
            }

            return new List<FlowResource>();
        }

        /// <summary>After a 202 or the allow_delete 403.</summary>
        internal async Task<List<FlowResource>> ReconcileAsync(FlowDeprovisionResponse response, CancellationToken ct)
        {
            FlowWorkflowStatus? state = null;
            try
            {
                state = await _readStatus(ct).ConfigureAwait(false);
            }
            catch (FlowApiException ex)
            {
                _diagnostic(DeprovisionWording.LeftoversUnreadable(ex));
            }

            var named = response.FailedResources.Concat(response.NeedsAllowDeleteResources).ToList();
            if (named.Count == 0)
            {
                // A 202 whose text could not be read: everything the status (or else the plan) still lists is left.
                var all = state?.Resources ?? _plan.Steps.Where(s => s.Action != FlowPlannedAction.RetainedByServer).Select(s => s.Resource);
                return all.Select(r => Mark(r, response)).ToList();
            }

            var leftovers = (state?.Resources ?? Array.Empty<FlowResource>()).Where(r => named.Contains(r.Key())).Select(r => Mark(r, response)).ToList();
            var stale = (state?.Resources.Length ?? 0) - leftovers.Count;
            if (stale > 0)
            {
                _diagnostic(DeprovisionWording.StaleEntries(stale));
            }

            foreach (var key in named.Distinct().Where(key => !leftovers.Any(r => r.Key().Equals(key))))
            {
                leftovers.AddRange(Synthesise(key).Select(r => Mark(r, response)));
            }

            return leftovers;
        }

        /// <summary>The plan's entries for a named resource, else one built from the catalogue.</summary>
        private IEnumerable<FlowResource> Synthesise(FlowResourceKey key)
        {
            var planned = _plan.Steps.Select(s => s.Resource).Where(r => r.Key().Equals(key)).ToList();
            if (planned.Count > 0)
            {
                return planned;
            }

            var creator = FlowStepCatalogue.SingleCreatorOf(key.ResourceType);
            return new[]
            {
                creator is not null
                    ? FlowStepCatalogue.Resource(_plan.WorkflowId, creator.StepName, string.Empty, key.ResourceType, key.ResourceId)
                    : new FlowResource(_plan.WorkflowId, string.Empty, string.Empty, key.ResourceType, key.ResourceId, null, FlowStepCatalogue.TypeRequiresAllowDelete(key.ResourceType)),
            };
        }

        private static FlowResource Mark(FlowResource resource, FlowDeprovisionResponse response)
        {
            var key = resource.Key();
            var needsAllowDelete = response.NeedsAllowDeleteResources.Contains(key) && !response.FailedResources.Contains(key);
            return resource.WithoutReason().With(needsAllowDelete ? FlowResourceStatus.NeedsAllowDelete : FlowResourceStatus.Failed);
        }
    }
}
