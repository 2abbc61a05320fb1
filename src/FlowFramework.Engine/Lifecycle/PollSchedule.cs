using System;

namespace FlowFramework.Engine
{
    /// <summary>
    /// How long to wait before each status read while provisioning runs: short at first (a small workflow is done in
    /// a second), growing by half each time up to a cap, never past the deadline. Pure: the same poll number gives the
    /// same wait.
    /// </summary>
    internal static class PollSchedule
    {
        /// <summary>The wait after poll <paramref name="poll"/> (1-based), cut so the next read happens at the deadline at the latest.</summary>
        internal static TimeSpan Next(int poll, TimeSpan first, TimeSpan cap, TimeSpan remaining)
        {
            var exponent = Math.Min(Math.Max(poll - 1, 0), 40);
            var ticks = Math.Min(first.Ticks * Math.Pow(1.5, exponent), cap.Ticks);
            var wait = TimeSpan.FromMilliseconds(Math.Floor(ticks / TimeSpan.TicksPerMillisecond));
            return remaining < wait ? (remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining) : wait;
        }
    }
}
