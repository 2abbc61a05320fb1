using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;

namespace FlowFramework.Internal
{
    /// <summary>The default connection of each runspace, set by Connect-FlowCluster.</summary>
    internal static class ConnectionStore
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<Guid, FlowConnection> Defaults = new Dictionary<Guid, FlowConnection>();

        private static Guid CurrentRunspaceId => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

        internal static FlowConnection? Default
        {
            get
            {
                lock (Gate)
                {
                    return Defaults.TryGetValue(CurrentRunspaceId, out var connection) ? connection : null;
                }
            }
        }

        internal static void SetDefault(FlowConnection connection)
        {
            FlowConnection? previous;
            lock (Gate)
            {
                Defaults.TryGetValue(CurrentRunspaceId, out previous);
                Defaults[CurrentRunspaceId] = connection;
            }
            if (previous != null && !ReferenceEquals(previous, connection))
            {
                previous.Dispose();
            }
        }

        internal static bool ClearDefault()
        {
            FlowConnection? previous;
            lock (Gate)
            {
                if (!Defaults.TryGetValue(CurrentRunspaceId, out previous))
                {
                    return false;
                }
                Defaults.Remove(CurrentRunspaceId);
            }
            previous.Dispose();
            return true;
        }

        internal static void ClearAll()
        {
            List<FlowConnection> all;
            lock (Gate)
            {
                all = new List<FlowConnection>(Defaults.Values);
                Defaults.Clear();
            }
            foreach (var connection in all)
            {
                connection.Dispose();
            }
        }
    }
}
