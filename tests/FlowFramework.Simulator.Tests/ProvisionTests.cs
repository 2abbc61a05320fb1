using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Provisioning: state checks and synchronous provisioning (ProvisionWorkflowTransportAction).</summary>
public class ProvisionTests
{
    [Fact]
    public async Task Provision_twice_is_400_with_state()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((400, Err($"The workflow provisioning state is DONE and can not be provisioned unless its state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_provision")));
        Assert.Equal((400, Err($"The template can not be updated unless its provisioning state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.")),
            Pick(await sim.SendAsync("PUT", $"{Wf}/{id}", Templates.RemoteModel())));
        Assert.Equal((400, Err("Workflow Step deletion is not supported when reprovisioning a template.")),
            Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.Of(Templates.Connector()))));
    }

    [Fact]
    public async Task Synchronous_provision_failure_answers_the_step_error_and_create_passes_flow_errors_through()
    {
        await using var sim = await StartAsync();
        var broken = Templates.Of(new JsonObject
        {
            ["id"] = "model", ["type"] = "register_remote_model",
            ["user_inputs"] = new JsonObject { ["name"] = "m", ["connector_id"] = "nope" },
        });
        var id = await sim.CreateAsync(broken);
        var error = "WorkflowStepException during step model, Failed to find connector with the provided connector id: nope, restStatus: NOT_FOUND";
        Assert.Equal((404, Err(error)), Pick(await sim.PostAsync($"{Wf}/{id}/_provision?wait_for_completion_timeout=5s")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["error"] = error, ["state"] = "FAILED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));

        // A FlowFrameworkException while provisioning from create is passed through, not turned into "Provisioning failed.".
        var unknown = Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" });
        Assert.Equal((501, Err("Workflow step type [make_coffee] is not implemented.")), Pick(await sim.PostAsync($"{Wf}?validation=none&provision=true", unknown)));
    }
}
