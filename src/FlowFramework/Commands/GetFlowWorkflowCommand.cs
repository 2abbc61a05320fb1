using System;
using System.Management.Automation;
using FlowFramework.Completion;

namespace FlowFramework.Commands
{
    /// <summary>Lists workflow templates (by id, or all pages of a template search), each with its provisioning state.</summary>
    [Cmdlet(VerbsCommon.Get, "FlowWorkflow")]
    [OutputType(typeof(FlowWorkflow))]
    public sealed class GetFlowWorkflowCommand : FlowConnectedCmdletBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(WorkflowIdCompleter))]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Template names, exact or with * and ? (case-sensitive, like the server's keyword match).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNull]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The template's use_case (any case).</summary>
        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(UseCaseCompleter))]
        public string[] UseCase { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var filter = new Engine.FlowWorkflowFilter(Name, UseCase);
            var reader = new CatalogReader(this, 1, "Reading workflow templates", "workflow templates");
            if (WorkflowId.Length == 0)
            {
                reader.Run((catalog, found, _, notice, ct) => catalog.FindWorkflowsAsync(filter, found, notice, ct));
                return;
            }

            reader.Run((catalog, found, failed, notice, ct) => catalog.GetWorkflowsAsync(WorkflowId, filter, found, failed, notice, ct));
        }
    }
}
