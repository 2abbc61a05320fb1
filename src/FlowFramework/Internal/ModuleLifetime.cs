using System.Management.Automation;

namespace FlowFramework.Internal
{
    /// <summary>
    /// Hooks the dependency resolver before any cmdlet touches the engine, and unhooks it on Remove-Module.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyResolver.Register();

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            ConnectionStore.ClearAll();
            DependencyResolver.Unregister();
        }
    }
}
