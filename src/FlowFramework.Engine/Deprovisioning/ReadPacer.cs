using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Keeps one workflow's resource reads (existence checks and what blocks its leftovers) to at most N in any second:
    /// each read waits until the N-th read before it is a second old.
    /// </summary>
    internal sealed class ReadPacer
    {
        private readonly TimeProvider _time;
        private readonly int _perSecond;
        private readonly long _origin;
        private readonly Queue<TimeSpan> _sent = new Queue<TimeSpan>();

        internal ReadPacer(TimeProvider time, int perSecond)
        {
            _time = time;
            _perSecond = Math.Max(perSecond, 1);
            _origin = time.GetTimestamp();
        }

        /// <summary>Waits until one more read keeps the bound, and counts it as sent.</summary>
        internal async Task WaitAsync(CancellationToken ct)
        {
            var wait = WaitBefore(_sent, _time.GetElapsedTime(_origin), _perSecond);
            if (wait > TimeSpan.Zero)
            {
                await _time.Delay(wait, ct).ConfigureAwait(false);
            }

            _sent.Enqueue(_time.GetElapsedTime(_origin));
            while (_sent.Count > _perSecond)
            {
                _sent.Dequeue();
            }
        }

        /// <summary>How long a read at <paramref name="now"/> waits so that no second holds more than <paramref name="perSecond"/> reads (pure).</summary>
        internal static TimeSpan WaitBefore(IReadOnlyCollection<TimeSpan> recent, TimeSpan now, int perSecond)
        {
            if (recent.Count < perSecond)
            {
                return TimeSpan.Zero;
            }

            // The read perSecond places back must be a full second old: a window [t, t + 1 s) then holds at most perSecond.
            var index = recent.Count - perSecond;
            var i = 0;
            foreach (var sent in recent)
            {
                if (i++ == index)
                {
                    var wait = sent + TimeSpan.FromSeconds(1) - now;
                    return wait > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)) : TimeSpan.Zero;
                }
            }

            return TimeSpan.Zero;
        }
    }
}
