using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Every sentence the engine writes: its Verbose events and the Reason of each resource. They state what the
    /// server did and what gets it unstuck on the server's side; they never name a cmdlet or a parameter (the
    /// module's error builder writes those).
    /// </summary>
    internal static class DeprovisionWording
    {
        internal static string AttemptStarting(int attempt, int maxAttempts, int remaining, IReadOnlyCollection<string> allowDelete) =>
            $"Deprovision attempt {Number(attempt)} of {Number(maxAttempts)} ({Count(remaining, "resource")} left, "
            + (allowDelete.Count == 0 ? "no allow_delete" : "allow_delete " + string.Join(", ", allowDelete)) + ").";

        internal static string AttemptAnswered(int attempt, int statusCode, TimeSpan took, IReadOnlyCollection<FlowResource>? leftovers) =>
            $"Attempt {Number(attempt)} answered HTTP {Number(statusCode)} after {Seconds(took)}; {Describe(leftovers)}.";

        internal static string AttemptFailed(int attempt, TimeSpan took, FlowApiException error) =>
            $"Attempt {Number(attempt)} failed after {Seconds(took)}: {error.Message}";

        internal static string Waiting(TimeSpan delay, int nextAttempt, string why) =>
            $"Waiting {Seconds(delay)} before attempt {Number(nextAttempt)}: {why}";

        internal static string LeftoversNeedTime(int failed) =>
            $"the server could not delete {Count(failed, "resource")} yet; dependencies usually need a moment to go away.";

        internal static string ClusterTrouble(FlowApiException error) =>
            "the cluster " + TransientWhat(error) + (error.RetryAfter is TimeSpan asked ? $"; it asked to retry after {Seconds(asked)}" : string.Empty) + ".";

        internal static string StatusReadRetry(FlowApiException error, TimeSpan delay) =>
            $"reading the status failed ({error.Message}); trying again in {Seconds(delay)}.";

        internal static string Stopped(int attempts, StopVerdict stop, int remaining, TimeSpan stalledFor, TimeSpan timeout, IEnumerable<string> unknownSteps) =>
            $"Stopped after {Count(attempts, "attempt")}: " + (stop.Reason switch
            {
                StopReason.Stalled => $"the same {Count(remaining, "resource")} kept failing for {Seconds(stalledFor)}, so waiting longer is not helping.",
                StopReason.AttemptsUsed => $"reached the limit of {Count(attempts, "attempt")}.",
                StopReason.Deadline when stop.RefusedDelay is TimeSpan read && stop.RefusedRead => $"the next read of what the leftovers wait for (in {Seconds(read)}) would come after the {Seconds(timeout)} time limit.",
                StopReason.Deadline when stop.RefusedDelay is TimeSpan refused => $"the next attempt (in {Seconds(refused)}) would start after the {Seconds(timeout)} time limit.",
                StopReason.Deadline => $"the {Seconds(timeout)} time limit ran out while the server was still working on the last request.",
                StopReason.NothingToRetry => "only resources that no longer exist or need allow_delete are left, and the server fails on them at every try.",
                StopReason.UsedByDisallowed => (stop.Detail ?? "a model is used by a pipeline that may not be deleted") + ", so waiting cannot help.",
                StopReason.WouldHangAgain => "the server got no answer for a workflow with " + string.Join(", ", unknownSteps.Select(n => "'" + n + "'"))
                    + ", a step it cannot deprovision; it never answers such a request, so sending it again would only hang again.",
                _ => "the answer settles it.",
            });

        internal static string UnknownStep(FlowResource resource) =>
            $"The step '{resource.StepName}' of {resource} is unknown to this module; a server that does not know it either never answers the deprovision request, so attempts may time out.";

        internal static string StillListedAfterSuccess(FlowWorkflowStatus state) =>
            $"The server answered 200, but the status still lists {Count(state.Resources.Length, "resource")} (state {state.State ?? "unknown"}); provisioning may still be running, so deprovision runs again.";

        internal const string StateGoneWithTemplate = "The workflow state is gone (HTTP 404): its template was deleted, so the server removed the state too.";

        internal static string ConfirmUnreadable(FlowApiException error) =>
            $"The server answered 200; the confirming status read failed ({error.Message}), so the result rests on the 200 alone.";

        internal static string LeftoversUnreadable(FlowApiException error) =>
            $"Could not read the leftovers from the status ({error.Message}); using the server's message instead.";

        internal static string StaleEntries(int stale) =>
            $"The status still lists {Count(stale, "entry", "entries")} the server did not name as failed; the server updates the state after answering, so they are taken as deleted.";

        internal static string Watching(TimeSpan? waited) =>
            $"The deprovision request got no answer within {Seconds(waited ?? TimeSpan.Zero)}; the server goes on working on it, so instead of sending it again the status is watched until it shows NOT_STARTED or stops changing for {Seconds(DeprovisionTimeout.Quiet)}.";

        internal const string WatchFinished = "The status shows NOT_STARTED: the server finished the deprovision the request was waiting for.";

        internal static string WatchSettled(TimeSpan quietFor, int left) =>
            $"The status has not changed for {Seconds(quietFor)}, so the server is done with the request; it still lists {Count(left, "resource")}.";

        internal static string ModelDeploying(FlowResource model) =>
            $"Model {model.ResourceId} is still DEPLOYING; it can be deleted once the deployment ends, so the retries go on while it deploys.";

        internal static string ModelGroupRetry(string groupId, FlowApiException error, TimeSpan delay) =>
            $"deleting model group {groupId} failed ({error.Message}); trying again in {Seconds(delay)}.";

        internal static string ModelGroupDeleted(string groupId, bool existed) =>
            existed ? $"Deleted model group {groupId} (DELETE _plugins/_ml/model_groups/{groupId})." : $"Model group {groupId} was already gone (HTTP 404).";

        // Watching what blocks the leftovers.

        internal static string ModelToLeave(string modelId, string state) => $"model {modelId} to leave {state}";

        internal static string ModelIs(string modelId, string state) => $"model {modelId} is {state}";

        internal static string ModelGone(string modelId) => $"model {modelId} is gone";

        internal static string UndeployPending(string modelId, string state) =>
            $"model {modelId} is {state} and the next request undeploys it first";

        internal static string ConnectorToLoseUsers(string connectorId, IReadOnlyCollection<string> models) =>
            $"connector {connectorId} to be free of {(models.Count == 1 ? "model" : "models")} {string.Join(", ", models)}";

        internal static string ConnectorFree(string connectorId, int ownUsers) =>
            ownUsers == 0 ? $"no model uses connector {connectorId}" : $"connector {connectorId} is used only by this workflow's models, which go before it";

        internal static string UnreadableBlocker(FlowResource leftover, string? failure) =>
            $"what blocks {leftover} cannot be read ({failure ?? "no answer"})";

        internal static string NoBlockerRead(FlowResource leftover) => $"no read tells what blocks {leftover}";

        internal static string ClearYetFailed(string subject) => $"{subject}, yet the server failed on it again, so the reads do not explain it";

        internal static string ModelUsersToGo(string modelId, IReadOnlyCollection<ModelUser> users) =>
            $"{Join(users)} to stop using model {modelId}";

        internal static string ModelUsersGone(string modelId) => $"nothing uses model {modelId} any more";

        internal static string ModelUsedOnlyByOwn(string modelId, IReadOnlyCollection<ModelUser> users) =>
            $"model {modelId} is used only by this workflow's {Join(users)}, which the next request deletes first";

        internal static string ModelUsersUnreadable(string modelId, string? failure) =>
            $"model {modelId} is not deployed and yet refused, and what uses it cannot be read ({failure ?? "no answer"})";

        internal static string UsedByDisallowed(string modelId, IReadOnlyCollection<ModelUser> pipelines) =>
            $"model {modelId} is used by this workflow's {Join(pipelines)}, which the server deletes only when {(pipelines.Count == 1 ? "its id is" : "their ids are")} in allow_delete";

        /// <summary>The Reason of a model an agent or pipeline still used when the run stopped.</summary>
        internal static string UsedBy(FlowResource model, int attempts, FlowDeprovisionResponse? last, BlockerReading users) =>
            $"The server could not delete it in {Count(attempts, "attempt")} ("
            + (last?.Message is string message ? $"HTTP {Number(last.StatusCode)}: {message}" : "no message") + "). "
            + (users.State == BlockerState.Stuck
                ? $"It is used by this workflow's {Join(users.ModelUsers)}, and ML Commons (plugins.ml_commons.safe_delete_model) refuses to delete a model a pipeline uses; the server deletes the pipeline only when allowed: allow {string.Join(", ", users.ModelUsers.Select(u => "'" + u.Id + "'"))} and the model goes after it."
                : $"It is still used by {Join(users.ModelUsers)}, and ML Commons (plugins.ml_commons.safe_delete_model) refuses to delete a model an agent or pipeline uses: delete {(users.ModelUsers.Count == 1 ? "it" : "them")} or point {(users.ModelUsers.Count == 1 ? "it" : "them")} at another model, then deprovision again.");

        private static string Join(IEnumerable<ModelUser> users) => string.Join(" and ", users.Select(u => u.ToString()));

        internal static string WaitingFor(IEnumerable<BlockerReading> blocked, TimeSpan nextRead, int nextAttempt, bool fallback) =>
            "Waiting for " + string.Join(" and ", blocked.Select(r => r.Subject)) + $" before attempt {Number(nextAttempt)}: reading again in {Seconds(nextRead)}, and sending as soon as "
            + (blocked.Count() == 1 ? "it clears" : "they clear") + (fallback ? " or the retry delay for the rest is over." : ".");

        internal static string Cleared(IEnumerable<BlockerReading> readings, TimeSpan watchedFor, int nextAttempt) =>
            string.Join("; ", readings.Where(r => r.State == BlockerState.Clear).Select(r => r.Subject).DefaultIfEmpty("the retry delay is over"))
            + $" after {Seconds(watchedFor)} of watching: sending attempt {Number(nextAttempt)} now.";

        internal static string NothingToWaitFor(IEnumerable<BlockerReading> readings, int nextAttempt) =>
            string.Join("; ", readings.Select(r => r.Subject)) + $": nothing to wait for, sending attempt {Number(nextAttempt)} now.";

        internal static string Unwatchable(IEnumerable<BlockerReading> unknown)
        {
            var reasons = string.Join("; ", unknown.Select(r => r.Subject));
            return reasons.Length == 0 ? string.Empty : " " + char.ToUpperInvariant(reasons[0]) + reasons.Substring(1) + ".";
        }

        // Reasons: why a resource is where it is, and the way out on the server's side.

        internal static string Missing(FlowResource resource, string? read) =>
            $"It no longer exists ({read ?? "the read"} answered 404): it was deleted outside the workflow, and the server fails on it at every deprovision. "
            + $"Only clearing the workflow's state gets past it: DELETE _plugins/_flow_framework/workflow/{resource.WorkflowId}?clear_status=true (which also deletes the template).";

        internal static string NeedsAllowDelete(FlowResource resource) =>
            $"The server deletes {(resource.ResourceType == FlowStepCatalogue.IndexName ? "an index" : "a pipeline")} only when its id is in allow_delete; allow '{resource.ResourceId}' to delete it.";

        internal static string Retained(FlowResource resource) =>
            $"The server drops {resource.ResourceType} entries from the state without deleting them; delete it yourself if it is no longer needed.";

        internal static string ModelGroupWaitsForCleanWorkflow(FlowResource resource) =>
            Retained(resource) + " It is deleted only once the workflow is clean, and this workflow still has resources.";

        internal static string ModelGroupNotDeleted(string groupId, FlowApiException error)
        {
            var said = error.ServerMessage is string text ? $"HTTP {Number(error.StatusCode ?? 0)}: {text}" : error.Message;
            var hint = error.StatusCode == 409
                ? $"Models registered outside the workflow are still in it: find them with GET _plugins/_ml/models/_search (term model_group_id {groupId}), delete them, then DELETE _plugins/_ml/model_groups/{groupId}."
                : error.Kind == FlowErrorKind.Forbidden || error.Kind == FlowErrorKind.Authentication
                    ? "The user may not delete it: it needs ML Commons model group delete permission (cluster:admin/opensearch/ml/model_groups/delete) and access to the group."
                    : $"Delete it with DELETE _plugins/_ml/model_groups/{groupId} once the cluster answers.";
            return $"The model group was not deleted ({said}). The workflow no longer lists it, so deprovisioning again does not retry it. {hint}";
        }

        internal static string NotDeprovisioned(FlowApiException? error) =>
            error is null ? "The deprovision did not run." : "Not deprovisioned: " + error.Message;

        internal static string UnknownStepReason(FlowResource resource) =>
            $"The step '{resource.StepName}' is unknown to this module, and the server has no deprovision step for it either; the server fails the deprovision request. "
            + $"Delete the resource by hand, then clear the state with DELETE _plugins/_flow_framework/workflow/{resource.WorkflowId}?clear_status=true.";

        internal static string Failed(FlowResource resource, int attempts, FlowDeprovisionResponse? last) =>
            $"The server could not {Verb(resource)} it in {Count(attempts, "attempt")} ("
            + (last?.Message is string message ? $"HTTP {Number(last.StatusCode)}: {message}" : "no message") + "). " + Hint(resource);

        private static string Verb(FlowResource resource) =>
            resource.DeprovisionStep == "undeploy_model" ? "undeploy" : resource.DeprovisionStep is null && resource.StepName.Length > 0 ? "deprovision" : "delete";

        private static string Hint(FlowResource resource)
        {
            if (resource.DeprovisionStep is null && resource.StepName.Length > 0)
            {
                return $"The step '{resource.StepName}' has no deprovision step the module knows of; delete the resource by hand, then clear the state with DELETE _plugins/_flow_framework/workflow/{resource.WorkflowId}?clear_status=true.";
            }

            switch (resource.ResourceType)
            {
                case FlowStepCatalogue.ModelId:
                    return $"A model that is still deployed or still used by an agent or pipeline is the usual cause, or the user lacks ML Commons model undeploy/delete permission; check GET _plugins/_ml/models/{resource.ResourceId}, then deprovision again.";
                case FlowStepCatalogue.ConnectorId:
                    return "A connector is only deleted once no model uses it, so a model that is still going away is the usual cause, or the user lacks ML Commons connector delete permission; deprovision again to retry.";
                case FlowStepCatalogue.AgentId:
                    return "Check that the user has ML Commons agent delete permission, then deprovision again.";
                case FlowStepCatalogue.IndexName:
                case FlowStepCatalogue.PipelineId:
                    return "If it was already deleted outside the workflow the server still reports it as failed (delete the state with clear_status); otherwise check the user's delete permission on it, then deprovision again.";
                default:
                    return "Check the resource and the user's permission to delete it, then deprovision again.";
            }
        }

        private static string TransientWhat(FlowApiException error) =>
            DeprovisionRun.IsStateResetFailure(error)
                ? $"deleted everything but could not reset the workflow state (HTTP {Number(error.StatusCode ?? 0)}: {DeprovisionRun.StateResetFailed}); running deprovision again resets it"
                : error.Kind switch
                {
                    FlowErrorKind.Throttled => "is throttling requests (HTTP 429)",
                    FlowErrorKind.Timeout => "did not answer in time" + (error.StatusCode is int s ? $" (HTTP {Number(s)})" : string.Empty),
                    _ => "is unavailable" + (error.StatusCode is int u ? $" (HTTP {Number(u)})" : " (no connection)"),
                };

        private static string Describe(IReadOnlyCollection<FlowResource>? leftovers)
        {
            if (leftovers is null || leftovers.Count == 0)
            {
                return "nothing left";
            }

            var keys = leftovers.Select(r => r.ToString()).Distinct(StringComparer.Ordinal).ToList();
            return Count(keys.Count, "resource") + " left: " + string.Join(", ", keys);
        }

        internal static string Count(int n, string singular, string? plural = null) => Number(n) + " " + (n == 1 ? singular : plural ?? singular + "s");

        internal static string Seconds(TimeSpan t) => FormattableString.Invariant($"{t.TotalSeconds:0.0} s");

        private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
