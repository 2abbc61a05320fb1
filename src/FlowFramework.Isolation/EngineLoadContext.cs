using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace FlowFramework.Isolation
{
    /// <summary>
    /// Loads the engine and what it ships (Polly.Core and friends) from the module's <c>dependencies</c> folder into
    /// a context of its own, so that another module's copy of them cannot break ours, nor ours theirs. Each assembly
    /// loads when first asked for: AWSSDK.Core and what only it needs load when a SigV4 connection resolves
    /// credentials through the SDK (a profile, the default chain, an AWSCredentials object), never at Import-Module,
    /// and into this context even when another module (AWS.Tools) has its own copy in the default one. The default
    /// context asks for the engine by name (it is the only thing FlowFramework.dll references there); from then on
    /// this context serves the engine's references first, so its files win over any copy in the default context.
    /// Two kinds of assembly stay shared with the default context: the public output types (one copy, so the object
    /// the engine makes is the type the session sees) and whatever the runtime itself provides.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private const string EngineName = "FlowFramework.Engine";
        private static readonly object Gate = new object();
        private static EngineLoadContext? s_context;
        private static bool s_hooked;

        private readonly string _directory;
        private readonly Assembly _shared;
        private readonly HashSet<string> _runtimeProvided;

        private EngineLoadContext(string directory, Assembly shared)
        {
            _directory = directory;
            _shared = shared;
            var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            _runtimeProvided = new HashSet<string>(
                trusted.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension),
                StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>Serves the engine to the default context from <paramref name="directory"/>; <paramref name="shared"/> is the output types' assembly.</summary>
        internal static void Hook(string directory, Assembly shared)
        {
            lock (Gate)
            {
                // One context for the process: a module imported again must find the engine it already loaded.
                s_context ??= new EngineLoadContext(directory, shared);
                if (!s_hooked)
                {
                    Default.Resolving += ResolveEngine;
                    s_hooked = true;
                }
            }
        }

        internal static void Unhook()
        {
            lock (Gate)
            {
                if (s_hooked)
                {
                    Default.Resolving -= ResolveEngine;
                    s_hooked = false;
                }
            }
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (string.Equals(name.Name, _shared.GetName().Name, StringComparison.Ordinal))
            {
                return _shared;
            }

            // The runtime's own (newer) System.* serve everybody; our netstandard copies beside them would split type identity.
            if (name.Name is null || _runtimeProvided.Contains(name.Name))
            {
                return null;
            }

            var path = Path.Combine(_directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            string.Equals(name.Name, EngineName, StringComparison.Ordinal) ? s_context!.LoadFromAssemblyName(name) : null;
    }

    /// <summary>The entry point FlowFramework.dll calls (its signatures keep AssemblyLoadContext out of the caller's sight).</summary>
    public static class EngineIsolation
    {
        /// <summary>Loads the engine from <paramref name="dependencyDirectory"/> in a context of its own, sharing <paramref name="outputTypes"/> with the default context.</summary>
        public static void Hook(string dependencyDirectory, Assembly outputTypes) => EngineLoadContext.Hook(dependencyDirectory, outputTypes);

        public static void Unhook() => EngineLoadContext.Unhook();
    }
}
