using System;
using System.Collections.Generic;
using System.Linq;

namespace FlowFramework.Engine
{
    /// <summary>What the watch decision needs after a round of reads: facts only.</summary>
    internal sealed class WatchState
    {
        internal WatchState(IReadOnlyList<BlockerReading> readings, int round, TimeSpan watchedFor, TimeSpan backoff, TimeSpan elapsed, TimeSpan timeout)
        {
            Readings = readings;
            Round = round;
            WatchedFor = watchedFor;
            Backoff = backoff;
            Elapsed = elapsed;
            Timeout = timeout;
        }

        /// <summary>One reading per Failed leftover key.</summary>
        internal IReadOnlyList<BlockerReading> Readings { get; }

        /// <summary>Rounds of reads done since the answer (1 after the first).</summary>
        internal int Round { get; }

        /// <summary>Time since the watch began (the answer was reconciled).</summary>
        internal TimeSpan WatchedFor { get; }

        /// <summary>Today's wait before the next attempt (the delay schedule, drawn by the caller): the fallback.</summary>
        internal TimeSpan Backoff { get; }

        internal TimeSpan Elapsed { get; }

        internal TimeSpan Timeout { get; }

        internal TimeSpan SameLeftoversFor { get; set; }

        internal TimeSpan StallTimeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

        /// <summary>A leftover model is still deploying: the cluster is making progress, so the stall rule is off.</summary>
        internal bool ModelDeploying { get; set; }

        internal TimeSpan FirstInterval { get; set; } = BlockerWatch.DefaultFirstInterval;

        internal TimeSpan MaxInterval { get; set; } = BlockerWatch.DefaultMaxInterval;

        /// <summary>Reads at most per second for one workflow.</summary>
        internal int MaxReadsPerSecond { get; set; } = BlockerWatch.DefaultMaxReadsPerSecond;
    }

    internal enum WatchAction
    {
        /// <summary>Every blocker read clear (or the fallback wait is over): send the deprovision now.</summary>
        Resend,
        /// <summary>Read the blocked ones again after <see cref="WatchVerdict.Delay"/>.</summary>
        ReadAgain,
        /// <summary>Nothing can be watched: wait <see cref="WatchVerdict.Delay"/> (today's backoff), then send.</summary>
        FallBack,
        /// <summary>Stop the run (<see cref="WatchVerdict.Stop"/>).</summary>
        Stop,
    }

    internal sealed class WatchVerdict
    {
        private WatchVerdict(WatchAction action, TimeSpan delay, StopVerdict? stop, IReadOnlyList<BlockerReading> blocked)
        {
            Action = action;
            Delay = delay;
            Stop = stop;
            Blocked = blocked;
        }

        internal WatchAction Action { get; }

        internal TimeSpan Delay { get; }

        internal StopVerdict? Stop { get; }

        /// <summary>For ReadAgain: the readings to read again.</summary>
        internal IReadOnlyList<BlockerReading> Blocked { get; }

        internal static WatchVerdict Resend() => new WatchVerdict(WatchAction.Resend, TimeSpan.Zero, null, Array.Empty<BlockerReading>());

        internal static WatchVerdict ReadAgain(TimeSpan delay, IReadOnlyList<BlockerReading> blocked) => new WatchVerdict(WatchAction.ReadAgain, delay, null, blocked);

        internal static WatchVerdict FallBack(TimeSpan delay) => new WatchVerdict(WatchAction.FallBack, delay, null, Array.Empty<BlockerReading>());

        internal static WatchVerdict Stopped(StopVerdict stop) => new WatchVerdict(WatchAction.Stop, TimeSpan.Zero, stop, Array.Empty<BlockerReading>());
    }

    /// <summary>
    /// Instead of a blind delay after a 202, watches what blocks the leftovers and re-sends as soon as it is gone: a pure
    /// function of the readings and the run's limits. The reads start about 250 ms apart and grow gently to a cap; a
    /// round never reads faster than the per-workflow bound and never before a read's Retry-After. Unknown blockers keep
    /// today's backoff: the request goes when the known ones clear or the backoff is over, whichever is first. The
    /// stall rule and the deadline hold as for attempts.
    /// </summary>
    internal static class BlockerWatch
    {
        internal static readonly TimeSpan DefaultFirstInterval = TimeSpan.FromMilliseconds(250);
        internal static readonly TimeSpan DefaultMaxInterval = TimeSpan.FromMilliseconds(500);
        internal const int DefaultMaxReadsPerSecond = 4;
        internal const double Growth = 1.25;

        internal static WatchVerdict Decide(WatchState state)
        {
            var stuck = state.Readings.Where(r => r.State == BlockerState.Stuck).ToList();
            if (stuck.Count > 0)
            {
                // Nothing that happens on the cluster clears it in this run: stop now rather than at the stall time.
                return WatchVerdict.Stopped(new StopVerdict(StopReason.UsedByDisallowed, detail: string.Join("; ", stuck.Select(r => r.Subject))));
            }

            var blocked = state.Readings.Where(r => r.State == BlockerState.Blocked).ToList();
            var unknown = state.Readings.Any(r => r.State == BlockerState.Unknown);
            var backoffLeft = state.Backoff - state.WatchedFor;
            if (backoffLeft < TimeSpan.Zero)
            {
                backoffLeft = TimeSpan.Zero;
            }

            if (blocked.Count == 0)
            {
                // Nothing read at all is no evidence either: the delay schedule decides, as for an unknown blocker.
                return (unknown || state.Readings.Count == 0) && backoffLeft > TimeSpan.Zero ? Within(state, WatchVerdict.FallBack(backoffLeft)) : WatchVerdict.Resend();
            }

            if (state.StallTimeout != System.Threading.Timeout.InfiniteTimeSpan && state.SameLeftoversFor >= state.StallTimeout && !state.ModelDeploying)
            {
                return WatchVerdict.Stopped(new StopVerdict(StopReason.Stalled));
            }

            if (unknown && backoffLeft == TimeSpan.Zero)
            {
                return WatchVerdict.Resend();
            }

            var delay = Interval(state, blocked.Count);
            foreach (var asked in blocked.Select(r => r.RetryAfter).OfType<TimeSpan>())
            {
                delay = RetryDelay.AtLeast(delay, asked);
            }

            if (unknown && backoffLeft < delay)
            {
                delay = backoffLeft;
            }

            return Within(state, WatchVerdict.ReadAgain(delay, blocked));
        }

        /// <summary>The wait before round <c>Round + 1</c>: gently growing from the first interval to the cap, and never more reads a second than allowed.</summary>
        internal static TimeSpan Interval(WatchState state, int readsNextRound)
        {
            var grown = state.FirstInterval.Ticks * Math.Pow(Growth, Math.Min(Math.Max(state.Round - 1, 0), 60));
            var interval = TimeSpan.FromTicks((long)Math.Min(grown, state.MaxInterval.Ticks));
            var perSecond = Math.Max(state.MaxReadsPerSecond, 1);
            var bound = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * readsNextRound / perSecond);
            var wait = interval > bound ? interval : bound;
            // Whole milliseconds, as the delay schedule: timers have millisecond resolution.
            return TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
        }

        /// <summary>No read and no attempt after the deadline: a wait that would pass it stops the run now.</summary>
        private static WatchVerdict Within(WatchState state, WatchVerdict verdict) =>
            state.Elapsed + verdict.Delay > state.Timeout
                ? WatchVerdict.Stopped(new StopVerdict(StopReason.Deadline, verdict.Delay, refusedRead: verdict.Action == WatchAction.ReadAgain))
                : verdict;
    }
}
