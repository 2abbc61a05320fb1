using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using FlowFramework.Completion;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Waits until workflows finish provisioning (COMPLETED or FAILED), reading the status with growing pauses and
    /// showing progress; writes each final FlowWorkflowStatus, and an error for FAILED (with the server's error text),
    /// NOT_STARTED or the time limit. Workflows are waited for side by side.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "FlowWorkflow")]
    [OutputType(typeof(FlowWorkflowStatus))]
    public sealed class WaitFlowWorkflowCommand : FlowConnectedCmdletBase
    {
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private ProvisionWaits _waits = null!;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(WorkflowIdCompleter))]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>The longest wait for each workflow, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _waits = new ProvisionWaits(this, TimeSpan.FromSeconds(TimeoutSec));
        }

        protected override void ProcessRecord()
        {
            foreach (var id in WorkflowId)
            {
                if (_seen.Add(id))
                {
                    _waits.Start(id, (report, _) => Task.FromResult<object?>(report.Status));
                }
            }

            Dispatcher.Drain();
        }

        protected override void EndProcessing() => _waits.WaitAll();
    }
}
