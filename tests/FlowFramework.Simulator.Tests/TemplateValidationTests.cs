using System.Diagnostics;
using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Template validation as WorkflowProcessSorter does it, and the step catalogue.</summary>
public class TemplateValidationTests
{
    private const string Safe = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")";

    private static JsonObject Named(JsonObject node, string? name, string? description)
    {
        var inputs = node["user_inputs"]!.AsObject();
        if (name is null) { inputs.Remove("name"); } else { inputs["name"] = name; }
        if (description is null) { inputs.Remove("description"); } else { inputs["description"] = description; }
        return node;
    }

    [Fact]
    public async Task Validation_errors_at_create()
    {
        await using var sim = await StartAsync();
        var unknown = Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" });
        Assert.Equal((501, Err("Workflow step type [make_coffee] is not implemented.")), Pick(await sim.PostAsync(Wf, unknown)));
        Assert.Equal(201, (await sim.PostAsync($"{Wf}?validation=none", unknown)).Status);
        var denied = Templates.Of(new JsonObject { ["id"] = "d", ["type"] = "delete_index", ["user_inputs"] = new JsonObject { ["index_name"] = "x" } });
        Assert.Equal((403, Err("The step type [delete_index] for node [d] can not be used in a workflow.")), Pick(await sim.PostAsync(Wf, denied)));
        var missing = Templates.Of(new JsonObject { ["id"] = "m", ["type"] = "register_remote_model", ["user_inputs"] = new JsonObject { ["name"] = "n" } });
        Assert.Equal((400, Err("Invalid workflow, node [m] missing the following required inputs : [connector_id]")), Pick(await sim.PostAsync(Wf, missing)));
        var dup = Templates.Of(Templates.Connector("a"), Templates.Connector("a"));
        Assert.Equal((400, Err("Duplicate node id a.")), Pick(await sim.PostAsync(Wf, dup)));
    }

    [Fact]
    public async Task Field_values_of_ml_steps_are_validated_like_WorkflowProcessSorter()
    {
        await using var sim = await StartAsync();
        var bad = Templates.Of(Named(Templates.Connector(), "Bad<script>Name", "ok"), Templates.Model());
        Assert.Equal((400, Err($"Validation Failed: 1: Model connector name [node conn] {Safe};")), Pick(await sim.PostAsync(Wf, bad)));

        // Three errors come out in java.util.HashMap order, not insertion order.
        var three = Templates.Of(Named(Templates.Connector(), "a{b}", "d#"), Named(Templates.Model(), " ", null));
        Assert.Equal((400, Err($"Validation Failed: 1: Model name [node model] is required and cannot be null or blank;2: Model connector description [node conn] {Safe};3: Model connector name [node conn] {Safe};")),
            Pick(await sim.PostAsync(Wf, three)));

        // Description is optional (blank is fine); unicode letters and digits pass; non-string names are not checked.
        var fine = Templates.Of(Named(Templates.Connector(), "Ünïcode 名前 (v2): a/b-c_d.e!?'\"@", "  "), Named(Templates.Model(), "m", null),
            new JsonObject { ["id"] = "g", ["type"] = "register_model_group", ["user_inputs"] = new JsonObject { ["name"] = "group 1" } });
        var (status, _, text) = await sim.PostAsync(Wf, fine);
        Assert.True(status == 201, text);
        var group = Templates.Of(new JsonObject { ["id"] = "g", ["type"] = "register_model_group", ["user_inputs"] = new JsonObject { ["name"] = "g", ["description"] = "50%" } });
        Assert.Equal((400, Err($"Validation Failed: 1: Model group description [node g] {Safe};")), Pick(await sim.PostAsync(Wf, group)));

        // validation=none skips it at create, but provisioning validates again (ProvisionWorkflowTransportAction).
        var placeholder = Templates.Of(Named(Templates.Connector(), "${{name}}", "d"));
        var (s2, created, t2) = await sim.PostAsync($"{Wf}?validation=none", placeholder);
        Assert.True(s2 == 201, t2);
        var id = created!["workflow_id"]!.GetValue<string>();
        Assert.Equal((400, Err($"Validation Failed: 1: Model connector name [node conn] {Safe};")), Pick(await sim.PostAsync($"{Wf}/{id}/_provision?name=ok")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
    }

    [Fact]
    public async Task Unknown_step_type_is_501_at_create_and_at_provision()
    {
        await using var sim = await StartAsync();
        var unknown = Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" });
        Assert.Equal((501, Err("Workflow step type [make_coffee] is not implemented.")), Pick(await sim.PostAsync(Wf, unknown)));
        var (status, created, text) = await sim.PostAsync($"{Wf}?validation=none", unknown);
        Assert.True(status == 201, text);
        var id = created!["workflow_id"]!.GetValue<string>();
        Assert.Equal((501, Err("Workflow step type [make_coffee] is not implemented.")), Pick(await sim.PostAsync($"{Wf}/{id}/_provision")));
    }

    [Fact]
    public async Task Steps_api_lists_and_filters()
    {
        await using var sim = await StartAsync();
        var (status, body, _) = await sim.GetAsync($"{Wf}/_steps?workflow_step=deploy_model");
        Assert.Equal(200, status);
        Assert.Equal("{\"deploy_model\":{\"inputs\":[\"model_id\"],\"outputs\":[\"model_id\"],\"required_plugins\":[\"opensearch-ml\"],\"timeout\":\"15s\"}}", body!.ToJsonString());
        (status, body, _) = await sim.GetAsync($"{Wf}/_steps");
        Assert.Equal(200, status);
        Assert.Null(body!["delete_index"]);
        Assert.NotNull(body["create_index"]);
        Assert.Equal((400, Err("Failed to retrieve workflow step json.")), Pick(await sim.GetAsync($"{Wf}/_steps?workflow_step=delete_index")));
    }
}
