using System.Management.Automation;
using FlowFramework.Connections;

namespace FlowFramework.Bootstrap
{
    /// <summary>
    /// Hooks the dependency resolver before any cmdlet touches the engine; on Remove-Module forgets this runspace's
    /// default connection (other runspaces keep theirs) and unhooks the resolver.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyResolver.Register();

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            ConnectionStore.ClearDefault();
            DependencyResolver.Unregister();
        }
    }
}
