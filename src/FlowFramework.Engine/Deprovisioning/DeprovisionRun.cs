using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// One workflow's deprovision: attempt, reconcile what is left, decide, wait, until the decision stops it.
    /// Transient faults of a single request are ridden out inside the attempt (<see cref="TransientRetry"/>); every
    /// request counts towards MaxAttempts.
    /// </summary>
    internal sealed class DeprovisionRun
    {
        internal const string StateResetFailed = "Failed to reset workflow state";

        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;
        private readonly FlowDeprovisionPlan _plan;
        private readonly Action<FlowDeprovisionEvent>? _onEvent;
        private readonly TimeProvider _time;
        private readonly RetryDelay _delays;
        private readonly LeftoverReconciler _reconciler;
        private readonly TransientRetry _transient;
        private readonly Dictionary<FlowResourceKey, int> _failures = new Dictionary<FlowResourceKey, int>();
        private readonly Dictionary<FlowResourceKey, string?> _missing = new Dictionary<FlowResourceKey, string?>();
        private readonly TimeSpan _requestTimeout;
        private readonly ReadPacer _pacer;

        private long _started;
        private int _attempt;
        private List<FlowResource>? _leftovers;
        private FlowDeprovisionResponse? _lastResponse;
        private FlowApiException? _lastError;
        private string? _stallSet;
        private TimeSpan _stallSince;
        private bool _modelDeploying;
        private bool _serverStillWorking;

        /// <summary>The model reads of the last existence check, reused as the first reading of the watch.</summary>
        private Dictionary<FlowResourceKey, ResourceCheck> _lastChecks = new Dictionary<FlowResourceKey, ResourceCheck>();

        /// <summary>Leftovers whose read showed nothing in the way when the last attempt was sent.</summary>
        private HashSet<FlowResourceKey> _clearAtResend = new HashSet<FlowResourceKey>();

        /// <summary>The last watch's models that agents or pipelines still use (Blocked or Stuck readings), for their Reason.</summary>
        private Dictionary<FlowResourceKey, BlockerReading> _modelUsers = new Dictionary<FlowResourceKey, BlockerReading>();

        internal DeprovisionRun(FlowApiClient client, FlowDeprovisionOptions options, FlowDeprovisionPlan plan, Action<FlowDeprovisionEvent>? onEvent)
        {
            _client = client;
            _options = options;
            _plan = plan;
            _onEvent = onEvent;
            _time = options.TimeProvider ?? TimeProvider.System;
            _delays = new RetryDelay(options);
            _reconciler = new LeftoverReconciler(ReadStatusAfterAnswerAsync, plan, message => Emit(FlowDeprovisionEventKind.Diagnostic, null, message));
            _pacer = new ReadPacer(_time, options.WatchReadsPerSecond);
            _requestTimeout = DeprovisionTimeout.For(plan.Steps.Count(step => step.Action != FlowPlannedAction.NeedsAllowDelete), client.RequestTimeout);
            _transient = new TransientRetry(_time, options.MaxAttempts, IsRetryable, ex => RetryDecision.Decide(StateAfter(ex)),
                (ex, delay) => Emit(FlowDeprovisionEventKind.RetryScheduled, delay, DeprovisionWording.Waiting(delay, _attempt + 1, DeprovisionWording.ClusterTrouble(ex))));
        }

        private TimeSpan Elapsed => _time.GetElapsedTime(_started);

        internal async Task<FlowDeprovisionReport> ExecuteAsync(CancellationToken ct)
        {
            _started = _time.GetTimestamp();
            foreach (var step in _plan.Steps.Where(s => s.IsUnknownStep))
            {
                Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.UnknownStep(step.Resource));
            }

            while (true)
            {
                // Attempt: one deprovision request; its transient faults are retried inside, within the run's limits.
                _lastChecks = new Dictionary<FlowResourceKey, ResourceCheck>();
                FlowDeprovisionResponse? response = null;
                try
                {
                    response = await _transient.ExecuteAsync(SendAsync, ct).ConfigureAwait(false);
                    _lastResponse = response;
                    _lastError = null;
                }
                catch (FlowApiException ex)
                {
                    _lastError = ex;
                }

                // Reconcile: what is left, read from the status (the answer's text as the fallback). A request the
                // client gave up on is still running on the server: watch it finish rather than send it again.
                var outcome = response is not null ? await ReconcileAsync(response, ct).ConfigureAwait(false)
                    : IsUnanswered(_lastError!) && UnknownSteps().Count == 0 ? await WatchAsync(ct).ConfigureAwait(false) ?? Classify(_lastError!)
                    : Classify(_lastError!);

                // Decide.
                var state = outcome == AttemptOutcome.Transient ? StateAfter(_lastError!) : StateAfter(outcome);
                var verdict = RetryDecision.Decide(state);
                if (verdict is StopVerdict stop)
                {
                    if (stop.Reason != StopReason.Settled)
                    {
                        Emit(FlowDeprovisionEventKind.Stopped, null, DeprovisionWording.Stopped(_attempt, stop, RemainingCount(), state.SameLeftoversFor, _options.Timeout, UnknownSteps()));
                    }

                    return Report(outcome, stop);
                }

                // Wait: after leftovers, watch what blocks them and send again as soon as it is gone; else the delay.
                var delay = ((RetryVerdict)verdict).Delay;
                if (outcome == AttemptOutcome.Partial)
                {
                    if (await WatchBlockersAsync(delay, ct).ConfigureAwait(false) is StopVerdict watchStop)
                    {
                        Emit(FlowDeprovisionEventKind.Stopped, null, DeprovisionWording.Stopped(_attempt, watchStop, RemainingCount(), Elapsed - _stallSince, _options.Timeout, UnknownSteps()));
                        return Report(outcome, watchStop);
                    }

                    continue;
                }

                var failed = _leftovers?.Count(r => r.Status == FlowResourceStatus.Failed) ?? 0;
                Emit(FlowDeprovisionEventKind.RetryScheduled, delay, DeprovisionWording.Waiting(delay, _attempt + 1, DeprovisionWording.LeftoversNeedTime(failed)));
                await _time.Delay(delay, ct).ConfigureAwait(false);
            }
        }

        /// <summary>One request, as the transient retry sends it (again).</summary>
        private async Task<FlowDeprovisionResponse> SendAsync(CancellationToken ct)
        {
            _attempt++;
            Emit(FlowDeprovisionEventKind.AttemptStarting, null, DeprovisionWording.AttemptStarting(_attempt, _options.MaxAttempts, RemainingCount(), _plan.AllowDelete));
            var sent = _time.GetTimestamp();
            try
            {
                return await _client.DeprovisionAsync(_plan.WorkflowId, _plan.AllowDelete, ct, _requestTimeout).ConfigureAwait(false);
            }
            catch (FlowApiException ex)
            {
                Emit(FlowDeprovisionEventKind.AttemptFinished, null, DeprovisionWording.AttemptFailed(_attempt, _time.GetElapsedTime(sent), ex));
                throw;
            }
        }

        private async Task<AttemptOutcome> ReconcileAsync(FlowDeprovisionResponse response, CancellationToken ct)
        {
            var answered = _time.GetTimestamp();
            AttemptOutcome outcome;
            if (response.Kind == FlowDeprovisionResponseKind.Completed)
            {
                _leftovers = await _reconciler.ConfirmAsync(ct).ConfigureAwait(false);
                outcome = _leftovers.Count == 0 ? AttemptOutcome.Completed : AttemptOutcome.Partial;
            }
            else
            {
                _leftovers = await _reconciler.ReconcileAsync(response, ct).ConfigureAwait(false);
                foreach (var key in _leftovers.Select(r => r.Key()).Distinct())
                {
                    _failures[key] = _failures.TryGetValue(key, out var n) ? n + 1 : 1;
                }

                outcome = response.Kind == FlowDeprovisionResponseKind.NeedsAllowDelete ? AttemptOutcome.NeedsAllowDelete : AttemptOutcome.Partial;
            }

            if (outcome == AttemptOutcome.Partial && response.Kind != FlowDeprovisionResponseKind.Completed)
            {
                await CheckLeftoversAsync(ct).ConfigureAwait(false);
            }

            Emit(FlowDeprovisionEventKind.AttemptFinished, null,
                DeprovisionWording.AttemptAnswered(_attempt, response.StatusCode, _time.GetElapsedTime(answered), _leftovers));
            TrackStall(outcome);
            return outcome;
        }

        /// <summary>
        /// The status read after an answer rides out transient failures as the plan's read does (three reads at most,
        /// within the run's time limit): the answer's own text is the fallback, and it is de-duplicated free text that
        /// cannot tell a model's undeploy that worked from its delete that failed.
        /// </summary>
        private Task<FlowWorkflowStatus> ReadStatusAfterAnswerAsync(CancellationToken ct)
        {
            var left = _options.Timeout - Elapsed;
            var limits = new FlowDeprovisionOptions
            {
                MaxAttempts = 3,
                Timeout = left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1),
                BaseDelay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                StallTimeout = _options.StallTimeout,
                TimeProvider = _time,
                RandomSeed = _options.RandomSeed,
            };
            return StateReader.ReadAsync(_client, limits, _plan.WorkflowId,
                ev => _onEvent?.Invoke(new FlowDeprovisionEvent(ev.WorkflowId, FlowDeprovisionEventKind.Diagnostic, _attempt, RemainingCount(), null, ev.Message)), ct);
        }

        /// <summary>
        /// After a request the client gave up on: polls the status until it shows NOT_STARTED (the server finished) or
        /// has not changed for longer than a step timeout plus a pass pause (the server is done with it). Null when
        /// the status cannot be watched.
        /// </summary>
        private async Task<AttemptOutcome?> WatchAsync(CancellationToken ct)
        {
            Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.Watching(_lastError!.Timeout));
            string? last = null;
            var since = Elapsed;
            while (true)
            {
                try
                {
                    var state = await _client.GetWorkflowStatusAsync(_plan.WorkflowId, true, ct).ConfigureAwait(false);
                    if (state.State == "NOT_STARTED" && state.Resources.Length == 0)
                    {
                        Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.WatchFinished);
                        _leftovers = new List<FlowResource>();
                        return AttemptOutcome.Completed;
                    }

                    var snapshot = state.State + "|" + state.ProvisioningProgress + "|" + string.Join(",", state.Resources.Select(r => r.Key().ToString()));
                    if (!string.Equals(snapshot, last, StringComparison.Ordinal))
                    {
                        last = snapshot;
                        since = Elapsed;
                    }
                    else if (Elapsed - since > DeprovisionTimeout.Quiet)
                    {
                        Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.WatchSettled(Elapsed - since, state.Resources.Length));
                        _leftovers = state.Resources.Select(r => r.With(FlowResourceStatus.Failed)).ToList();
                        foreach (var key in _leftovers.Select(r => r.Key()).Distinct())
                        {
                            _failures[key] = _failures.TryGetValue(key, out var n) ? n + 1 : 1;
                        }

                        await CheckLeftoversAsync(ct).ConfigureAwait(false);
                        TrackStall(AttemptOutcome.Partial);
                        return AttemptOutcome.Partial;
                    }
                }
                catch (FlowApiException ex) when (ex.Kind == FlowErrorKind.NotFound)
                {
                    Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.StateGoneWithTemplate);
                    _leftovers = new List<FlowResource>();
                    return AttemptOutcome.Completed;
                }
                catch (FlowApiException ex) when (!ex.IsTransient)
                {
                    return null;
                }

                if (Elapsed + DeprovisionTimeout.PassPause > _options.Timeout)
                {
                    _serverStillWorking = true;
                    return null;
                }

                await _time.Delay(DeprovisionTimeout.PassPause, ct).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Before a Failed leftover is reported: is it still there? Gone (404) is Missing, which the server fails on
        /// forever; a denied or failed read leaves it Failed. A model's state tells whether it is still deploying.
        /// </summary>
        private async Task CheckLeftoversAsync(CancellationToken ct)
        {
            _modelDeploying = false;
            var checkedNow = new Dictionary<FlowResourceKey, ResourceCheck>();
            for (var i = 0; i < _leftovers!.Count; i++)
            {
                var leftover = _leftovers[i];
                var key = leftover.Key();
                if (leftover.Status != FlowResourceStatus.Failed)
                {
                    continue;
                }

                if (!_missing.ContainsKey(key))
                {
                    if (!checkedNow.TryGetValue(key, out var check))
                    {
                        checkedNow[key] = check = await _client.CheckResourceAsync(leftover, ct, _pacer).ConfigureAwait(false);
                        if (check.ModelState is "DEPLOYING" or "LOADING")
                        {
                            _modelDeploying = true;
                            Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.ModelDeploying(leftover));
                        }
                    }

                    if (!check.IsMissing)
                    {
                        continue;
                    }

                    _missing[key] = check.MissingRead;
                }

                _leftovers[i] = leftover.With(FlowResourceStatus.Missing);
            }

            _lastChecks = checkedNow;
        }

        /// <summary>
        /// Instead of a blind delay: reads what blocks the Failed leftovers (a model's state, a connector's users) and
        /// re-reads the blocked ones at a short, gently growing interval until they clear (send again now), the backoff
        /// for the rest is over, or a limit stops the run (<see cref="BlockerWatch"/> decides). Null: send again.
        /// </summary>
        private async Task<StopVerdict?> WatchBlockersAsync(TimeSpan backoff, CancellationToken ct)
        {
            var began = Elapsed;
            var readings = await FirstReadingsAsync(ct).ConfigureAwait(false);
            _clearAtResend = new HashSet<FlowResourceKey>();
            _modelUsers = new Dictionary<FlowResourceKey, BlockerReading>();
            string? announced = null;
            var awaited = new HashSet<FlowResourceKey>();
            for (var round = 1; ; round++)
            {
                _modelDeploying = readings.Any(r => r.State == BlockerState.Blocked && (r.Observed == "DEPLOYING" || r.Observed == "LOADING"));
                foreach (var reading in readings)
                {
                    if (reading.ModelUsers.Count > 0 && reading.State is BlockerState.Blocked or BlockerState.Stuck)
                    {
                        _modelUsers[reading.Key] = reading;
                    }
                    else
                    {
                        _modelUsers.Remove(reading.Key);
                    }
                }

                var verdict = BlockerWatch.Decide(new WatchState(readings, round, Elapsed - began, backoff, Elapsed, _options.Timeout)
                {
                    SameLeftoversFor = Elapsed - _stallSince,
                    StallTimeout = _options.StallTimeout,
                    ModelDeploying = _modelDeploying,
                    FirstInterval = _options.WatchInterval,
                    MaxInterval = _options.WatchMaxInterval,
                    MaxReadsPerSecond = _options.WatchReadsPerSecond,
                });
                switch (verdict.Action)
                {
                    case WatchAction.Stop:
                        return verdict.Stop;
                    case WatchAction.Resend:
                        if (announced is not null)
                        {
                            Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.Cleared(readings.Where(r => awaited.Contains(r.Key)), Elapsed - began, _attempt + 1));
                        }
                        else if (readings.Count > 0)
                        {
                            // The first reads already show the way clear (a lag that ended while the answer came): say so.
                            Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.NothingToWaitFor(readings, _attempt + 1));
                        }

                        _clearAtResend = new HashSet<FlowResourceKey>(readings.Where(r => r.State == BlockerState.Clear).Select(r => r.Key));
                        return null;
                    case WatchAction.FallBack:
                        var failed = _leftovers?.Count(r => r.Status == FlowResourceStatus.Failed) ?? 0;
                        Emit(FlowDeprovisionEventKind.RetryScheduled, verdict.Delay, DeprovisionWording.Waiting(verdict.Delay, _attempt + 1,
                            DeprovisionWording.LeftoversNeedTime(failed) + DeprovisionWording.Unwatchable(readings.Where(r => r.State == BlockerState.Unknown))));
                        await _time.Delay(verdict.Delay, ct).ConfigureAwait(false);
                        _clearAtResend = new HashSet<FlowResourceKey>(readings.Where(r => r.State == BlockerState.Clear).Select(r => r.Key));
                        return null;
                    default:
                        var subjects = string.Join("\n", verdict.Blocked.Select(r => r.Subject));
                        awaited.UnionWith(verdict.Blocked.Select(r => r.Key));
                        if (!string.Equals(subjects, announced, StringComparison.Ordinal))
                        {
                            announced = subjects;
                            Emit(FlowDeprovisionEventKind.Diagnostic, null, DeprovisionWording.WaitingFor(verdict.Blocked, verdict.Delay, _attempt + 1, readings.Any(r => r.State == BlockerState.Unknown)));
                        }

                        await _time.Delay(verdict.Delay, ct).ConfigureAwait(false);
                        readings = await RereadAsync(readings, verdict.Blocked, ct).ConfigureAwait(false);
                        break;
                }
            }
        }

        /// <summary>
        /// One reading per Failed leftover: models from the existence check just made (else read now), connectors from the
        /// model search. A model that was clear when the last attempt went and still failed is read for what uses it (safe
        /// delete). Every read keeps the per-workflow bound, the existence check's included.
        /// </summary>
        private async Task<List<BlockerReading>> FirstReadingsAsync(CancellationToken ct)
        {
            var readings = new List<BlockerReading>();
            foreach (var leftover in FailedLeftovers())
            {
                var key = leftover.Key();
                ResourceCheck? check = null;
                ConnectorUsers? users = null;
                ModelUsers? modelUsers = null;
                if (leftover.ResourceType == FlowStepCatalogue.ModelId && !_lastChecks.TryGetValue(key, out check))
                {
                    check = await _client.CheckResourceAsync(leftover, ct, _pacer).ConfigureAwait(false);
                }
                else if (leftover.ResourceType == FlowStepCatalogue.ConnectorId)
                {
                    users = await _client.FindConnectorUsersAsync(_plan.WorkflowId, leftover.ResourceId, ct, _pacer).ConfigureAwait(false);
                }

                var clearBefore = _clearAtResend.Contains(key);
                if (clearBefore && leftover.ResourceType == FlowStepCatalogue.ModelId
                    && BlockerClassifier.Classify(leftover, _leftovers!, check, users, clearBeforeLastAttempt: false) is { State: BlockerState.Clear } clear && clear.Observed != "gone")
                {
                    modelUsers = await _client.FindModelUsersAsync(_plan.WorkflowId, leftover.ResourceId, ct, _pacer).ConfigureAwait(false);
                }

                readings.Add(BlockerClassifier.Classify(leftover, _leftovers!, check, users, clearBefore, modelUsers));
            }

            return readings;
        }

        /// <summary>Reads the blocked ones again; a throttled or unanswered read keeps its reading (and the server's Retry-After).</summary>
        private async Task<List<BlockerReading>> RereadAsync(List<BlockerReading> readings, IReadOnlyList<BlockerReading> blocked, CancellationToken ct)
        {
            var next = new List<BlockerReading>(readings.Count);
            foreach (var reading in readings)
            {
                var leftover = FailedLeftovers().FirstOrDefault(r => r.Key().Equals(reading.Key));
                if (leftover is null || !blocked.Contains(reading))
                {
                    next.Add(reading);
                    continue;
                }

                ResourceCheck? check = null;
                ConnectorUsers? users = null;
                bool transient;
                TimeSpan? retryAfter;
                if (reading.ModelUsers.Count > 0)
                {
                    // Awaited agents and pipelines: each is read again by id until it is gone or no longer names the model.
                    var again = await _client.ReadModelUsersAgainAsync(_plan.WorkflowId, leftover.ResourceId, reading.ModelUsers, ct, _pacer).ConfigureAwait(false);
                    next.Add(again.Users is null && again.Transient ? reading.Throttled(again.RetryAfter)
                        : BlockerClassifier.ClassifyModelUsers(leftover, _leftovers!, again,
                            new BlockerReading(reading.Key, BlockerState.Clear, DeprovisionWording.ModelUsersGone(leftover.ResourceId))));
                    continue;
                }

                if (leftover.ResourceType == FlowStepCatalogue.ModelId)
                {
                    check = await _client.CheckResourceAsync(leftover, ct, _pacer).ConfigureAwait(false);
                    (transient, retryAfter) = (check.Found is null && check.Transient, check.RetryAfter);
                }
                else
                {
                    users = await _client.FindConnectorUsersAsync(_plan.WorkflowId, leftover.ResourceId, ct, _pacer).ConfigureAwait(false);
                    (transient, retryAfter) = (users.ModelIds is null && users.Transient, users.RetryAfter);
                }

                next.Add(transient ? reading.Throttled(retryAfter) : BlockerClassifier.Classify(leftover, _leftovers!, check, users, clearBeforeLastAttempt: false));
            }

            return next;
        }

        /// <summary>The Failed leftovers, one per resource (a model's registered and deployed entries are one model).</summary>
        private List<FlowResource> FailedLeftovers() =>
            (_leftovers ?? new List<FlowResource>()).Where(r => r.Status == FlowResourceStatus.Failed)
                .GroupBy(r => r.Key()).Select(g => g.First()).ToList();

        /// <summary>Remembers since when the same leftovers have been failing.</summary>
        private void TrackStall(AttemptOutcome outcome)
        {
            if (outcome != AttemptOutcome.Partial)
            {
                return;
            }

            var set = string.Join("\n", _leftovers!.Select(r => r.Key().ToString()).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal));
            if (!string.Equals(set, _stallSet, StringComparison.Ordinal))
            {
                _stallSet = set;
                _stallSince = Elapsed;
            }
        }

        private RunState StateAfter(AttemptOutcome outcome) =>
            new RunState(outcome, _attempt, _options.MaxAttempts, Elapsed, _options.Timeout, _delays.After(_attempt))
            {
                SameLeftoversFor = outcome == AttemptOutcome.Partial ? Elapsed - _stallSince : TimeSpan.Zero,
                StallTimeout = _options.StallTimeout,
                NothingToRetry = _leftovers is { Count: > 0 } left && left.Any(r => r.Status == FlowResourceStatus.Missing)
                    && left.All(r => r.Status == FlowResourceStatus.Missing || r.Status == FlowResourceStatus.NeedsAllowDelete),
                ModelDeploying = _modelDeploying,
            };

        private RunState StateAfter(FlowApiException error)
        {
            var state = StateAfter(Classify(error));
            state.RetryAfter = error.RetryAfter;
            state.WouldHangAgain = IsUnanswered(error) && UnknownSteps().Count > 0;
            state.ServerStillWorking = _serverStillWorking;
            return state;
        }

        private static AttemptOutcome Classify(FlowApiException error) =>
            IsRetryable(error) || IsUnanswered(error) ? AttemptOutcome.Transient : error.Kind == FlowErrorKind.NotFound ? AttemptOutcome.NotFound : AttemptOutcome.Fatal;

        /// <summary>Sent again at once: a request whose answer was a transient failure. Not one that got no answer: the server is still at it.</summary>
        private static bool IsRetryable(FlowApiException error) => (error.IsTransient && !IsUnanswered(error)) || IsStateResetFailure(error);

        /// <summary>The client gave up waiting; the server never cancels a running deprovision (server-behaviour.md §10).</summary>
        private static bool IsUnanswered(FlowApiException error) => error.Kind == FlowErrorKind.Timeout && error.StatusCode is null;

        /// <summary>
        /// The server deleted every resource but could not reset the state document afterwards (server-behaviour.md §1,
        /// with the cause's status; upstream issue #691). Running deprovision again resets it, so it is retried.
        /// </summary>
        internal static bool IsStateResetFailure(FlowApiException error) =>
            error.StatusCode is int status && status >= 400 && status != 401 && status != 403 && status != 404
            && string.Equals(error.ServerMessage?.Trim(), StateResetFailed, StringComparison.Ordinal);

        private FlowDeprovisionReport Report(AttemptOutcome outcome, StopVerdict stop)
        {
            var deprovisioned = new List<FlowResource>();
            var retained = new List<FlowResource>();
            List<FlowResource> remaining;
            FlowDeprovisionStatus status;
            if (outcome == AttemptOutcome.NotFound)
            {
                remaining = new List<FlowResource>();
                status = FlowDeprovisionStatus.NotFound;
            }
            else if (_leftovers is null)
            {
                // Nothing reached the server's deprovision logic: everything is still where the plan found it.
                remaining = _plan.Steps.Select(s => s.Resource).Select(NotDeprovisioned).ToList();
                status = FlowDeprovisionStatus.Failed;
            }
            else
            {
                remaining = outcome == AttemptOutcome.Completed ? new List<FlowResource>() : _leftovers.Select(Finish).ToList();
                foreach (var step in _plan.Steps.Where(s => !remaining.Any(r => r.SameEntry(s.Resource))))
                {
                    if (step.Action == FlowPlannedAction.RetainedByServer)
                    {
                        retained.Add(step.Resource.WithoutReason().With(FlowResourceStatus.Retained, DeprovisionWording.Retained(step.Resource)));
                    }
                    else if (step.Action == FlowPlannedAction.Delete)
                    {
                        deprovisioned.Add(step.Resource.WithoutReason().With(FlowResourceStatus.Deprovisioned));
                    }
                }

                status = outcome == AttemptOutcome.Fatal ? FlowDeprovisionStatus.Failed
                    : remaining.Any(r => r.Status == FlowResourceStatus.Failed || r.Status == FlowResourceStatus.Missing) ? FlowDeprovisionStatus.Partial
                    : remaining.Any(r => r.Status == FlowResourceStatus.NeedsAllowDelete) ? FlowDeprovisionStatus.NeedsAllowDelete
                    : outcome == AttemptOutcome.Transient ? FlowDeprovisionStatus.Failed
                    : FlowDeprovisionStatus.Deprovisioned;
            }

            var result = new FlowDeprovisionResult(_plan.WorkflowId, status, _attempt, Elapsed,
                deprovisioned.ToArray(), remaining.ToArray(), retained.ToArray(), _plan.AllowDelete.ToArray());
            var allowDeleteNeeded = remaining.Count == 0 ? new List<string>()
                : _modelUsers.Values.Where(r => r.State == BlockerState.Stuck).SelectMany(r => r.ModelUsers).Select(u => u.Id).Distinct(StringComparer.Ordinal).ToList();
            return new FlowDeprovisionReport(result, stop.Reason == StopReason.Deadline || _serverStillWorking,
                status == FlowDeprovisionStatus.Deprovisioned ? null : _lastError, _lastError?.ServerMessage ?? _lastResponse?.Message, allowDeleteNeeded);
        }

        /// <summary>A planned entry of a run that never got an answer: why it is still there.</summary>
        private FlowResource NotDeprovisioned(FlowResource resource) =>
            resource.Status == FlowResourceStatus.NeedsAllowDelete ? resource.With(reason: DeprovisionWording.NeedsAllowDelete(resource))
            : resource.DeprovisionStep is null ? resource.With(reason: DeprovisionWording.UnknownStepReason(resource))
            : resource.With(reason: DeprovisionWording.NotDeprovisioned(_lastError));

        /// <summary>A leftover's final attempt count and reason.</summary>
        private FlowResource Finish(FlowResource resource)
        {
            _failures.TryGetValue(resource.Key(), out var attempts);
            return resource.Status switch
            {
                FlowResourceStatus.NeedsAllowDelete => resource.With(reason: DeprovisionWording.NeedsAllowDelete(resource), attempts: attempts),
                FlowResourceStatus.Missing => resource.With(reason: DeprovisionWording.Missing(resource, _missing[resource.Key()]), attempts: attempts),
                _ when _modelUsers.TryGetValue(resource.Key(), out var users) => resource.With(FlowResourceStatus.Failed, DeprovisionWording.UsedBy(resource, attempts, _lastResponse, users), attempts),
                _ => resource.With(FlowResourceStatus.Failed, DeprovisionWording.Failed(resource, attempts, _lastResponse), attempts),
            };
        }

        private List<string> UnknownSteps() =>
            _plan.Steps.Where(s => s.IsUnknownStep).Select(s => s.Resource.StepName).Distinct(StringComparer.Ordinal).ToList();

        private int RemainingCount() => _leftovers?.Count ?? _plan.Steps.Count(s => s.Action != FlowPlannedAction.RetainedByServer);

        private void Emit(FlowDeprovisionEventKind kind, TimeSpan? delay, string message) =>
            _onEvent?.Invoke(new FlowDeprovisionEvent(_plan.WorkflowId, kind, _attempt, RemainingCount(), delay, $"Workflow {_plan.WorkflowId}: {message}"));
    }
}
