using System.Management.Automation;
using System.Text.Json;

namespace FlowFramework.Tests;

public class NewFlowWorkflowTests
{
    private const string Template = "{\"name\":\"rag\",\"workflows\":{\"provision\":{\"nodes\":[{\"id\":\"n\",\"type\":\"noop\"}]}}}";


    private static JsonElement CreateBody(LifecycleCluster cluster) => JsonDocument.Parse(cluster.To("POST", "/_flow_framework/workflow").Single().Body).RootElement;

    [Fact]
    public void A_hashtable_template_is_sent_as_json_and_the_workflow_comes_back_with_its_state()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("New-FlowWorkflow -Connection $c -Template @{ name = 'rag'; workflows = @{ provision = @{ nodes = @(@{ id = 'n'; type = 'noop'; user_inputs = @{ deploy = $true; dim = 768 } }) } } }");

        Assert.Empty(result.Errors);
        var workflow = Assert.Single(result.OfType<FlowWorkflow>());
        Assert.Equal(("new1", "rag", "NOT_STARTED"), (workflow.WorkflowId, workflow.Name!, workflow.State!));
        var node = CreateBody(cluster).GetProperty("workflows").GetProperty("provision").GetProperty("nodes")[0];
        Assert.True(node.GetProperty("user_inputs").GetProperty("deploy").GetBoolean());
        Assert.Equal(768, node.GetProperty("user_inputs").GetProperty("dim").GetInt32());
    }

    [Fact]
    public void A_path_a_json_string_and_a_pscustomobject_are_templates_too()
    {
        using var cluster = new LifecycleCluster();
        var file = Path.Combine(Path.GetTempPath(), "flow-template-" + Guid.NewGuid().ToString("n") + ".json");
        File.WriteAllText(file, Template);
        try
        {
            var result = cluster.Run("New-FlowWorkflow -Connection $c -Template $file; New-FlowWorkflow -Connection $c -Template $json; $json | ConvertFrom-Json | New-FlowWorkflow -Connection $c",
                new Dictionary<string, object?> { ["file"] = file, ["json"] = Template });

            Assert.Empty(result.Errors);
            Assert.Equal(3, result.OfType<FlowWorkflow>().Count());
            Assert.All(cluster.To("POST", "/_flow_framework/workflow"), r => Assert.Equal("rag", JsonDocument.Parse(r.Body).RootElement.GetProperty("name").GetString()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("'{ \"name\": '", "not valid JSON")]
    [InlineData("'./no-such-template.json'", "no-such-template.json")]
    [InlineData("42", "Int32")]
    public void An_unusable_template_is_FlowInvalidTemplate_and_nothing_is_sent(string template, string problem)
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run($"New-FlowWorkflow -Connection $c -Template {template}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowInvalidTemplate,FlowFramework.Commands.NewFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(problem, error.Exception.Message);
        Assert.Empty(cluster.To("POST", "/_flow_framework/workflow"));
    }

    [Fact]
    public void A_validation_error_of_the_server_keeps_its_text()
    {
        using var cluster = new LifecycleCluster();
        const string text = "Workflow step type [create_widget] is not a valid step type for node [n]";
        cluster.Override = r => r.Method == "POST" && r.Path.EndsWith("/workflow", StringComparison.Ordinal) ? ClusterScripts.Error(400, text) : null;

        var result = cluster.Run("New-FlowWorkflow -Connection $c -Template $json", new Dictionary<string, object?> { ["json"] = Template });

        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowInvalidTemplate,FlowFramework.Commands.NewFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Contains("(HTTP 400): " + text, error.Exception.Message);
        Assert.Empty(result.OfType<FlowWorkflow>());
    }

    [Fact]
    public void A_use_case_sends_its_name_in_the_query_and_its_parameters_as_a_flat_string_body()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("New-FlowWorkflow -Connection $c -UseCase semantic_search -Parameter @{ 'create_ingest_pipeline.model_id' = 'm1'; 'create_index.settings.number_of_shards' = 2; deploy = $true }");

        Assert.Single(result.OfType<FlowWorkflow>());
        var post = cluster.To("POST", "/_flow_framework/workflow").Single();
        Assert.Equal("use_case=semantic_search", post.Query);
        Assert.Equal(new Dictionary<string, string> { ["create_ingest_pipeline.model_id"] = "m1", ["create_index.settings.number_of_shards"] = "2", ["deploy"] = "true" },
            JsonSerializer.Deserialize<Dictionary<string, string>>(post.Body));
    }

    [Fact]
    public void Provision_and_Wait_wait_until_COMPLETED_with_progress()
    {
        using var cluster = new LifecycleCluster();
        cluster.StatusScript["new1"] = new Queue<string>(new[]
        {
            "{\"workflow_id\":\"new1\",\"state\":\"PROVISIONING\",\"provisioning_progress\":\"IN_PROGRESS\"}",
            ClusterScripts.Status("new1", "COMPLETED", ClusterScripts.FullResources[0]),
        });

        var result = cluster.Run("New-FlowWorkflow -Connection $c -Template $json -Provision -Wait", new Dictionary<string, object?> { ["json"] = Template });

        Assert.Empty(result.Errors);
        Assert.Equal("COMPLETED", Assert.Single(result.OfType<FlowWorkflow>()).State);
        Assert.Equal("provision=true", cluster.To("POST", "/_flow_framework/workflow").Single().Query);
        Assert.Equal(2, cluster.To("GET", "/new1/_status").Count());
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed && p.Activity.Contains("new1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_FAILED_provisioning_writes_the_workflow_and_an_error_with_the_server_text()
    {
        using var cluster = new LifecycleCluster();
        const string text = "WorkflowStepException during step n, Failed to create the index x, restStatus: BAD_REQUEST";
        cluster.StatusScript["new1"] = new Queue<string>(new[] { "{\"workflow_id\":\"new1\",\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"error\":\"" + text + "\"}" });

        var result = cluster.Run("New-FlowWorkflow -Connection $c -Template $json -Provision -Wait", new Dictionary<string, object?> { ["json"] = Template });

        Assert.Equal("FAILED", Assert.Single(result.OfType<FlowWorkflow>()).State);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowProvisioningFailed,FlowFramework.Commands.NewFlowWorkflowCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Equal("new1", error.TargetObject);
        Assert.Contains(text, error.Exception.Message);
        Assert.Contains("Remove-FlowWorkflow new1 -Deprovision", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Wait_without_Provision_is_refused_before_anything_is_sent()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("try { New-FlowWorkflow -Connection $c -Template $json -Wait -ErrorAction SilentlyContinue; 'not stopped' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }", new Dictionary<string, object?> { ["json"] = Template });

        Assert.Equal("FlowWaitWithoutProvision,FlowFramework.Commands.NewFlowWorkflowCommand", result.Output[0]);
        Assert.Contains("without -Provision", (string)result.Output[1]!);
        Assert.Empty(cluster.To("POST", "/_flow_framework/workflow"));
    }

    [Fact]
    public void WhatIf_sends_nothing()
    {
        using var cluster = new LifecycleCluster();

        var result = cluster.Run("New-FlowWorkflow -Connection $c -Template $json -Provision -WhatIf", new Dictionary<string, object?> { ["json"] = Template });

        Assert.Empty(result.Output);
        Assert.Empty(cluster.To("POST", "/_flow_framework/workflow"));
    }
}
