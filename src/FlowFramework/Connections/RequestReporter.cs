using System;
using System.Threading;
using FlowFramework.Engine;

namespace FlowFramework.Connections
{
    /// <summary>
    /// Routes the engine's per-request records to the cmdlet invocation that caused them. The value flows with
    /// the async calls, so concurrent invocations sharing one connection each see only their own requests.
    /// </summary>
    internal static class RequestReporter
    {
        private static readonly AsyncLocal<Action<FlowRequestRecord>?> Current = new AsyncLocal<Action<FlowRequestRecord>?>();

        internal static void Report(FlowRequestRecord record) => Current.Value?.Invoke(record);

        internal static IDisposable Observe(Action<FlowRequestRecord> sink)
        {
            var previous = Current.Value;
            Current.Value = sink;
            return new Restore(previous);
        }

        private sealed class Restore : IDisposable
        {
            private readonly Action<FlowRequestRecord>? _previous;

            public Restore(Action<FlowRequestRecord>? previous) => _previous = previous;

            public void Dispose() => Current.Value = _previous;
        }
    }
}
