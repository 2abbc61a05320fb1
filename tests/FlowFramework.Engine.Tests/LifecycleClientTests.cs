using System.Collections;
using System.Text.Json;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>The lifecycle calls of FlowApiClient: paths, bodies, and how answers and failures come back.</summary>
public class LifecycleClientTests
{
    private const string TemplateBody = "{\"name\":\"rag\",\"description\":\"d\",\"use_case\":\"SEMANTIC_SEARCH\",\"version\":{\"template\":\"1.0.0\",\"compatibility\":[\"2.12.0\"]},\"workflows\":{},\"created_time\":1710435961112,\"last_updated_time\":1710435962000,\"last_provisioned_time\":1710435963000}";

    [Fact]
    public async Task Get_workflow_reads_every_field_of_the_template_in_utc()
    {
        var cluster = new FakeCluster().On("template", Answer.Json(200, TemplateBody));
        using var client = Client(cluster);

        var workflow = await client.GetWorkflowAsync("wf/1", CancellationToken.None);

        Assert.Equal("https://search.example:9200/_plugins/_flow_framework/workflow/wf%2F1", Assert.Single(cluster.Requests).AbsoluteUri);
        Assert.Equal(("wf/1", "rag", "d", "SEMANTIC_SEARCH", "1.0.0"), (workflow.WorkflowId, workflow.Name, workflow.Description, workflow.UseCase, workflow.Version));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1710435961112), workflow.CreatedTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1710435962000), workflow.LastUpdatedTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1710435963000), workflow.LastProvisionedTime);
        Assert.Equal(TimeSpan.Zero, workflow.CreatedTime!.Value.Offset);
        Assert.Null(workflow.State);
    }

    [Fact]
    public async Task Get_workflow_of_a_missing_template_is_NotFound_with_the_server_text()
    {
        var cluster = new FakeCluster().On("template", Answer.Error(404, "Failed to retrieve template (x) from global context."));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowAsync("x", CancellationToken.None));

        Assert.Equal(FlowErrorKind.NotFound, ex.Kind);
        Assert.Equal("Failed to retrieve template (x) from global context.", ex.ServerMessage);
    }

    [Fact]
    public async Task Create_from_json_posts_the_template_as_the_body_and_returns_the_id()
    {
        var cluster = new FakeCluster().On("create", Answer.Json(201, "{\"workflow_id\":\"new1\"}"));
        using var client = Client(cluster);

        var id = await client.CreateWorkflowAsync(FlowTemplateSource.FromJson("{ \"name\": \"rag\", // a comment\n \"workflows\": {}, }"), false, CancellationToken.None);

        Assert.Equal("new1", id);
        var seen = Assert.Single(cluster.Requests);
        Assert.Equal(("POST", "https://search.example:9200/_plugins/_flow_framework/workflow"), (seen.Method, seen.AbsoluteUri));
        using var sent = JsonDocument.Parse(seen.Body!);
        Assert.Equal("rag", sent.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_from_a_use_case_sends_use_case_and_provision_in_the_query_and_parameters_as_a_flat_body()
    {
        var cluster = new FakeCluster().On("create", Answer.Json(202, "{\"workflow_id\":\"new2\"}"));
        using var client = Client(cluster);
        var parameters = new Dictionary<string, string> { ["create_connector.credential.key"] = "s3cr3t", ["create_index.name"] = "my index" };

        await client.CreateWorkflowAsync(FlowTemplateSource.FromUseCase("semantic_search", parameters), true, CancellationToken.None);

        var seen = Assert.Single(cluster.Requests);
        Assert.Equal("https://search.example:9200/_plugins/_flow_framework/workflow?use_case=semantic_search&provision=true", seen.AbsoluteUri);
        Assert.DoesNotContain("s3cr3t", seen.AbsoluteUri);
        Assert.Equal(parameters, JsonSerializer.Deserialize<Dictionary<string, string>>(seen.Body!));
    }

    [Fact]
    public async Task A_rejected_template_is_BadRequest_carrying_the_server_text()
    {
        const string text = "Workflow step type [create_widget] is not a valid step type";
        var cluster = new FakeCluster().On("create", Answer.Error(400, text));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.CreateWorkflowAsync(FlowTemplateSource.FromJson("{\"name\":\"x\"}"), false, CancellationToken.None));

        Assert.Equal((FlowErrorKind.BadRequest, 400, text), (ex.Kind, ex.StatusCode, ex.ServerMessage));
    }

    [Theory]
    [InlineData("[1,2]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("{\"name\": ", "not valid JSON")]
    [InlineData("  ", "empty")]
    public void A_template_that_is_not_one_json_object_is_refused_before_sending(string json, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => FlowTemplateSource.FromJson(json));
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void A_template_tree_is_serialized_with_its_lists_numbers_and_booleans()
    {
        var tree = new Hashtable
        {
            ["name"] = "rag",
            ["workflows"] = new Hashtable
            {
                ["provision"] = new Hashtable
                {
                    ["nodes"] = new object[] { new Hashtable { ["id"] = "n1", ["type"] = "noop", ["user_inputs"] = new Hashtable { ["deploy"] = true, ["dimension"] = 768 } } },
                },
            },
        };

        using var doc = JsonDocument.Parse(FlowTemplateSource.FromTree(tree).TemplateJson!);

        var node = doc.RootElement.GetProperty("workflows").GetProperty("provision").GetProperty("nodes")[0];
        Assert.Equal("n1", node.GetProperty("id").GetString());
        Assert.True(node.GetProperty("user_inputs").GetProperty("deploy").GetBoolean());
        Assert.Equal(768, node.GetProperty("user_inputs").GetProperty("dimension").GetInt32());
    }

    [Fact]
    public async Task Provision_sends_parameters_as_a_flat_json_body_and_no_body_without_them()
    {
        var cluster = new FakeCluster().On("provision", Answer.Json(202, "{\"workflow_id\":\"wf1\"}"));
        using var client = Client(cluster);

        await client.ProvisionWorkflowAsync("wf1", new Dictionary<string, string> { ["api_key"] = "k" }, CancellationToken.None);
        await client.ProvisionWorkflowAsync("wf1", null, CancellationToken.None);

        var sent = cluster.To("provision");
        Assert.Equal("https://search.example:9200/_plugins/_flow_framework/workflow/wf1/_provision", sent[0].AbsoluteUri);
        Assert.Equal("{\"api_key\":\"k\"}", sent[0].Body);
        Assert.Equal(string.Empty, sent[1].Body);
    }

    [Fact]
    public async Task Provision_refused_is_BadRequest_with_the_server_text()
    {
        const string text = "The workflow provisioning state is DONE and can not be provisioned unless its state is NOT_STARTED: wf1. Deprovision the workflow to reset the state.";
        var cluster = new FakeCluster().On("provision", Answer.Error(400, text));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.ProvisionWorkflowAsync("wf1", null, CancellationToken.None));

        Assert.Equal((FlowErrorKind.BadRequest, text), (ex.Kind, ex.ServerMessage));
    }

    [Theory]
    [InlineData(false, "deleted", true, "https://search.example:9200/_plugins/_flow_framework/workflow/wf1")]
    [InlineData(true, "not_found", false, "https://search.example:9200/_plugins/_flow_framework/workflow/wf1?clear_status=true")]
    public async Task Delete_maps_clear_status_and_reads_the_delete_response(bool clearStatus, string result, bool expected, string uri)
    {
        var cluster = new FakeCluster().On("template", Answer.Json(200, "{\"_index\":\".plugins-flow-framework-templates\",\"_id\":\"wf1\",\"_version\":2,\"result\":\"" + result + "\",\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0},\"_seq_no\":2,\"_primary_term\":1}"));
        using var client = Client(cluster);

        var found = await client.DeleteWorkflowAsync("wf1", clearStatus, CancellationToken.None);

        Assert.Equal(expected, found);
        var seen = Assert.Single(cluster.Requests);
        Assert.Equal(("DELETE", uri), (seen.Method, seen.AbsoluteUri));
    }

    [Fact]
    public async Task Delete_without_any_template_index_is_NotFound()
    {
        var cluster = new FakeCluster().On("template", Answer.Error(404, "There are no templates in the global context"));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.DeleteWorkflowAsync("wf1", false, CancellationToken.None));

        Assert.Equal(FlowErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task Model_group_delete_is_true_when_deleted_false_when_gone_and_a_409_is_thrown_with_its_text()
    {
        const string conflict = "{\"error\":{\"root_cause\":[{\"type\":\"status_exception\",\"reason\":\"Cannot delete the model group when it has associated model versions\"}],\"type\":\"status_exception\",\"reason\":\"Cannot delete the model group when it has associated model versions\"},\"status\":409}";
        var cluster = new FakeCluster().On("model-group",
            Answer.Json(200, "{\"_index\":\".plugins-ml-model-group\",\"_id\":\"g1\",\"result\":\"deleted\"}"),
            Answer.Json(404, "{\"error\":{\"type\":\"status_exception\",\"reason\":\"Failed to find model group\"},\"status\":404}"),
            Answer.Json(409, conflict));
        using var client = Client(cluster);

        Assert.True(await client.DeleteModelGroupAsync("g1", CancellationToken.None));
        Assert.False(await client.DeleteModelGroupAsync("g1", CancellationToken.None));
        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.DeleteModelGroupAsync("g1", CancellationToken.None));

        Assert.Equal((409, "Cannot delete the model group when it has associated model versions"), (ex.StatusCode, ex.ServerMessage));
        Assert.All(cluster.Requests, r => Assert.Equal(("DELETE", "https://search.example:9200/_plugins/_ml/model_groups/g1"), (r.Method, r.AbsoluteUri)));
    }
}
