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

        private long _started;
        private int _attempt;
        private List<FlowResource>? _leftovers;
        private FlowDeprovisionResponse? _lastResponse;
        private FlowApiException? _lastError;
        private string? _stallSet;
        private TimeSpan _stallSince;

        internal DeprovisionRun(FlowApiClient client, FlowDeprovisionOptions options, FlowDeprovisionPlan plan, Action<FlowDeprovisionEvent>? onEvent)
        {
            _client = client;
            _options = options;
            _plan = plan;
            _onEvent = onEvent;
            _time = options.TimeProvider ?? TimeProvider.System;
            _delays = new RetryDelay(options);
            _reconciler = new LeftoverReconciler(client, plan, message => Emit(FlowDeprovisionEventKind.Diagnostic, null, message));
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

                // Reconcile: what is left, read from the status (the answer's text as the fallback).
                var outcome = response is null ? Classify(_lastError!) : await ReconcileAsync(response, ct).ConfigureAwait(false);

                // Decide.
                var state = response is null ? StateAfter(_lastError!) : StateAfter(outcome);
                var verdict = RetryDecision.Decide(state);
                if (verdict is StopVerdict stop)
                {
                    if (stop.Reason != StopReason.Settled)
                    {
                        Emit(FlowDeprovisionEventKind.Stopped, null, DeprovisionWording.Stopped(_attempt, stop, RemainingCount(), state.SameLeftoversFor, _options.Timeout, UnknownSteps()));
                    }

                    return Report(outcome, stop);
                }

                // Wait.
                var delay = ((RetryVerdict)verdict).Delay;
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
                return await _client.DeprovisionAsync(_plan.WorkflowId, _plan.AllowDelete, ct).ConfigureAwait(false);
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

            Emit(FlowDeprovisionEventKind.AttemptFinished, null,
                DeprovisionWording.AttemptAnswered(_attempt, response.StatusCode, _time.GetElapsedTime(answered), _leftovers));
            TrackStall(outcome);
            return outcome;
        }

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
            };

        private RunState StateAfter(FlowApiException error)
        {
            var state = StateAfter(Classify(error));
            state.RetryAfter = error.RetryAfter;
            state.WouldHangAgain = error is { Kind: FlowErrorKind.Timeout, StatusCode: null } && UnknownSteps().Count > 0;
            return state;
        }

        private static AttemptOutcome Classify(FlowApiException error) =>
            IsRetryable(error) ? AttemptOutcome.Transient : error.Kind == FlowErrorKind.NotFound ? AttemptOutcome.NotFound : AttemptOutcome.Fatal;

        private static bool IsRetryable(FlowApiException error) => error.IsTransient || IsStateResetFailure(error);

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
                    : remaining.Any(r => r.Status == FlowResourceStatus.Failed) ? FlowDeprovisionStatus.Partial
                    : remaining.Any(r => r.Status == FlowResourceStatus.NeedsAllowDelete) ? FlowDeprovisionStatus.NeedsAllowDelete
                    : outcome == AttemptOutcome.Transient ? FlowDeprovisionStatus.Failed
                    : FlowDeprovisionStatus.Deprovisioned;
            }

            var result = new FlowDeprovisionResult(_plan.WorkflowId, status, _attempt, Elapsed,
                deprovisioned.ToArray(), remaining.ToArray(), retained.ToArray(), _plan.AllowDelete.ToArray());
            return new FlowDeprovisionReport(result, stop.Reason == StopReason.Deadline,
                status == FlowDeprovisionStatus.Deprovisioned ? null : _lastError, _lastError?.ServerMessage ?? _lastResponse?.Message);
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
            return resource.Status == FlowResourceStatus.NeedsAllowDelete
                ? resource.With(reason: DeprovisionWording.NeedsAllowDelete(resource), attempts: attempts)
                : resource.With(FlowResourceStatus.Failed, DeprovisionWording.Failed(resource, attempts, _lastResponse), attempts);
        }

        private List<string> UnknownSteps() =>
            _plan.Steps.Where(s => s.IsUnknownStep).Select(s => s.Resource.StepName).Distinct(StringComparer.Ordinal).ToList();

        private int RemainingCount() => _leftovers?.Count ?? _plan.Steps.Count(s => s.Action != FlowPlannedAction.RetainedByServer);

        private void Emit(FlowDeprovisionEventKind kind, TimeSpan? delay, string message) =>
            _onEvent?.Invoke(new FlowDeprovisionEvent(_plan.WorkflowId, kind, _attempt, RemainingCount(), delay, $"Workflow {_plan.WorkflowId}: {message}"));
    }
}
