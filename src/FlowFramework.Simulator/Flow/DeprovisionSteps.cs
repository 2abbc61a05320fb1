using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Ml;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>The deprovision steps (workflow/Delete*Step.java, UndeployModelStep.java), run with the caller's rights.
/// Only DeleteModelStep and DeleteAgentStep treat a 404 as success; a missing index, pipeline or (on the access-checked
/// path) connector fails its step every time, because the transport action's own not-found check never sees through
/// WorkflowStepException (server-behaviour.md §3).</summary>
internal sealed class DeprovisionSteps(MlService ml, CoreService core)
{
    public OpResult Run(string stepName, string resourceId, string? tenant, SimUser? caller)
    {
        switch (stepName)
        {
            case "noop":
                return OpResult.Success();
            case "delete_connector":
                return ml.DeleteConnector(resourceId, tenant, caller, viaRest: false);
            case "delete_model":
                {
                    var r = ml.DeleteModel(resourceId, tenant, caller);
                    return r.Status == 404 ? OpResult.Success() : r;
                }
            case "delete_agent":
                {
                    var r = ml.DeleteAgent(resourceId, tenant, caller);
                    return r.Status == 404 ? OpResult.Success() : r;
                }
            case "undeploy_model":
                return ml.UndeployModel(resourceId, tenant, caller);
            case "delete_index":
                return core.DeleteIndex(resourceId, caller);
            case "delete_ingest_pipeline":
                return core.DeletePipeline(false, resourceId, caller);
            case "delete_search_pipeline":
                return core.DeletePipeline(true, resourceId, caller);
            default:
                throw new InvalidOperationException($"no deprovision step {stepName}");
        }
    }
}
