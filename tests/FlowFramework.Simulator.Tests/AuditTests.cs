using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.ErrorMatrixTests;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Fidelity fixes found by auditing against the upstream sources (each asserts exact status and body).</summary>
public class AuditTests
{
    private const string Safe = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")";

    [Fact]
    public async Task Reprovision_update_steps_record_no_resource_and_deprovision_stays_clean()
    {
        // Update*PipelineStep / UpdateIndexStep never call addResourceToStateIndex, and
        // WorkflowResources.getDeprovisionStepByWorkflowStep only knows create steps.
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.Full("up1", "upidx"));
        var id = state["workflow_id"]!.GetValue<string>();
        var before = Templates.Resources(state).Select(r => r.ToJsonString()).ToList();
        var changed = Templates.Full("up1", "upidx");
        var pipeline = changed["workflows"]!["provision"]!["nodes"]![2]!["user_inputs"]!.AsObject();
        pipeline["configurations"]!["description"] = "changed";
        var (status, body, text) = await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", changed);
        Assert.True(status == 202, text);
        Assert.Equal(new JsonObject { ["workflow_id"] = id }.ToJsonString(), body!.ToJsonString());
        var after = await sim.WaitProvisionedAsync(id);
        Assert.Equal("DONE", after["provisioning_progress"]!.GetValue<string>());
        Assert.Equal(before, Templates.Resources(after).Select(r => r.ToJsonString()).ToList());
        Assert.Equal("changed", (await sim.GetAsync("/_ingest/pipeline/up1")).Body!["up1"]!["description"]!.GetValue<string>());
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id }.ToJsonString()),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=up1,upidx")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
    }

    private static JsonObject Named(JsonObject node, string? name, string? description)
    {
        var inputs = node["user_inputs"]!.AsObject();
        if (name is null) { inputs.Remove("name"); } else { inputs["name"] = name; }
        if (description is null) { inputs.Remove("description"); } else { inputs["description"] = description; }
        return node;
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
    public async Task Update_of_an_unknown_id_is_404_before_validation()
    {
        await using var sim = await StartAsync();
        var invalid = Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" });
        Assert.Equal((404, Err("Failed to retrieve template (nope).")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope", invalid)));
        await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((404, Err("Failed to retrieve template (nope) from global context.")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope", invalid)));
        Assert.Equal((404, Err("Failed to retrieve template (nope) from global context.")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope?update_fields=true", new JsonObject { ["name"] = "n" })));
    }

    [Fact]
    public async Task Multi_tenancy_unknown_ids_fail_the_access_check_with_its_404()
    {
        // With multi-tenancy on, ParseUtils#resolveUserAndExecute always fetches the doc (state doc for status,
        // deprovision and delete?clear_status=true; template otherwise) and answers its own 404 first.
        await using var sim = await StartAsync("--multi-tenancy");
        var id = await sim.CreateAsync(Templates.RemoteModel(), tenant: "t1");
        var missing = Err("Failed to retrieve template (nope) from global context.");
        Assert.Equal((404, missing), Pick(await sim.GetAsync($"{Wf}/nope/_status", tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.PostAsync($"{Wf}/nope/_deprovision", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.SendAsync("DELETE", $"{Wf}/nope", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.SendAsync("DELETE", $"{Wf}/nope?clear_status=true", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.GetAsync($"{Wf}/nope", tenant: "t1")));
        Assert.Equal((403, Err("No permission to access this resource")), Pick(await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true", null, tenant: "t2")));
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true", null, tenant: "t1");
        Assert.Equal(200, status);
        Assert.Equal("deleted", body!["result"]!.GetValue<string>());
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", tenant: "t1")));
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

public class AuditMlTests
{
    [Fact]
    public async Task Undeploy_twice_reports_not_found_and_model_doc_matches_ml_commons()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var connector = Templates.ResourceId(state, "create_connector");
        var (s1, first, _) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, s1);
        var node = first!.AsObject().Single().Key;
        Assert.Equal(new JsonObject { [node] = new JsonObject { ["stats"] = new JsonObject { [model] = "undeployed" } } }.ToJsonString(), first.ToJsonString());
        // MLModelManager.undeployModel: a model in no node's cache is "not_found" (still 200).
        Assert.Equal((200, new JsonObject { [node] = new JsonObject { ["stats"] = new JsonObject { [model] = "not_found" } } }.ToJsonString()),
            Pick(await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy")));
        var (s2, doc, text) = await sim.GetAsync($"/_plugins/_ml/models/{model}");
        Assert.True(s2 == 200, text);
        // Undeploy zeroes the counts and empties planning_worker_nodes; nothing writes last_undeployed_time.
        Assert.Equal(
            ["name", "model_group_id", "algorithm", "model_version", "model_state", "created_time", "last_updated_time", "last_registered_time",
             "last_deployed_time", "auto_redeploy_retry_times", "planning_worker_node_count", "current_worker_node_count", "deploy_to_all_nodes", "connector_id"],
            doc!.AsObject().Select(kv => kv.Key));
        Assert.Equal("UNDEPLOYED", doc["model_state"]!.GetValue<string>());
        Assert.Equal(0, doc["planning_worker_node_count"]!.GetValue<int>());
        Assert.Equal(0, doc["current_worker_node_count"]!.GetValue<int>());
        Assert.Equal(connector, doc["connector_id"]!.GetValue<string>());
    }
}
