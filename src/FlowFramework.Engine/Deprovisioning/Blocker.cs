using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>What a read says about the dependency that made a leftover fail.</summary>
    internal enum BlockerState
    {
        /// <summary>The read shows the dependency still in place: worth watching until it goes away.</summary>
        Blocked,
        /// <summary>The read shows nothing in the way (any more).</summary>
        Clear,
        /// <summary>No read can tell: a type without one, a denied or failed read, or a read that said clear before the server failed on it again.</summary>
        Unknown,
        /// <summary>The dependency cannot go away in this run: a pipeline of the workflow that uses the model and may not be deleted.</summary>
        Stuck,
    }

    /// <summary>One Failed leftover's blocker, as the last read of it showed.</summary>
    internal sealed class BlockerReading
    {
        internal BlockerReading(FlowResourceKey key, BlockerState state, string subject, string? observed = null, TimeSpan? retryAfter = null, IReadOnlyList<string>? users = null,
            IReadOnlyList<ModelUser>? modelUsers = null)
        {
            Key = key;
            State = state;
            Subject = subject;
            Observed = observed;
            RetryAfter = retryAfter;
            Users = users ?? Array.Empty<string>();
            ModelUsers = modelUsers ?? Array.Empty<ModelUser>();
        }

        internal FlowResourceKey Key { get; }

        internal BlockerState State { get; }

        /// <summary>
        /// Blocked: what is awaited ("model X to leave DEPLOYED"); Clear: what the read showed ("model X is UNDEPLOYED");
        /// Unknown: why no read can tell.
        /// </summary>
        internal string Subject { get; }

        /// <summary>A model's state, or the ids of the models still using a connector joined with ", ".</summary>
        internal string? Observed { get; }

        /// <summary>The read was throttled: the next one waits at least this long.</summary>
        internal TimeSpan? RetryAfter { get; }

        /// <summary>For a connector: the models the search found using it.</summary>
        internal IReadOnlyList<string> Users { get; }

        /// <summary>
        /// For a model the server refused while it was not deployed: Blocked, the agents and pipelines awaited; Stuck, the
        /// workflow's own pipelines that may not be deleted.
        /// </summary>
        internal IReadOnlyList<ModelUser> ModelUsers { get; }

        /// <summary>A reading that stays what it was (a throttled re-read), with the server's Retry-After.</summary>
        internal BlockerReading Throttled(TimeSpan? retryAfter) => new BlockerReading(Key, State, Subject, Observed, retryAfter, Users, ModelUsers);
    }

    /// <summary>
    /// What blocks a Failed leftover, from the reads that can tell (pure: the reads are done by the caller). A model
    /// cannot be deleted while its document says deployed or deploying (ML Commons DeleteModelTransportAction); a
    /// connector cannot be deleted while the model search finds a model using it (DeleteConnectorTransportAction).
    /// </summary>
    internal static class BlockerClassifier
    {
        private static readonly string[] Deploying = { "DEPLOYING", "LOADING" };
        private static readonly string[] Deployed = { "DEPLOYED", "PARTIALLY_DEPLOYED", "LOADED", "PARTIALLY_LOADED" };

        /// <summary>Whether a model in <paramref name="state"/> is refused by a delete.</summary>
        internal static bool IsDeployedOrDeploying(string? state) => state is not null && (Deploying.Contains(state) || Deployed.Contains(state));

        /// <param name="leftover">A Failed leftover (one entry of its key is enough).</param>
        /// <param name="leftovers">All of the run's leftovers: a model's own undeploy still pending, a connector's users that go in the same request.</param>
        /// <param name="check">The model's read (GET _plugins/_ml/models/id); null for other types.</param>
        /// <param name="users">The connector's users from the model search; null when not searched or for other types.</param>
        /// <param name="clearBeforeLastAttempt">The read showed it clear when the last attempt was sent, and the server still failed on it.</param>
        /// <param name="modelUsers">For a model the server failed on although it was clear: the agents and pipelines using it (ML Commons' safe delete); null when not read.</param>
        internal static BlockerReading Classify(FlowResource leftover, IReadOnlyCollection<FlowResource> leftovers, ResourceCheck? check, ConnectorUsers? users, bool clearBeforeLastAttempt,
            ModelUsers? modelUsers = null)
        {
            var key = leftover.Key();
            var reading = ClassifyRead(leftover, leftovers, check, users);
            if (reading.State != BlockerState.Clear || !clearBeforeLastAttempt || UsedByOwnFailedModel(leftover, leftovers, users))
            {
                return reading;
            }

            var unexplained = new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.ClearYetFailed(reading.Subject));
            return leftover.ResourceType == FlowStepCatalogue.ModelId && reading.Observed != "gone" && modelUsers is not null
                ? ClassifyModelUsers(leftover, leftovers, modelUsers, unexplained)
                : unexplained;
        }

        /// <summary>
        /// A connector the server failed on while one of this workflow's Failed models used it: that model explains the
        /// failure, so when the model is awaited the connector stays clear (it goes with the model in the next request).
        /// </summary>
        private static bool UsedByOwnFailedModel(FlowResource leftover, IReadOnlyCollection<FlowResource> leftovers, ConnectorUsers? users) =>
            leftover.ResourceType == FlowStepCatalogue.ConnectorId && users?.ModelIds is { } ids
            && leftovers.Any(r => r.ResourceType == FlowStepCatalogue.ModelId && r.Status == FlowResourceStatus.Failed && ids.Contains(r.ResourceId));

        /// <summary>
        /// A model that is not deployed and still refused: with safe delete on, ML Commons refuses it while an agent or a
        /// pipeline uses it. The workflow's own pipelines that may not be deleted never go in this run (Stuck); the
        /// workflow's own Failed agents and pipelines go before the model in the same request (the server deletes in
        /// reverse order), so they are not awaited; anything else is awaited (Blocked). No user found: the reads do not
        /// explain it (<paramref name="unexplained"/>).
        /// </summary>
        internal static BlockerReading ClassifyModelUsers(FlowResource model, IReadOnlyCollection<FlowResource> leftovers, ModelUsers users, BlockerReading unexplained)
        {
            var key = model.Key();
            if (users.Users is null)
            {
                return new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.ModelUsersUnreadable(model.ResourceId, users.Failure), retryAfter: users.RetryAfter);
            }

            bool Own(ModelUser user, FlowResourceStatus status) => leftovers.Any(r => r.Status == status && string.Equals(r.ResourceId, user.Id, StringComparison.Ordinal)
                && r.ResourceType == (user.IsPipeline ? FlowStepCatalogue.PipelineId : FlowStepCatalogue.AgentId));
            var disallowed = users.Users.Where(u => u.IsPipeline && Own(u, FlowResourceStatus.NeedsAllowDelete)).ToList();
            if (disallowed.Count > 0)
            {
                return new BlockerReading(key, BlockerState.Stuck, DeprovisionWording.UsedByDisallowed(model.ResourceId, disallowed), modelUsers: disallowed);
            }

            var others = users.Users.Where(u => !Own(u, FlowResourceStatus.Failed)).ToList();
            return others.Count > 0
                ? new BlockerReading(key, BlockerState.Blocked, DeprovisionWording.ModelUsersToGo(model.ResourceId, others), string.Join(", ", others), modelUsers: others)
                : users.Users.Count > 0
                    ? new BlockerReading(key, BlockerState.Clear, DeprovisionWording.ModelUsedOnlyByOwn(model.ResourceId, users.Users))
                    : unexplained;
        }

        private static BlockerReading ClassifyRead(FlowResource leftover, IReadOnlyCollection<FlowResource> leftovers, ResourceCheck? check, ConnectorUsers? users)
        {
            var key = leftover.Key();
            switch (leftover.ResourceType)
            {
                case FlowStepCatalogue.ModelId:
                    if (check is null || check.Found is null)
                    {
                        return new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.UnreadableBlocker(leftover, check?.Failure), retryAfter: check?.RetryAfter);
                    }

                    if (check.Found == false)
                    {
                        return new BlockerReading(key, BlockerState.Clear, DeprovisionWording.ModelGone(leftover.ResourceId), "gone");
                    }

                    var state = check.ModelState;
                    if (state is not null && Deploying.Contains(state))
                    {
                        return new BlockerReading(key, BlockerState.Blocked, DeprovisionWording.ModelToLeave(leftover.ResourceId, state), state);
                    }

                    if (state is not null && Deployed.Contains(state))
                    {
                        // With its undeploy still to run, nothing happens by waiting: the next request undeploys it first.
                        var undeployPending = leftovers.Any(r => r.Key().Equals(key) && r.DeprovisionStep == "undeploy_model" && r.Status == FlowResourceStatus.Failed);
                        return undeployPending
                            ? new BlockerReading(key, BlockerState.Clear, DeprovisionWording.UndeployPending(leftover.ResourceId, state), state)
                            : new BlockerReading(key, BlockerState.Blocked, DeprovisionWording.ModelToLeave(leftover.ResourceId, state), state);
                    }

                    return state is null
                        ? new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.UnreadableBlocker(leftover, "no model_state in the answer"))
                        : new BlockerReading(key, BlockerState.Clear, DeprovisionWording.ModelIs(leftover.ResourceId, state), state);

                case FlowStepCatalogue.ConnectorId:
                    if (users is null || users.ModelIds is null)
                    {
                        return new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.UnreadableBlocker(leftover, users?.Failure), retryAfter: users?.RetryAfter);
                    }

                    // Models that are this workflow's own leftovers go first in the same request (the server deletes in
                    // reverse order): they are waited for as models, not as the connector's users.
                    var ownModels = new HashSet<string>(leftovers.Where(r => r.ResourceType == FlowStepCatalogue.ModelId && r.Status == FlowResourceStatus.Failed).Select(r => r.ResourceId), StringComparer.Ordinal);
                    var others = users.ModelIds.Where(id => !ownModels.Contains(id)).ToList();
                    return others.Count > 0
                        ? new BlockerReading(key, BlockerState.Blocked, DeprovisionWording.ConnectorToLoseUsers(leftover.ResourceId, others), string.Join(", ", others), users: others)
                        : new BlockerReading(key, BlockerState.Clear, DeprovisionWording.ConnectorFree(leftover.ResourceId, users.ModelIds.Count), users: users.ModelIds);

                default:
                    return new BlockerReading(key, BlockerState.Unknown, DeprovisionWording.NoBlockerRead(leftover));
            }
        }
    }
}
