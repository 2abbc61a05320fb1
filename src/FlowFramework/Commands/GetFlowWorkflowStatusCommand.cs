using System;
using System.Management.Automation;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>Reads workflows' provisioning state and the resources they created.</summary>
    [Cmdlet(VerbsCommon.Get, "FlowWorkflowStatus")]
    [OutputType(typeof(FlowWorkflowStatus))]
    public sealed class GetFlowWorkflowStatusCommand : FlowConnectedCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Sends all=true: progress, times and user come back too.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var id in WorkflowId)
            {
                FlowWorkflowStatus state;
                try
                {
                    state = RunEngine(ct => ActiveConnection.Client.GetWorkflowStatusAsync(id, All, ct));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (FlowApiException ex)
                {
                    var record = FlowErrors.FromApiException(ex, id, ActiveConnection);
                    if (FlowErrors.IsConnectionFatal(ex))
                    {
                        ThrowTerminatingError(record);
                    }
                    WriteError(record);
                    continue;
                }
                WriteObject(state);
            }
        }
    }
}
