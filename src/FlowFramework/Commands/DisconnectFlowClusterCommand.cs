using System.Management.Automation;
using FlowFramework.Connections;

namespace FlowFramework.Commands
{
    /// <summary>Forgets the session's default connection.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "FlowCluster")]
    [OutputType(typeof(void))]
    public sealed class DisconnectFlowClusterCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            if (!ConnectionStore.ClearDefault())
            {
                WriteVerbose("There was no default connection to clear.");
            }
        }
    }
}
