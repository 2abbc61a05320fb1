using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Create and update parameters (RestCreateWorkflowAction, CreateWorkflowTransportAction).</summary>
public class CreateWorkflowTests
{
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
    public async Task Update_of_an_unknown_id_is_404_before_validation()
    {
        await using var sim = await StartAsync();
        var invalid = Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" });
        Assert.Equal((404, Err("Failed to retrieve template (nope).")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope", invalid)));
        await sim.CreateAsync(Templates.RemoteModel());
        Assert.Equal((404, Err("Failed to retrieve template (nope) from global context.")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope", invalid)));
        Assert.Equal((404, Err("Failed to retrieve template (nope) from global context.")), Pick(await sim.SendAsync("PUT", $"{Wf}/nope?update_fields=true", new JsonObject { ["name"] = "n" })));
    }
}
