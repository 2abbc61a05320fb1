using System;

namespace FlowFramework.Engine
{
    /// <summary>The one delay schedule of the engine: exponential from BaseDelay, ±20 % jitter, capped at MaxDelay, at least Retry-After.</summary>
    internal static class RetryDelay
    {
        internal static TimeSpan Backoff(FlowDeprovisionOptions options, int attempt, Random random)
        {
            var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
            var ticks = Math.Min(options.BaseDelay.Ticks * Math.Pow(2, exponent), options.MaxDelay.Ticks);
            var jittered = ticks * (0.8 + (0.4 * random.NextDouble()));
            // Whole milliseconds: timers have millisecond resolution, so the reported wait is the real one.
            return TimeSpan.FromMilliseconds(Math.Floor(Math.Min(jittered, options.MaxDelay.Ticks) / TimeSpan.TicksPerMillisecond));
        }

        /// <summary>The larger of the backoff and the server's Retry-After (rounded up to whole milliseconds).</summary>
        internal static TimeSpan AtLeast(TimeSpan backoff, TimeSpan? retryAfter) =>
            retryAfter is TimeSpan asked && asked > backoff ? TimeSpan.FromMilliseconds(Math.Ceiling(asked.TotalMilliseconds)) : backoff;
    }
}
