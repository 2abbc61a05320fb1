using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace FlowFramework.Internal
{
    /// <summary>
    /// Loads the engine and its dependencies (Polly.Core, System.Text.Json and their polyfills) from the
    /// module's <c>dependencies</c> folder so that another module's copy of them cannot break ours, nor ours theirs.
    /// </summary>
    /// <remarks>
    /// On PowerShell 7 the engine goes into an AssemblyLoadContext of its own. This assembly targets
    /// netstandard2.0 (to load in Windows PowerShell 5.1 too), so the context is reached through reflection.
    /// Every dependency that the runtime does not already provide is loaded into that context up front: an
    /// assembly a context has loaded always wins, so even a Polly.Core that another module put into the
    /// default context first is never handed to our engine. On Windows PowerShell, AssemblyResolve serves
    /// the same folder (no isolation is possible there; the folder only keeps our files out of the way).
    /// </remarks>
    internal static class DependencyResolver
    {
        internal const string EngineAssemblyName = "FlowFramework.Engine";
        internal const string LoadContextName = "FlowFramework";

        private static readonly object Gate = new object();
        private static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".", "dependencies");

        private static object? s_isolatedContext;
        private static Delegate? s_defaultContextHandler;
        private static EventInfo? s_resolvingEvent;
        private static object? s_defaultContext;
        private static bool s_desktopHooked;
        private static readonly Dictionary<string, Assembly> s_loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        private static Type? LoadContextType =>
            Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
            ?? typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);

        internal static void Register()
        {
            // Without a dependencies folder (unit tests load the build output directly) there is nothing to isolate.
            if (!Directory.Exists(DependencyDirectory))
            {
                return;
            }

            lock (Gate)
            {
                var contextType = LoadContextType;
                if (contextType is null)
                {
                    if (!s_desktopHooked)
                    {
                        AppDomain.CurrentDomain.AssemblyResolve += ResolveOnDesktop;
                        s_desktopHooked = true;
                    }
                    return;
                }

                if (s_defaultContextHandler != null)
                {
                    return;
                }

                s_isolatedContext ??= CreateIsolatedContext(contextType);
                s_defaultContext = contextType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
                s_resolvingEvent = contextType.GetEvent("Resolving")!;
                var handler = typeof(DependencyResolver).GetMethod(nameof(ResolveEngineFromDefault), BindingFlags.NonPublic | BindingFlags.Static)!;
                s_defaultContextHandler = Delegate.CreateDelegate(s_resolvingEvent.EventHandlerType!, handler);
                s_resolvingEvent.AddEventHandler(s_defaultContext, s_defaultContextHandler);
            }
        }

        internal static void Unregister()
        {
            lock (Gate)
            {
                if (s_defaultContextHandler != null && s_resolvingEvent != null && s_defaultContext != null)
                {
                    s_resolvingEvent.RemoveEventHandler(s_defaultContext, s_defaultContextHandler);
                    s_defaultContextHandler = null;
                }
                if (s_desktopHooked)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnDesktop;
                    s_desktopHooked = false;
                }
            }
        }

        private static object CreateIsolatedContext(Type contextType)
        {
            var context = Activator.CreateInstance(contextType, LoadContextName, false)!;
            var loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
            var provided = RuntimeProvidedAssemblies();
            foreach (var file in Directory.GetFiles(DependencyDirectory, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                // The runtime's own (newer) System.* copies serve everybody; loading ours beside them would
                // split type identity between the engine and PowerShell. The AWS SDK waits for a SigV4 connection.
                if (provided.Contains(name) || AwsSdkLoader.IsLoadedOnDemand(name))
                {
                    continue;
                }
                s_loaded[name] = (Assembly)loadFromPath.Invoke(context, new object[] { file })!;
            }

            var resolving = contextType.GetEvent("Resolving")!;
            var handler = typeof(DependencyResolver).GetMethod(nameof(ResolveInIsolatedContext), BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving.AddEventHandler(context, Delegate.CreateDelegate(resolving.EventHandlerType!, handler));
            return context;
        }

        private static HashSet<string> RuntimeProvidedAssemblies()
        {
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            return new HashSet<string>(
                list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension)!,
                StringComparer.OrdinalIgnoreCase);
        }

        // Default context -> engine: the only assembly that FlowFramework.dll itself asks for from dependencies/.
        private static Assembly? ResolveEngineFromDefault(object context, AssemblyName name)
        {
            if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal) || s_isolatedContext is null)
            {
                return null;
            }
            return LoadIntoIsolatedContext(Path.Combine(DependencyDirectory, EngineAssemblyName + ".dll"));
        }

        // Isolated context -> anything else it asks for that we ship.
        private static Assembly? ResolveInIsolatedContext(object context, AssemblyName name)
        {
            var path = Path.Combine(DependencyDirectory, name.Name + ".dll");
            return File.Exists(path) ? LoadIntoIsolatedContext(path) : null;
        }

        /// <summary>Loads a shipped assembly into the engine's context now (the AWS SDK, before the first SigV4 connection).</summary>
        internal static void LoadNow(string assemblyName)
        {
            var path = Path.Combine(DependencyDirectory, assemblyName + ".dll");
            if (s_isolatedContext is not null && File.Exists(path))
            {
                LoadIntoIsolatedContext(path);
            }
        }

        private static Assembly LoadIntoIsolatedContext(string path)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            lock (Gate)
            {
                if (!s_loaded.TryGetValue(name, out var assembly))
                {
                    var context = s_isolatedContext!;
                    var loadFromPath = context.GetType().GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
                    assembly = (Assembly)loadFromPath.Invoke(context, new object[] { path })!;
                    s_loaded[name] = assembly;
                }
                return assembly;
            }
        }

        private static Assembly? ResolveOnDesktop(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(DependencyDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
