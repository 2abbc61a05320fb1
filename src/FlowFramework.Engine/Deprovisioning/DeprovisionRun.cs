using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine.Internal;
using Polly;
using Polly.Retry;

namespace FlowFramework.Engine
{
    /// <summary>The state of one RunAsync: Polly's retry strategy drives the attempts and the waits, this class decides.</summary>
    internal sealed class DeprovisionRun
    {
        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;
        private readonly FlowDeprovisionPlan _plan;
        private readonly string _workflowId;
        private readonly string[] _allowDelete;
        private readonly Action<FlowDeprovisionEvent>? _onEvent;
        private readonly TimeProvider _time;
        private readonly Random _random;
        private readonly Dictionary<FlowResourceKey, int> _failures = new Dictionary<FlowResourceKey, int>();

        private long _started;
        private int _attempt;
        private bool _serverAnswered;
        private bool _completed;
        private bool _timedOut;
        private List<FlowResourceRecord>? _leftovers;
        private FlowDeprovisionResponse? _lastResponse;
        private FlowApiException? _lastError;
        private string? _stallSet;
        private TimeSpan _stallSince;
        private TimeSpan _nextDelay;
        private string _retryWhy = string.Empty;

        internal DeprovisionRun(FlowApiClient client, FlowDeprovisionOptions options, FlowDeprovisionPlan plan, IReadOnlyCollection<string>? allowDeleteIds, Action<FlowDeprovisionEvent>? onEvent)
        {
            _client = client;
            _options = options;
            _plan = plan;
            _workflowId = plan.WorkflowId;
            _allowDelete = (allowDeleteIds ?? Array.Empty<string>())
                .Where(id => !string.IsNullOrWhiteSpace(id))
                .Select(id => id.Trim())
                .Distinct(StringComparer.Ordinal)
                .OrderBy(id => id, StringComparer.Ordinal)
                .ToArray();
            _onEvent = onEvent;
            _time = options.TimeProvider ?? TimeProvider.System;
            _random = options.RandomSeed is int seed ? new Random(seed) : new Random();
        }

        private enum Verdict
        {
            Completed,
            Partial,
            NeedsAllowDelete,
            Transient,
            NotFound,
            Fatal,
        }

        private TimeSpan Elapsed => _time.GetElapsedTime(_started);

        internal async Task<FlowDeprovisionOutcome> ExecuteAsync(CancellationToken ct)
        {
            _started = _time.GetTimestamp();
            foreach (var step in _plan.Steps.Where(s => s.Resource.DeprovisionStep is null))
            {
                Emit(FlowDeprovisionEventKind.Diagnostic, 0, null,
                    "The step '" + step.Resource.StepName + "' of " + step.Resource.Key + " is unknown to this module; a server that does not know it either never answers the deprovision request, so attempts may time out.");
            }

            var pipeline = new ResiliencePipelineBuilder<Verdict> { TimeProvider = _time }
                .AddRetry(new RetryStrategyOptions<Verdict>
                {
                    MaxRetryAttempts = int.MaxValue,
                    ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is null && ShouldRetry(args.Outcome.Result)),
                    DelayGenerator = _ => new ValueTask<TimeSpan?>(_nextDelay),
                    OnRetry = _ =>
                    {
                        Emit(FlowDeprovisionEventKind.RetryScheduled, _attempt, _nextDelay,
                            "Waiting " + Seconds(_nextDelay) + " before attempt " + (_attempt + 1).ToString(CultureInfo.InvariantCulture) + ": " + _retryWhy);
                        return default;
                    },
                })
                .Build();

            var verdict = await pipeline.ExecuteAsync(async token => await AttemptAsync(token).ConfigureAwait(false), ct).ConfigureAwait(false);
            return BuildOutcome(verdict);
        }

        private async ValueTask<Verdict> AttemptAsync(CancellationToken ct)
        {
            _attempt++;
            var allow = _allowDelete.Length == 0 ? "no allow_delete" : "allow_delete " + string.Join(", ", _allowDelete);
            Emit(FlowDeprovisionEventKind.AttemptStarting, _attempt, null,
                "Deprovision attempt " + _attempt.ToString(CultureInfo.InvariantCulture) + " of " + _options.MaxAttempts.ToString(CultureInfo.InvariantCulture)
                + " (" + Count(RemainingCount(), "resource") + " left, " + allow + ").");
            var attemptStarted = _time.GetTimestamp();
            try
            {
                var response = await _client.DeprovisionAsync(_workflowId, _allowDelete, ct).ConfigureAwait(false);
                _serverAnswered = true;
                _lastResponse = response;
                _lastError = null;
                Verdict verdict;
                switch (response.Kind)
                {
                    case FlowDeprovisionResponseKind.Completed:
                        verdict = await ConfirmAsync(ct).ConfigureAwait(false);
                        break;
                    case FlowDeprovisionResponseKind.NeedsAllowDelete:
                        _leftovers = await ReconcileAsync(response, ct).ConfigureAwait(false);
                        CountFailures(response);
                        verdict = Verdict.NeedsAllowDelete;
                        break;
                    default:
                        _leftovers = await ReconcileAsync(response, ct).ConfigureAwait(false);
                        CountFailures(response);
                        verdict = Verdict.Partial;
                        break;
                }

                Emit(FlowDeprovisionEventKind.AttemptFinished, _attempt, null,
                    "Attempt " + _attempt.ToString(CultureInfo.InvariantCulture) + " answered HTTP " + response.StatusCode.ToString(CultureInfo.InvariantCulture)
                    + " after " + Seconds(_time.GetElapsedTime(attemptStarted)) + "; " + Describe(_leftovers) + ".");
                return verdict;
            }
            catch (FlowApiException ex)
            {
                _lastError = ex;
                var verdict = ex.IsTransient || IsStateResetFailure(ex) ? Verdict.Transient : ex.Kind == FlowErrorKind.NotFound ? Verdict.NotFound : Verdict.Fatal;
                Emit(FlowDeprovisionEventKind.AttemptFinished, _attempt, null,
                    "Attempt " + _attempt.ToString(CultureInfo.InvariantCulture) + " failed after " + Seconds(_time.GetElapsedTime(attemptStarted)) + ": " + ex.Message);
                return verdict;
            }
        }

        /// <summary>After a 200, reads the status to confirm nothing is left; a 404 there means the server deleted the state with the template.</summary>
        private async Task<Verdict> ConfirmAsync(CancellationToken ct)
        {
            try
            {
                var state = await _client.GetWorkflowStatusAsync(_workflowId, true, ct).ConfigureAwait(false);
                if (state.Resources.Count == 0)
                {
                    _completed = true;
                    _leftovers = new List<FlowResourceRecord>();
                    return Verdict.Completed;
                }

                // Only a provisioning run still in flight adds resources after a full deprovision; go round again.
                _leftovers = state.Resources.Select(r => r.With(FlowResourceStatus.Failed)).ToList();
                Emit(FlowDeprovisionEventKind.Diagnostic, _attempt, null,
                    "The server answered 200, but the status still lists " + Count(state.Resources.Count, "resource")
                    + " (state " + (state.State ?? "unknown") + "); provisioning may still be running, so deprovision runs again.");
                return Verdict.Partial;
            }
            catch (FlowApiException ex) when (ex.Kind == FlowErrorKind.NotFound)
            {
                _completed = true;
                _leftovers = new List<FlowResourceRecord>();
                Emit(FlowDeprovisionEventKind.Diagnostic, _attempt, null, "The workflow state is gone (HTTP 404): its template was deleted, so the server removed the state too.");
                return Verdict.Completed;
            }
            catch (FlowApiException ex)
            {
                _completed = true;
                _leftovers = new List<FlowResourceRecord>();
                Emit(FlowDeprovisionEventKind.Diagnostic, _attempt, null, "The server answered 200; the confirming status read failed (" + ex.Message + "), so the result rests on the 200 alone.");
                return Verdict.Completed;
            }
        }

        /// <summary>
        /// After a 202 or the allow_delete 403: the leftovers are the status entries the message names (the server's state write is not
        /// awaited, so entries it does not name are stale); named resources missing from the status come from the
        /// plan or the catalogue; without a status, the message alone.
        /// </summary>
        private async Task<List<FlowResourceRecord>> ReconcileAsync(FlowDeprovisionResponse response, CancellationToken ct)
        {
            FlowWorkflowState? state = null;
            try
            {
                state = await _client.GetWorkflowStatusAsync(_workflowId, true, ct).ConfigureAwait(false);
            }
            catch (FlowApiException ex)
            {
                Emit(FlowDeprovisionEventKind.Diagnostic, _attempt, null, "Could not read the leftovers from the status (" + ex.Message + "); using the server's message instead.");
            }

            var named = response.FailedResources.Concat(response.NeedsAllowDeleteResources).ToList();
            if (named.Count == 0)
            {
                // A 202 whose text could not be read: everything the status still lists is left.
                var all = state?.Resources ?? _plan.Steps.Where(s => s.Action != FlowPlannedAction.RetainedByServer).Select(s => s.Resource).ToList();
                return all.Select(r => Mark(r, response)).ToList();
            }

            var leftovers = new List<FlowResourceRecord>();
            var stale = 0;
            if (state is not null)
            {
                foreach (var resource in state.Resources)
                {
                    if (named.Contains(resource.Key))
                    {
                        leftovers.Add(Mark(resource, response));
                    }
                    else
                    {
                        stale++;
                    }
                }
            }

            if (stale > 0)
            {
                Emit(FlowDeprovisionEventKind.Diagnostic, _attempt, null,
                    "The status still lists " + Count(stale, "entry", "entries") + " the server did not name as failed; the server updates the state after answering, so they are taken as deleted.");
            }

            foreach (var key in named.Distinct())
            {
                if (!leftovers.Any(r => r.Key.Equals(key)))
                {
                    leftovers.AddRange(Synthesise(key).Select(r => Mark(r, response)));
                }
            }

            return leftovers;
        }

        /// <summary>The plan's entries for a named resource, else one built from the catalogue.</summary>
        private IEnumerable<FlowResourceRecord> Synthesise(FlowResourceKey key)
        {
            var planned = _plan.Steps.Select(s => s.Resource).Where(r => r.Key.Equals(key)).ToList();
            if (planned.Count > 0)
            {
                return planned;
            }

            var creator = FlowStepCatalogue.SingleCreatorOf(key.ResourceType);
            if (creator is not null)
            {
                return new[] { FlowResourceRecord.FromCatalogue(_workflowId, creator.StepName, string.Empty, key.ResourceType, key.ResourceId) };
            }

            return new[]
            {
                new FlowResourceRecord(_workflowId, string.Empty, string.Empty, key.ResourceType, key.ResourceId, null, FlowStepCatalogue.TypeRequiresAllowDelete(key.ResourceType), false),
            };
        }

        private static FlowResourceRecord Mark(FlowResourceRecord resource, FlowDeprovisionResponse response)
        {
            var needsAllowDelete = response.NeedsAllowDeleteResources.Contains(resource.Key) && !response.FailedResources.Contains(resource.Key);
            return resource.WithoutReason().With(needsAllowDelete ? FlowResourceStatus.NeedsAllowDelete : FlowResourceStatus.Failed);
        }

        private void CountFailures(FlowDeprovisionResponse response)
        {
            var keys = _leftovers is null ? Enumerable.Empty<FlowResourceKey>() : _leftovers.Select(r => r.Key).Distinct();
            foreach (var key in keys)
            {
                _failures[key] = _failures.TryGetValue(key, out var n) ? n + 1 : 1;
            }
        }

        /// <summary>Decides whether another attempt is worth it, and if so how long to wait first.</summary>
        private bool ShouldRetry(Verdict verdict)
        {
            if (verdict != Verdict.Partial && verdict != Verdict.Transient)
            {
                return false;
            }

            var now = Elapsed;
            if (verdict == Verdict.Partial)
            {
                var set = string.Join("\n", (_leftovers ?? new List<FlowResourceRecord>()).Select(r => r.Key.ToString()).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal));
                if (!string.Equals(set, _stallSet, StringComparison.Ordinal))
                {
                    _stallSet = set;
                    _stallSince = now;
                }
                else if (now - _stallSince >= _options.StallTimeout)
                {
                    return Stop("the same " + Count(RemainingCount(), "resource") + " kept failing for " + Seconds(now - _stallSince) + ", so waiting longer is not helping.");
                }
            }

            if (verdict == Verdict.Transient && _lastError is { Kind: FlowErrorKind.Timeout, StatusCode: null } && UnknownSteps().Count > 0)
            {
                return Stop("the server got no answer for a workflow with " + string.Join(", ", UnknownSteps().Select(n => "'" + n + "'"))
                    + ", a step it cannot deprovision; it never answers such a request, so sending it again would only hang again.");
            }

            if (_attempt >= _options.MaxAttempts)
            {
                return Stop("reached the limit of " + Count(_options.MaxAttempts, "attempt") + ".");
            }

            var retryAfter = verdict == Verdict.Transient ? _lastError?.RetryAfter : null;
            var delay = RetryDelay.AtLeast(RetryDelay.Backoff(_options, _attempt, _random), retryAfter);
            if (now + delay > _options.Timeout)
            {
                _timedOut = true;
                return Stop("the next attempt (in " + Seconds(delay) + ") would start after the " + Seconds(_options.Timeout) + " time limit.");
            }

            _nextDelay = delay;
            _retryWhy = verdict == Verdict.Partial
                ? "the server could not delete " + Count(_leftovers?.Count(r => r.Status == FlowResourceStatus.Failed) ?? 0, "resource") + " yet; dependencies usually need a moment to go away."
                : "the cluster " + TransientWhat(_lastError) + (retryAfter is TimeSpan asked ? "; it asked to retry after " + Seconds(asked) : string.Empty) + ".";
            return true;
        }

        private bool Stop(string why)
        {
            Emit(FlowDeprovisionEventKind.Stopped, _attempt, null, "Stopped after " + Count(_attempt, "attempt") + ": " + why);
            return false;
        }

        private FlowDeprovisionOutcome BuildOutcome(Verdict verdict)
        {
            var planned = _plan.Steps.Select(s => s.Resource).ToList();
            var deprovisioned = new List<FlowResourceRecord>();
            var retained = new List<FlowResourceRecord>();
            List<FlowResourceRecord> remaining;
            FlowDeprovisionStatus status;

            if (_serverAnswered && (verdict == Verdict.Completed || _leftovers is not null) && verdict != Verdict.NotFound)
            {
                remaining = _completed ? new List<FlowResourceRecord>() : (_leftovers ?? new List<FlowResourceRecord>()).Select(Finish).ToList();
                foreach (var step in _plan.Steps)
                {
                    if (remaining.Any(r => r.SameEntry(step.Resource)))
                    {
                        continue;
                    }

                    if (step.Action == FlowPlannedAction.RetainedByServer)
                    {
                        retained.Add(step.Resource.WithoutReason().With(FlowResourceStatus.Retained, "The server drops " + step.Resource.ResourceType + " entries from the state without deleting them; delete it yourself if it is no longer needed."));
                    }
                    else if (step.Action == FlowPlannedAction.Delete)
                    {
                        deprovisioned.Add(step.Resource.WithoutReason().With(FlowResourceStatus.Deprovisioned));
                    }
                }

                status = verdict == Verdict.Fatal ? FlowDeprovisionStatus.Failed
                    : remaining.Any(r => r.Status == FlowResourceStatus.Failed) ? FlowDeprovisionStatus.Partial
                    : remaining.Any(r => r.Status == FlowResourceStatus.NeedsAllowDelete) ? FlowDeprovisionStatus.NeedsAllowDelete
                    : verdict == Verdict.Transient ? FlowDeprovisionStatus.Failed
                    : FlowDeprovisionStatus.Deprovisioned;
            }
            else if (verdict == Verdict.NotFound)
            {
                remaining = new List<FlowResourceRecord>();
                status = FlowDeprovisionStatus.NotFound;
            }
            else
            {
                // Nothing reached the server's deprovision logic: everything is still where the plan found it.
                var why = _lastError is null ? "The deprovision did not run." : "Not deprovisioned: " + _lastError.Message;
                remaining = planned
                    .Select(r => r.Status == FlowResourceStatus.NeedsAllowDelete || (r.DeprovisionStep is null && r.Reason is not null) ? r : r.With(reason: why))
                    .ToList();
                status = FlowDeprovisionStatus.Failed;
            }

            return new FlowDeprovisionOutcome(
                _workflowId,
                status,
                _attempt,
                Elapsed,
                deprovisioned,
                remaining,
                retained,
                _allowDelete,
                _timedOut,
                status == FlowDeprovisionStatus.Deprovisioned ? null : _lastError,
                _lastError?.ServerMessage ?? _lastResponse?.Message);
        }

        /// <summary>Sets each leftover's final attempt count and reason.</summary>
        private FlowResourceRecord Finish(FlowResourceRecord resource)
        {
            _failures.TryGetValue(resource.Key, out var attempts);
            if (resource.Status == FlowResourceStatus.NeedsAllowDelete)
            {
                return resource.With(reason: FlowDeprovisionPlan.AllowDeleteReason(resource), attempts: attempts);
            }

            var said = _lastResponse?.Message is string message ? "HTTP " + _lastResponse.StatusCode.ToString(CultureInfo.InvariantCulture) + ": " + message : "no message";
            var reason = "The server could not " + Verb(resource) + " it in " + Count(attempts, "attempt") + " (" + said + "). " + Hint(resource);
            return resource.With(FlowResourceStatus.Failed, reason, attempts);
        }

        private static string Verb(FlowResourceRecord resource) =>
            resource.DeprovisionStep == "undeploy_model" ? "undeploy" : resource.DeprovisionStep is null && resource.StepName.Length > 0 ? "deprovision" : "delete";

        private static string Hint(FlowResourceRecord resource)
        {
            if (resource.DeprovisionStep is null && resource.StepName.Length > 0)
            {
                return "The step '" + resource.StepName + "' has no deprovision step the module knows of; delete the resource by hand, then clear the state with DELETE _plugins/_flow_framework/workflow/" + resource.WorkflowId + "?clear_status=true.";
            }

            switch (resource.ResourceType)
            {
                case FlowStepCatalogue.ModelId:
                    return "A model that is still deployed or still used by an agent or pipeline is the usual cause, or the user lacks ML Commons model undeploy/delete permission; check GET _plugins/_ml/models/" + resource.ResourceId + ", then pipe this object back to Invoke-FlowDeprovision.";
                case FlowStepCatalogue.ConnectorId:
                    return "A connector is only deleted once no model uses it, so a model that is still going away is the usual cause, or the user lacks ML Commons connector delete permission; pipe this object back to Invoke-FlowDeprovision to retry.";
                case FlowStepCatalogue.AgentId:
                    return "Check that the user has ML Commons agent delete permission, then pipe this object back to Invoke-FlowDeprovision.";
                case FlowStepCatalogue.IndexName:
                case FlowStepCatalogue.PipelineId:
                    return "If it was already deleted outside the workflow the server still reports it as failed (delete the state with clear_status); otherwise check the user's delete permission on it, then pipe this object back to Invoke-FlowDeprovision.";
                default:
                    return "Check the resource and the user's permission to delete it, then pipe this object back to Invoke-FlowDeprovision.";
            }
        }

        /// <summary>
        /// The server deleted every resource but could not reset the state document afterwards (server-behaviour.md §1,
        /// with the cause's status; upstream issue #691). Running deprovision again resets it, so it is retried.
        /// </summary>
        private static bool IsStateResetFailure(FlowApiException ex) =>
            ex.StatusCode is int status && status >= 400 && status != 401 && status != 403 && status != 404
            && string.Equals(ex.ServerMessage?.Trim(), StateResetFailed, StringComparison.Ordinal);

        private const string StateResetFailed = "Failed to reset workflow state";

        private static string TransientWhat(FlowApiException? error) =>
            error is not null && IsStateResetFailure(error)
                ? "deleted everything but could not reset the workflow state (HTTP " + error.StatusCode!.Value.ToString(CultureInfo.InvariantCulture) + ": " + StateResetFailed + "); running deprovision again resets it"
                : error?.Kind switch
            {
                FlowErrorKind.Throttled => "is throttling requests (HTTP 429)",
                FlowErrorKind.Timeout => "did not answer in time" + (error.StatusCode is int s ? " (HTTP " + s.ToString(CultureInfo.InvariantCulture) + ")" : string.Empty),
                _ => "is unavailable" + (error?.StatusCode is int u ? " (HTTP " + u.ToString(CultureInfo.InvariantCulture) + ")" : " (no connection)"),
            };

        private List<string> UnknownSteps() =>
            _plan.Steps.Where(s => s.Resource.DeprovisionStep is null).Select(s => s.Resource.StepName).Distinct(StringComparer.Ordinal).ToList();

        private int RemainingCount() => _leftovers?.Count ?? _plan.Steps.Count(s => s.Action != FlowPlannedAction.RetainedByServer);

        private static string Describe(List<FlowResourceRecord>? leftovers)
        {
            if (leftovers is null || leftovers.Count == 0)
            {
                return "nothing left";
            }

            var keys = leftovers.Select(r => r.Key.ToString()).Distinct(StringComparer.Ordinal).ToList();
            return Count(keys.Count, "resource") + " left: " + string.Join(", ", keys);
        }

        private void Emit(FlowDeprovisionEventKind kind, int attempt, TimeSpan? delay, string message) =>
            _onEvent?.Invoke(new FlowDeprovisionEvent(_workflowId, kind, attempt, RemainingCount(), delay, "Workflow " + _workflowId + ": " + message));

        private static string Count(int n, string singular, string? plural = null) =>
            n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? singular : plural ?? singular + "s");

        internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
    }
}
