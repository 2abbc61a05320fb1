using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowFramework.Isolation;

namespace FlowFramework.Bootstrap
{
    /// <summary>
    /// Makes the engine and its dependencies (Polly.Core, System.Text.Json, AWSSDK.Core and their polyfills) load
    /// from the module's <c>dependencies</c> folder, each when first needed (AWSSDK.Core only for SigV4). On PowerShell 7 they get an AssemblyLoadContext of their own
    /// (FlowFramework.Isolation.dll); on Windows PowerShell, where no isolation exists, AssemblyResolve serves the
    /// same folder. The public output types (FlowFramework.Model.dll) load once, in the default context, beside
    /// this assembly, for both.
    /// </summary>
    internal static class DependencyResolver
    {
        private static readonly object Gate = new object();
        private static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".", "dependencies");

        private static bool s_desktopHooked;

        private static bool OnNetFramework => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        internal static void Register()
        {
            // Without a dependencies folder (unit tests load the build output directly) there is nothing to isolate.
            if (!Directory.Exists(DependencyDirectory))
            {
                return;
            }

            if (!OnNetFramework)
            {
                HookLoadContext();
                return;
            }

            lock (Gate)
            {
                if (!s_desktopHooked)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += ResolveOnDesktop;
                    s_desktopHooked = true;
                }
            }
        }

        internal static void Unregister()
        {
            if (!OnNetFramework)
            {
                UnhookLoadContext();
                return;
            }

            lock (Gate)
            {
                if (s_desktopHooked)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnDesktop;
                    s_desktopHooked = false;
                }
            }
        }

        // Kept out of line: Windows PowerShell never compiles these, so it never loads FlowFramework.Isolation.dll.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void HookLoadContext() => EngineIsolation.Hook(DependencyDirectory, typeof(FlowResource).Assembly);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void UnhookLoadContext() => EngineIsolation.Unhook();

        private static Assembly? ResolveOnDesktop(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (string.Equals(name, typeof(FlowResource).Assembly.GetName().Name, StringComparison.Ordinal))
            {
                return typeof(FlowResource).Assembly;
            }

            var path = Path.Combine(DependencyDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
