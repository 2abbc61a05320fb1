using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>server-behaviour.md §1 error matrix and parameter checks: exact status and body.</summary>
public class ErrorMatrixTests
{
    [Fact]
    public async Task Root_answers_like_OpenSearch_3()
    {
        await using var sim = await StartAsync();
        var (status, body, _) = await sim.GetAsync("/");
        Assert.Equal(200, status);
        Assert.Equal("opensearch", body!["version"]!["distribution"]!.GetValue<string>());
        Assert.StartsWith("3.", body["version"]!["number"]!.GetValue<string>());
        Assert.Equal(["name", "cluster_name", "cluster_uuid", "version", "tagline"], body.AsObject().Select(kv => kv.Key));
        using var head = await sim.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(200, (int)head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Unknown_ids_give_the_documented_404s()
    {
        await using var sim = await StartAsync();
        await sim.CreateAsync(Templates.RemoteModel());
        var id = "AAAAAAAAAAAAAAAAAAAA";
        Assert.Equal((404, Err($"Fail to find workflow status of {id}")), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        Assert.Equal((404, Err($"Failed to get workflow state for workflow {id}")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision")));
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.GetAsync($"{Wf}/{id}")));
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.PostAsync($"{Wf}/{id}/_provision")));
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("not_found", body!["result"]!.GetValue<string>());
        Assert.Equal(".plugins-flow-framework-templates", body["_index"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_before_any_template_is_404_no_templates()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, Err("There are no templates in the global context")), Pick(await sim.SendAsync("DELETE", $"{Wf}/abc")));
    }

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
    public async Task Reprovision_while_not_started_is_400_and_adding_a_node_works()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((400, Err($"The template can not be reprovisioned unless its provisioning state is DONE or FAILED: {id}")),
            Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.RemoteModel())));
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
        await sim.WaitProvisionedAsync(id);
        Assert.Equal((400, Err("Template does not contain any modifications")), Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.RemoteModel())));
        var (status, _, text) = await sim.SendAsync("PUT", $"{Wf}/{id}?reprovision=true", Templates.Of(Templates.Connector(), Templates.Model(), Templates.Pipeline("rp")));
        Assert.True(status == 202, text);
        var state = await sim.WaitProvisionedAsync(id);
        Assert.Equal("DONE", state["provisioning_progress"]!.GetValue<string>());
        Assert.Equal("rp", Templates.ResourceId(state, "create_ingest_pipeline"));
        Assert.Equal(200, (await sim.GetAsync("/_ingest/pipeline/rp")).Status);
    }

    [Fact]
    public async Task Status_parameters_are_checked_like_core()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed.")),
            Pick(await sim.GetAsync($"{Wf}/{id}/_status?all=yes")));
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", $"request [{Wf}/{id}/_status] contains unrecognized parameter: [al] -> did you mean [all]?")),
            Pick(await sim.GetAsync($"{Wf}/{id}/_status?al=true")));
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", $"request [{Wf}/{id}/_deprovision] contains unrecognized parameter: [allow-delete] -> did you mean [allow_delete]?")),
            Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision?allow-delete=x")));
        Assert.Equal((200, new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED" }.ToJsonString()), Pick(await sim.GetAsync($"{Wf}/{id}/_status")));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true");
        Assert.Equal(new JsonObject { ["workflow_id"] = id, ["state"] = "NOT_STARTED", ["provisioning_progress"] = "NOT_STARTED" }.ToJsonString(), all!.ToJsonString());
    }

    [Fact]
    public async Task Create_parameter_checks()
    {
        await using var sim = await StartAsync();
        var t = Templates.RemoteModel();
        Assert.Equal((400, Err("You can not use both the provision and update_fields parameters in the same request.")), Pick(await sim.PostAsync($"{Wf}?provision=true&update_fields=true", t)));
        Assert.Equal((400, Err("You can not use the reprovision parameter to create a new template.")), Pick(await sim.PostAsync($"{Wf}?reprovision=true", t)));
        Assert.Equal((400, Err("Request parameter 'wait_for_completion_timeout' is not allowed unless the 'provision' or 'reprovision' parameter is set to true.")),
            Pick(await sim.PostAsync($"{Wf}?wait_for_completion_timeout=2s", t)));
        Assert.Equal((400, Err("Only the parameters [use_case, workflow_id, provision, reprovision, update_fields, wait_for_completion_timeout, validation] are permitted unless the provision parameter is set to true.")),
            Pick(await sim.PostAsync($"{Wf}?foo=bar", t)));
        Assert.Equal((400, Err("Unable to find substitution ready file for use case: nope")), Pick(await sim.PostAsync($"{Wf}?use_case=nope")));
        Assert.Equal((400, Err("Missing the following required parameters for use case [semantic_search] : [create_ingest_pipeline.model_id]")), Pick(await sim.PostAsync($"{Wf}?use_case=semantic_search")));
        Assert.Equal((400, Err("A template object requires a name.")), Pick(await sim.PostAsync(Wf, new JsonObject { ["description"] = "x" })));
        Assert.Equal((400, Err("IOException: template content invalid for specified Content-Type.")), Pick(await sim.PostAsync(Wf, "{not json")));
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
    public async Task Update_fields_and_get_template()
    {
        await using var sim = await StartAsync();
        var id = await sim.CreateAsync(Templates.RemoteModel());
        var (status, body, _) = await sim.SendAsync("PUT", $"{Wf}/{id}?update_fields=true", new JsonObject { ["description"] = "new" });
        Assert.Equal(201, status);
        Assert.Equal((400, Err("You can not update the field [workflows] without updating the whole template.")),
            Pick(await sim.SendAsync("PUT", $"{Wf}/{id}?update_fields=true", new JsonObject { ["workflows"] = new JsonObject() })));
        (status, body, _) = await sim.GetAsync($"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("new", body!["description"]!.GetValue<string>());
        Assert.NotNull(body["created_time"]);
        Assert.NotNull(body["last_updated_time"]);
        Assert.Null(body["last_provisioned_time"]);
        var conn = body["workflows"]!["provision"]!["nodes"]![0]!;
        Assert.Null(conn["user_inputs"]!["credential"]);
        Assert.Equal("{}", conn["previous_node_inputs"]!.ToJsonString());
        Assert.Equal("[{\"source\":\"conn\",\"dest\":\"model\"}]", body["workflows"]!["provision"]!["edges"]!.ToJsonString());
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

    [Fact]
    public async Task Search_templates_and_state()
    {
        await using var sim = await StartAsync();
        Assert.Equal(404, (await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } })).Status);
        var a = await sim.CreateAsync(Templates.RemoteModel());
        var t2 = Templates.RemoteModel();
        t2["name"] = "other name";
        var b = await sim.CreateAsync(t2);
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match"] = new JsonObject { ["name"] = "other" } } });
        Assert.Equal(200, status);
        Assert.Equal(1, body!["hits"]!["total"]!["value"]!.GetValue<int>());
        Assert.Equal(b, body["hits"]!["hits"]![0]!["_id"]!.GetValue<string>());
        Assert.Equal(".plugins-flow-framework-templates", body["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        (status, body, _) = await sim.SendAsync("GET", $"{Wf}/state/_search", new JsonObject
        {
            ["query"] = new JsonObject { ["bool"] = new JsonObject { ["must"] = new JsonArray(new JsonObject { ["term"] = new JsonObject { ["workflow_id"] = a } }) } },
            ["size"] = 5,
        });
        Assert.Equal(200, status);
        Assert.Equal(".plugins-flow-framework-state", body!["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        Assert.Equal("NOT_STARTED", body["hits"]!["hits"]![0]!["_source"]!["state"]!.GetValue<string>());
        Assert.Equal(400, (await sim.GetAsync($"{Wf}/_search?size=1")).Status);
    }

    [Fact]
    public async Task Delete_with_and_without_clear_status()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var id = state["workflow_id"]!.GetValue<string>();
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}");
        Assert.Equal(200, status);
        Assert.Equal("deleted", body!["result"]!.GetValue<string>());
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision")).Status);
        Assert.Equal(404, (await sim.GetAsync($"{Wf}/{id}/_status")).Status);

        var id2 = (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"{Wf}/{id2}?clear_status=true")).Status);
        Assert.Equal((404, Err($"Fail to find workflow status of {id2}")), Pick(await sim.GetAsync($"{Wf}/{id2}/_status")));
    }

    [Fact]
    public async Task Ml_dependency_errors()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((400, CoreErr(400, "status_exception", "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));
        Assert.Equal((409, CoreErr(409, "status_exception", $"1 models are still using this connector, please delete or update the models first: [{model}]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")));
        var (status, body, _) = await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy");
        Assert.Equal(200, status);
        Assert.Equal("undeployed", body!.AsObject().First().Value!["stats"]![model]!.GetValue<string>());
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
        Assert.Equal((404, CoreErr(404, "status_exception", "Failed to find model")), Pick(await sim.GetAsync($"/_plugins/_ml/models/{model}")));
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}")).Status);
        (status, body, _) = await sim.SendAsync("DELETE", $"/_plugins/_ml/connectors/{conn}");
        Assert.Equal(404, status);
        Assert.Equal("not_found", body!["result"]!.GetValue<string>());
        Assert.Equal((404, CoreErr(404, "status_exception", "Fail to find ml agent")), Pick(await sim.SendAsync("DELETE", "/_plugins/_ml/agents/nope")));
        (status, body, _) = await sim.SendAsync("DELETE", "/nope-index");
        Assert.Equal(404, status);
        Assert.Equal("index_not_found_exception", body!["error"]!["type"]!.GetValue<string>());
        Assert.Equal("no such index [nope-index]", body["error"]!["reason"]!.GetValue<string>());
    }

    internal static (int, string) Pick((int Status, JsonNode? Body, string Text) r) => (r.Status, r.Body?.ToJsonString() ?? r.Text);
}
