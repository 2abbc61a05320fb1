using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Completion;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Creates a workflow from a template (path, JSON string or hashtable) or from a built-in use case, optionally
    /// provisions it and waits for provisioning to end; writes the FlowWorkflow. The server validates the template;
    /// its validation errors keep its own text.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "FlowWorkflow", SupportsShouldProcess = true, DefaultParameterSetName = TemplateSet)]
    [OutputType(typeof(FlowWorkflow))]
    public sealed class NewFlowWorkflowCommand : FlowConnectedCmdletBase
    {
        private const string TemplateSet = "Template";
        private const string UseCaseSet = "UseCase";
        private ProvisionWaits? _waits;

        /// <summary>A path to a JSON file, a JSON string, or a hashtable / PSCustomObject.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TemplateSet)]
        public object? Template { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UseCaseSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UseCaseCompleter))]
        public string UseCase { get; set; } = string.Empty;

        /// <summary>The use case's substitutions, such as @{ 'create_connector.credential.key' = $key }.</summary>
        [Parameter(ParameterSetName = UseCaseSet)]
        [ValidateNotNull]
        public Hashtable Parameter { get; set; } = new Hashtable();

        [Parameter]
        public SwitchParameter Provision { get; set; }

        /// <summary>With -Provision: wait until provisioning ends (COMPLETED or FAILED).</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Wait && !Provision)
            {
                ThrowTerminatingError(FlowErrors.Create(FlowErrorIds.WaitWithoutProvision, ErrorCategory.InvalidArgument, null,
                    "-Wait waits for provisioning, and without -Provision nothing is provisioned.",
                    "Add -Provision, or provision later with Invoke-FlowProvision <id> -Wait."));
            }

            _waits = Wait ? new ProvisionWaits(this, TimeSpan.FromSeconds(600)) : null;
        }

        protected override void ProcessRecord()
        {
            FlowTemplateSource source;
            string shown;
            try
            {
                (source, shown) = ParameterSetName == UseCaseSet
                    ? (FlowTemplateSource.FromUseCase(UseCase, ParameterValues.ToStrings(Parameter)), $"use case '{UseCase}'")
                    : TemplateInput.Resolve(this, Template);
            }
            catch (Exception ex) when (ex is FormatException || ex is IOException || ex is UnauthorizedAccessException || ex is ItemNotFoundException || ex is ArgumentException)
            {
                WriteError(FlowLifecycleErrors.TemplateUnusable(Template is string s && !s.TrimStart().StartsWith("{", StringComparison.Ordinal) ? s : "given", ex.Message, ex));
                return;
            }

            if (!ShouldProcess(shown, Provision ? "Create and provision workflow" : "Create workflow"))
            {
                return;
            }

            string id;
            try
            {
                id = RunEngine(ct => ActiveConnection.Client.CreateWorkflowAsync(source, Provision, ct));
                WriteVerbose($"Created workflow {id} from {shown}.");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (FlowApiException ex)
            {
                WriteFailure(FlowLifecycleErrors.CreateFailed(ex, shown, ActiveConnection), ex);
                return;
            }

            if (_waits is not null)
            {
                _waits.Start(id, async (report, ct) => await ReadAsync(id, report.Status?.State, ct).ConfigureAwait(false));
                Dispatcher.Drain();
                return;
            }

            try
            {
                WriteObject(RunEngine(ct => ReadAsync(id, null, ct)));
            }
            catch (OperationCanceledException)
            {
            }
            catch (FlowApiException ex)
            {
                WriteApiError(ex, id);
            }
        }

        protected override void EndProcessing() => _waits?.WaitAll();

        /// <summary>The new workflow as the server stores it, with its state (from the wait, else a status read).</summary>
        private async Task<FlowWorkflow> ReadAsync(string id, string? state, CancellationToken ct)
        {
            var workflow = await ActiveConnection.Client.GetWorkflowAsync(id, ct).ConfigureAwait(false);
            state ??= (await ActiveConnection.Client.GetWorkflowStatusAsync(id, false, ct).ConfigureAwait(false)).State;
            return workflow.WithState(state);
        }
    }
}
