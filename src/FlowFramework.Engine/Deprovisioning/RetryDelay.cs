using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The one delay schedule of the engine: exponential from BaseDelay, ±20 % jitter, capped at MaxDelay. Each
    /// attempt's backoff is drawn once, so every look at the same attempt sees the same wait.
    /// </summary>
    internal sealed class RetryDelay
    {
        private readonly FlowDeprovisionOptions _options;
        private readonly Random _random;
        private readonly List<TimeSpan> _drawn = new List<TimeSpan>();

        internal RetryDelay(FlowDeprovisionOptions options)
        {
            _options = options;
            _random = options.RandomSeed is int seed ? new Random(seed) : new Random();
        }

        /// <summary>The backoff after attempt <paramref name="attempt"/> (1-based).</summary>
        internal TimeSpan After(int attempt)
        {
            lock (_drawn)
            {
                while (_drawn.Count < attempt)
                {
                    _drawn.Add(Draw(_drawn.Count + 1));
                }

                return _drawn[attempt - 1];
            }
        }

        /// <summary>The larger of the backoff and the server's Retry-After (rounded up to whole milliseconds).</summary>
        internal static TimeSpan AtLeast(TimeSpan backoff, TimeSpan? retryAfter) =>
            retryAfter is TimeSpan asked && asked > backoff ? TimeSpan.FromMilliseconds(Math.Ceiling(asked.TotalMilliseconds)) : backoff;

        private TimeSpan Draw(int attempt)
        {
            var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
            var ticks = Math.Min(_options.BaseDelay.Ticks * Math.Pow(2, exponent), _options.MaxDelay.Ticks);
            var jittered = ticks * (0.8 + (0.4 * _random.NextDouble()));
            // Whole milliseconds: timers have millisecond resolution, so the reported wait is the real one.
            return TimeSpan.FromMilliseconds(Math.Floor(Math.Min(jittered, _options.MaxDelay.Ticks) / TimeSpan.TicksPerMillisecond));
        }
    }
}
