using System;

namespace FlowFramework.Engine
{
    /// <summary>How the last attempt ended, as far as the decision cares.</summary>
    internal enum AttemptOutcome
    {
        /// <summary>200, confirmed by the status read.</summary>
        Completed,
        /// <summary>202, or a 200 whose confirming read still lists resources: something is left to retry.</summary>
        Partial,
        /// <summary>The allow_delete 403: only skipped resources are left; retrying cannot help.</summary>
        NeedsAllowDelete,
        /// <summary>429, 502-504, a reset or no answer, or the server's failed state reset: worth another try.</summary>
        Transient,
        /// <summary>404: the workflow has no state.</summary>
        NotFound,
        /// <summary>Anything else: 401, 403, 400, 500, an unreadable answer.</summary>
        Fatal,
    }

    /// <summary>What the decision needs to know about a run after an attempt: facts only, nothing it could change.</summary>
    internal sealed class RunState
    {
        internal RunState(AttemptOutcome outcome, int attempt, int maxAttempts, TimeSpan elapsed, TimeSpan timeout, TimeSpan backoff)
        {
            Outcome = outcome;
            Attempt = attempt;
            MaxAttempts = maxAttempts;
            Elapsed = elapsed;
            Timeout = timeout;
            Backoff = backoff;
        }

        internal AttemptOutcome Outcome { get; }

        /// <summary>Requests sent so far, the last one included.</summary>
        internal int Attempt { get; }

        internal int MaxAttempts { get; }

        internal TimeSpan Elapsed { get; }

        /// <summary>The whole run's limit: no attempt starts after it.</summary>
        internal TimeSpan Timeout { get; }

        /// <summary>This attempt's share of the delay schedule (drawn by the caller, so deciding stays pure).</summary>
        internal TimeSpan Backoff { get; }

        /// <summary>The server's Retry-After on a transient failure.</summary>
        internal TimeSpan? RetryAfter { get; set; }

        /// <summary>How long the same leftovers have kept failing (zero when they just changed).</summary>
        internal TimeSpan SameLeftoversFor { get; set; }

        internal TimeSpan StallTimeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

        /// <summary>The request got no answer and the plan has a step the server cannot deprovision: it never answers those.</summary>
        internal bool WouldHangAgain { get; set; }

        /// <summary>The request got no answer and the time ran out while the status showed the server still working on it.</summary>
        internal bool ServerStillWorking { get; set; }

        /// <summary>Every leftover is gone (deleted outside the workflow) or needs allow_delete: the server fails on them at every try.</summary>
        internal bool NothingToRetry { get; set; }

        /// <summary>A leftover model is still deploying: the leftovers are the same, but the cluster is making progress.</summary>
        internal bool ModelDeploying { get; set; }
    }

    internal enum StopReason
    {
        /// <summary>The answer settles it: done, only allow_delete left, not found, or an error retrying cannot fix.</summary>
        Settled,
        /// <summary>The same leftovers failed for the stall time.</summary>
        Stalled,
        /// <summary>MaxAttempts requests were sent.</summary>
        AttemptsUsed,
        /// <summary>The next wait would end after the run's time limit.</summary>
        Deadline,
        /// <summary>Sending again would only hang again.</summary>
        WouldHangAgain,
        /// <summary>Only resources that are gone or need allow_delete are left.</summary>
        NothingToRetry,
        /// <summary>A model is used by a pipeline of the workflow that may not be deleted: it cannot go in this run.</summary>
        UsedByDisallowed,
    }

    internal abstract class Verdict
    {
    }

    internal sealed class RetryVerdict : Verdict
    {
        internal RetryVerdict(TimeSpan delay) => Delay = delay;

        internal TimeSpan Delay { get; }
    }

    internal sealed class StopVerdict : Verdict
    {
        internal StopVerdict(StopReason reason, TimeSpan? refusedDelay = null, bool refusedRead = false, string? detail = null)
        {
            Reason = reason;
            RefusedDelay = refusedDelay;
            RefusedRead = refusedRead;
            Detail = detail;
        }

        /// <summary>For <see cref="StopReason.UsedByDisallowed"/>: what is in the way.</summary>
        internal string? Detail { get; }

        /// <summary>For <see cref="StopReason.Deadline"/>: the wait refused was before a read of what blocks the leftovers, not before an attempt.</summary>
        internal bool RefusedRead { get; }

        internal StopReason Reason { get; }

        /// <summary>For <see cref="StopReason.Deadline"/>: the wait that would have passed it (null: the time ran out while the server was working).</summary>
        internal TimeSpan? RefusedDelay { get; }
    }

    /// <summary>Whether a run tries again, and after how long: a pure function of the run's state.</summary>
    internal static class RetryDecision
    {
        internal static Verdict Decide(RunState state)
        {
            switch (state.Outcome)
            {
                case AttemptOutcome.Completed:
                case AttemptOutcome.NeedsAllowDelete:
                case AttemptOutcome.NotFound:
                case AttemptOutcome.Fatal:
                    return new StopVerdict(StopReason.Settled);
                case AttemptOutcome.Partial when state.NothingToRetry:
                    return new StopVerdict(StopReason.NothingToRetry);
                case AttemptOutcome.Partial when state.SameLeftoversFor >= state.StallTimeout && !state.ModelDeploying:
                    return new StopVerdict(StopReason.Stalled);
                case AttemptOutcome.Transient when state.WouldHangAgain:
                    return new StopVerdict(StopReason.WouldHangAgain);
                case AttemptOutcome.Transient when state.ServerStillWorking:
                    return new StopVerdict(StopReason.Deadline);
            }

            if (state.Attempt >= state.MaxAttempts)
            {
                return new StopVerdict(StopReason.AttemptsUsed);
            }

            var delay = RetryDelay.AtLeast(state.Backoff, state.Outcome == AttemptOutcome.Transient ? state.RetryAfter : null);
            return state.Elapsed + delay > state.Timeout ? new StopVerdict(StopReason.Deadline, delay) : new RetryVerdict(delay);
        }
    }
}
