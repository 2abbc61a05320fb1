using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Deletes the model groups a workflow registered, which the server drops from the state without deleting
    /// (ml-commons #4536): only once the server reports the workflow clean, so the workflow's models are gone first.
    /// A group that still has models (409) or may not be deleted (403) stays, as a Failed leftover with its reason.
    /// Transient failures are ridden out with the run's delays and limits.
    /// </summary>
    internal static class ModelGroupCleanup
    {
        internal static async Task<FlowDeprovisionReport> RunAsync(FlowApiClient client, FlowDeprovisionOptions options, FlowDeprovisionReport report, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            var result = report.Result;
            var groups = result.Retained.Where(IsModelGroup).ToList();
            if (groups.Count == 0)
            {
                return report;
            }

            if (result.Status != FlowDeprovisionStatus.Deprovisioned)
            {
                // Not clean yet: a model of the workflow may still be in the group, so it is not touched.
                var kept = result.Retained.Select(r => IsModelGroup(r) ? r.With(reason: DeprovisionWording.ModelGroupWaitsForCleanWorkflow(r)) : r).ToArray();
                return Rebuild(report, result.Status, result.Deprovisioned, result.Remaining, kept, report.Error, report.ServerMessage);
            }

            var deleted = new List<FlowResource>(result.Deprovisioned);
            var left = new List<FlowResource>(result.Remaining);
            var retained = result.Retained.Where(r => !IsModelGroup(r)).ToList();
            FlowApiException? fatal = null;
            string? lastMessage = report.ServerMessage;
            foreach (var group in groups.GroupBy(g => g.ResourceId, StringComparer.Ordinal))
            {
                var entries = group.ToList();
                var id = group.Key;
                try
                {
                    var existed = await PatientRequest.SendAsync(options, result.WorkflowId, token => client.DeleteModelGroupAsync(id, token),
                        (ex, delay) => DeprovisionWording.ModelGroupRetry(id, ex, delay), onEvent, ct).ConfigureAwait(false);
                    Emit(onEvent, result, DeprovisionWording.ModelGroupDeleted(id, existed));
                    deleted.AddRange(entries.Select(e => e.WithoutReason().With(FlowResourceStatus.Deprovisioned)));
                }
                catch (FlowApiException ex)
                {
                    lastMessage = ex.ServerMessage ?? ex.Message;
                    var reason = DeprovisionWording.ModelGroupNotDeleted(id, ex);
                    Emit(onEvent, result, reason);
                    left.AddRange(entries.Select(e => e.With(FlowResourceStatus.Failed, reason, 1)));
                    if (ex.Kind == FlowErrorKind.Authentication)
                    {
                        fatal = ex;
                        break;
                    }
                }
            }

            // Groups never reached (the credentials were rejected) are still there.
            foreach (var entry in groups.Where(g => !deleted.Any(d => d.SameEntry(g)) && !left.Any(l => l.SameEntry(g))))
            {
                left.Add(entry.With(FlowResourceStatus.Failed, DeprovisionWording.NotDeprovisioned(fatal), 0));
            }

            var status = left.Count == 0 ? FlowDeprovisionStatus.Deprovisioned : FlowDeprovisionStatus.Partial;
            return Rebuild(report, status, deleted.ToArray(), left.ToArray(), retained.ToArray(), fatal, lastMessage);
        }

        private static bool IsModelGroup(FlowResource resource) => string.Equals(resource.ResourceType, FlowStepCatalogue.ModelGroupId, StringComparison.Ordinal);

        private static void Emit(Action<FlowDeprovisionEvent>? onEvent, FlowDeprovisionResult result, string message) =>
            onEvent?.Invoke(new FlowDeprovisionEvent(result.WorkflowId, FlowDeprovisionEventKind.Diagnostic, result.Attempts, 0, null, $"Workflow {result.WorkflowId}: {message}"));

        private static FlowDeprovisionReport Rebuild(FlowDeprovisionReport report, FlowDeprovisionStatus status, FlowResource[] deprovisioned, FlowResource[] remaining, FlowResource[] retained, FlowApiException? error, string? serverMessage)
        {
            var r = report.Result;
            return new FlowDeprovisionReport(
                new FlowDeprovisionResult(r.WorkflowId, status, r.Attempts, r.Duration, deprovisioned, remaining, retained, r.AllowDeleteSent),
                report.TimedOut,
                error,
                serverMessage);
        }
    }
}
