using System;
using System.Management.Automation;
using FlowFramework.Completion;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Reads workflows' provisioning state and the resources they created: by id, or all state documents (all pages of
    /// the state search) filtered by state and by having resources. HasTemplate shows orphans (template gone,
    /// resources left).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FlowWorkflowStatus", DefaultParameterSetName = SearchSet)]
    [OutputType(typeof(FlowWorkflowStatus))]
    public sealed class GetFlowWorkflowStatusCommand : FlowConnectedCmdletBase
    {
        private const string ByIdSet = "ById";
        private const string SearchSet = "Search";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
        [Alias("Id", "workflow_id")]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(WorkflowIdCompleter))]
        public string[] WorkflowId { get; set; } = Array.Empty<string>();

        /// <summary>Sends all=true: progress, times and user come back too.</summary>
        [Parameter(ParameterSetName = ByIdSet)]
        public SwitchParameter All { get; set; }

        /// <summary>Only workflows in these states.</summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateSet("NOT_STARTED", "PROVISIONING", "FAILED", "COMPLETED")]
        public string[] State { get; set; } = Array.Empty<string>();

        /// <summary>Only workflows whose state still lists resources.</summary>
        [Parameter(ParameterSetName = SearchSet)]
        public SwitchParameter HasResources { get; set; }

        protected override void ProcessRecord()
        {
            var reader = new CatalogReader(this, 1, "Reading workflow states", "workflow states");
            if (ParameterSetName == SearchSet)
            {
                var filter = new Engine.FlowStatusFilter(State, HasResources);
                reader.Run((catalog, found, _, notice, ct) => catalog.FindStatusesAsync(filter, found, notice, ct));
                return;
            }

            reader.Run((catalog, found, failed, notice, ct) => catalog.GetStatusesAsync(WorkflowId, All, found, failed, notice, ct));
        }
    }
}
