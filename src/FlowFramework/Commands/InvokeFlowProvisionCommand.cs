using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using FlowFramework.Completion;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Starts provisioning workflows (<c>POST .../_provision</c>, substitutions from -Parameter as the request body) and
    /// writes each one's status; with -Wait, waits until each is COMPLETED or FAILED.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FlowProvision", SupportsShouldProcess = true)]
    [OutputType(typeof(FlowWorkflowStatus))]
    public sealed class InvokeFlowProvisionCommand : FlowConnectedCmdletBase
    {
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private ProvisionWaits? _waits;
        private Dictionary<string, string> _parameters = new Dictionary<string, string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(WorkflowIdCompleter))]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Substitutions for the template's <c>${{key}}</c> placeholders.</summary>
        [Parameter]
        [ValidateNotNull]
        public Hashtable Parameter { get; set; } = new Hashtable();

        /// <summary>Wait until provisioning ends (COMPLETED or FAILED).</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _parameters = ParameterValues.ToStrings(Parameter);
            _waits = Wait ? new ProvisionWaits(this, TimeSpan.FromSeconds(600)) : null;
        }

        protected override void ProcessRecord()
        {
            foreach (var id in WorkflowId)
            {
                if (!_seen.Add(id) || !ShouldProcess($"workflow {id}", "Provision"))
                {
                    continue;
                }

                try
                {
                    RunEngine(async ct =>
                    {
                        await ActiveConnection.Client.ProvisionWorkflowAsync(id, _parameters, ct).ConfigureAwait(false);
                        return true;
                    });
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (FlowApiException ex)
                {
                    WriteFailure(FlowLifecycleErrors.ProvisionFailed(ex, id, ActiveConnection), ex);
                    continue;
                }

                if (_waits is not null)
                {
                    _waits.Start(id, (report, _) => Task.FromResult<object?>(report.Status));
                    continue;
                }

                try
                {
                    WriteObject(RunEngine(ct => ActiveConnection.Client.GetWorkflowStatusAsync(id, true, ct)));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (FlowApiException ex)
                {
                    WriteApiError(ex, id);
                }
            }

            Dispatcher.Drain();
        }

        protected override void EndProcessing() => _waits?.WaitAll();
    }
}
