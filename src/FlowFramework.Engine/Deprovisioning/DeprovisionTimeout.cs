using System;

namespace FlowFramework.Engine
{
    /// <summary>
    /// How long the server may take over one <c>_deprovision</c> (server-behaviour.md §4, §10): each step may take the
    /// step timeout (<c>plugins.flow_framework.request_timeout</c>, 10 s), a success is followed by a 100 ms pause, and
    /// each pass by a 1 s pause, with at most one pass per step.
    /// </summary>
    internal static class DeprovisionTimeout
    {
        internal static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
        internal static readonly TimeSpan StepPause = TimeSpan.FromMilliseconds(100);
        internal static readonly TimeSpan PassPause = TimeSpan.FromSeconds(1);

        /// <summary>A status that has not changed for longer than this belongs to a server that is no longer working on the request.</summary>
        internal static readonly TimeSpan Quiet = StepTimeout + PassPause;

        /// <summary>The request's time limit: the server's worst case for <paramref name="steps"/>, at least the connection's own limit.</summary>
        internal static TimeSpan For(int steps, TimeSpan connectionTimeout)
        {
            var work = TimeSpan.FromTicks(steps * (StepTimeout + StepPause + PassPause).Ticks);
            return work > connectionTimeout ? work : connectionTimeout;
        }
    }
}
