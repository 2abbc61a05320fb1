using System;
using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace FlowFramework.Connections
{
    /// <summary>
    /// The default connection of each runspace, set by Connect-FlowCluster. A runspace's entry goes with the
    /// runspace (closed: its connection is disposed; collected: the entry is forgotten), and clearing touches only
    /// the current runspace, so one runspace's Disconnect-FlowCluster or Remove-Module never breaks another's requests.
    /// </summary>
    internal static class ConnectionStore
    {
        private static readonly ConditionalWeakTable<Runspace, Slot> Defaults = new ConditionalWeakTable<Runspace, Slot>();
        private static readonly ConcurrentDictionary<string, FlowConnection> Implicits = new ConcurrentDictionary<string, FlowConnection>(StringComparer.Ordinal);

        /// <summary>
        /// The connection of commands run without -Connection and without Connect-FlowCluster ($env:OPENSEARCH_URL, else
        /// localhost): one per process and address, never disposed, so the connection's deprovision cap holds across
        /// commands, runspaces and ForEach-Object -Parallel that rely on it, as it does for a shared -Connection.
        /// </summary>
        internal static FlowConnection Implicit(Uri uri) =>
            Implicits.GetOrAdd(uri.AbsoluteUri, _ => new FlowConnection(uri, null, false, null, 30));

        internal static FlowConnection? Default =>
            Runspace.DefaultRunspace is Runspace runspace && Defaults.TryGetValue(runspace, out var slot) ? slot.Connection : null;

        internal static void SetDefault(FlowConnection connection)
        {
            if (Runspace.DefaultRunspace is Runspace runspace)
            {
                Defaults.GetValue(runspace, Open).Replace(connection);
            }
        }

        /// <summary>Forgets (and disposes) the current runspace's default; false when there was none.</summary>
        internal static bool ClearDefault() =>
            Runspace.DefaultRunspace is Runspace runspace && Defaults.TryGetValue(runspace, out var slot) && slot.Replace(null);

        private static Slot Open(Runspace runspace)
        {
            var slot = new Slot();
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State == RunspaceState.Closed || e.RunspaceStateInfo.State == RunspaceState.Broken)
                {
                    slot.Replace(null);
                }
            };
            return slot;
        }

        private sealed class Slot
        {
            private FlowConnection? _connection;

            internal FlowConnection? Connection
            {
                get
                {
                    lock (this)
                    {
                        return _connection;
                    }
                }
            }

            /// <summary>Sets the connection, disposing the one it replaces; true when there was one.</summary>
            internal bool Replace(FlowConnection? connection)
            {
                FlowConnection? previous;
                lock (this)
                {
                    previous = _connection;
                    _connection = connection;
                }

                if (previous != null && !ReferenceEquals(previous, connection))
                {
                    previous.Dispose();
                }

                return previous != null;
            }
        }
    }
}
