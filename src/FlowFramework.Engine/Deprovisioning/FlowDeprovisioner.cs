using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>Deprovisions one workflow at a time, retrying while the server makes progress.</summary>
    public sealed class FlowDeprovisioner
    {
        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;

        public FlowDeprovisioner(FlowApiClient client, FlowDeprovisionOptions options)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _options = options ?? new FlowDeprovisionOptions();
        }

        /// <summary>Reads the status (all=true) and plans from it.</summary>
        public async Task<FlowDeprovisionPlan> PlanAsync(string workflowId, IReadOnlyCollection<string> allowDeleteIds, CancellationToken ct)
        {
            var state = await _client.GetWorkflowStatusAsync(workflowId, true, ct).ConfigureAwait(false);
            return FlowDeprovisionPlan.FromState(state, allowDeleteIds);
        }

        public Task<FlowDeprovisionOutcome> RunAsync(FlowDeprovisionPlan plan, IReadOnlyCollection<string> allowDeleteIds, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            throw new NotImplementedException();
        }
    }
}
