using System;
using System.Linq;

namespace FlowFramework.Internal
{
    /// <summary>
    /// AWSSDK.Core and what only it needs are not loaded at Import-Module: they go into the engine's context when
    /// the first SigV4 connection resolves credentials, before any engine code that uses them runs. Loading them
    /// explicitly (rather than on first reference) keeps another module's AWSSDK.Core in the default context, such
    /// as AWS.Tools', from being handed to our engine.
    /// </summary>
    internal static class AwsSdkLoader
    {
        private static readonly string[] OnDemand = { "System.IO.Hashing", "AWSSDK.Extensions.Numerics", "AWSSDK.Core" };
        private static readonly object Gate = new object();
        private static bool s_loaded;

        internal static bool IsLoadedOnDemand(string assemblyName) => OnDemand.Contains(assemblyName, StringComparer.OrdinalIgnoreCase);

        internal static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (s_loaded)
                {
                    return;
                }

                foreach (var name in OnDemand)
                {
                    DependencyResolver.LoadNow(name);
                }

                s_loaded = true;
            }
        }
    }
}
