using System;

namespace FlowFramework.Engine
{
    /// <summary>Limits of one workflow's deprovision run.</summary>
    public sealed class FlowDeprovisionOptions
    {
        /// <summary>Deprovision requests at most, the first included.</summary>
        public int MaxAttempts { get; set; } = 10;

        /// <summary>The whole run; no attempt starts after it.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(300);

        /// <summary>The first retry waits about this long (with jitter).</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The cap of the exponential delay (a larger Retry-After still wins).</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Stop when the same leftovers have kept failing for this long.</summary>
        public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Once the server reports the workflow clean, delete the model groups it registered (the server keeps them).</summary>
        public bool IncludeModelGroups { get; set; }

        /// <summary>
        /// After a 202, what blocks the leftovers (a model still deployed or deploying, a connector still used) is read
        /// again this long after the first read, the wait growing gently to <see cref="WatchMaxInterval"/>.
        /// </summary>
        public TimeSpan WatchInterval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>The cap of the wait between two reads of what blocks the leftovers.</summary>
        public TimeSpan WatchMaxInterval { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>Reads of what blocks the leftovers, at most, per second and workflow.</summary>
        public int WatchReadsPerSecond { get; set; } = 4;

        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

        /// <summary>Seeds the jitter so tests get a fixed schedule.</summary>
        public int? RandomSeed { get; set; }
    }
}
