using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>Why the template of a deprovisioned workflow is deleted or kept.</summary>
    public enum TemplateRemovalReason
    {
        /// <summary>Everything the server deletes is gone (model groups may be retained): delete.</summary>
        Clean,
        /// <summary>The workflow has no state, so nothing can be left behind: delete (the server says whether a template was there).</summary>
        NoState,
        /// <summary>Only resources that no longer exist are left, and the state is cleared with the template: delete.</summary>
        OnlyMissingWithClearStatus,
        /// <summary>Resources are left that still exist or still need permission: keep, so the workflow can be deprovisioned again.</summary>
        LeftoversRemain,
        /// <summary>The deprovision could not run: keep.</summary>
        DeprovisionFailed,
    }

    /// <summary>
    /// Remove-FlowWorkflow -Deprovision's rule, as a pure function of the deprovision's result: the template goes only
    /// when nothing is left that its state would still need to track, so deleting it never orphans live resources.
    /// </summary>
    public static class TemplateRemoval
    {
        public static TemplateRemovalReason Decide(FlowDeprovisionResult result, bool clearStatus)
        {
            switch (result.Status)
            {
                case FlowDeprovisionStatus.Deprovisioned:
                    return TemplateRemovalReason.Clean;
                case FlowDeprovisionStatus.NotFound:
                    return TemplateRemovalReason.NoState;
                case FlowDeprovisionStatus.Failed:
                    return TemplateRemovalReason.DeprovisionFailed;
                default:
                    return clearStatus && result.Remaining.Length > 0 && result.Remaining.All(r => r.Status == FlowResourceStatus.Missing)
                        ? TemplateRemovalReason.OnlyMissingWithClearStatus
                        : TemplateRemovalReason.LeftoversRemain;
            }
        }

        public static bool Deletes(TemplateRemovalReason reason) =>
            reason == TemplateRemovalReason.Clean || reason == TemplateRemovalReason.NoState || reason == TemplateRemovalReason.OnlyMissingWithClearStatus;
    }
}
