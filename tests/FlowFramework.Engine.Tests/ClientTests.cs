using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

public class ClientTests
{
    private const string Password = "s3cr3t-P@ss";

    [Theory]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a?b", "a%3Fb")]
    [InlineData("a#b", "a%23b")]
    [InlineData("100%", "100%25")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("my workflow", "my%20workflow")]
    [InlineData("wörk-流", "w%C3%B6rk-%E6%B5%81")]
    [InlineData("%2F..%2F", "%252F..%252F")]
    public async Task Ids_are_escaped_into_the_path_exactly(string id, string escaped)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, EmptyState(id.Replace("\"", ""))));
        using var client = Client(cluster);

        await client.GetWorkflowStatusAsync(id, true, CancellationToken.None);

        var expected = "https://search.example:9200/_plugins/_flow_framework/workflow/" + escaped + "/_status?all=true";
        var seen = Assert.Single(cluster.Requests);
        Assert.Equal(expected, seen.AbsoluteUri);
        Assert.Equal(expected, seen.OriginalString);
    }

    [Fact]
    public async Task Deprovision_sends_allow_delete_escaped_and_comma_joined_under_a_path_prefix()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Ok("w/1"));
        using var client = Client(cluster, o => o.BaseUri = new Uri("https://search.example/opensearch/"));

        var response = await client.DeprovisionAsync("w/1", new[] { "my-index", "pipe line", "my-index", " " }, CancellationToken.None);

        Assert.Equal(FlowDeprovisionResponseKind.Completed, response.Kind);
        var seen = Assert.Single(cluster.Requests);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("https://search.example/opensearch/_plugins/_flow_framework/workflow/w%2F1/_deprovision?allow_delete=my-index,pipe%20line", seen.AbsoluteUri);
    }

    [Fact]
    public async Task Deprovision_without_allow_delete_sends_no_query()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Ok(WorkflowId));
        using var client = Client(cluster);

        await client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None);

        Assert.EndsWith("/workflow/" + WorkflowId + "/_deprovision", Assert.Single(cluster.Requests).AbsoluteUri);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "white space")]
    [InlineData("\t\n", "white space")]
    [InlineData("..", "path segment")]
    public async Task Unusable_ids_are_refused_before_any_request(string id, string problem)
    {
        var cluster = new FakeCluster();
        using var client = Client(cluster);

        var status = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(id, false, CancellationToken.None));
        var deprovision = await Assert.ThrowsAsync<FlowApiException>(() => client.DeprovisionAsync(id, Array.Empty<string>(), CancellationToken.None));

        foreach (var ex in new[] { status, deprovision })
        {
            Assert.Equal(FlowErrorKind.InvalidWorkflowId, ex.Kind);
            Assert.Contains(problem, ex.Message);
            Assert.Null(ex.Operation);
            Assert.Null(ex.StatusCode);
        }

        Assert.Empty(cluster.Requests);
    }

    [Fact]
    public async Task Ids_over_512_utf8_bytes_are_refused_but_512_bytes_pass()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, EmptyState("x")));
        using var client = Client(cluster);
        var tooLong = new string('é', 257); // 514 bytes in UTF-8, only 257 characters

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(tooLong, false, CancellationToken.None));

        Assert.Equal(FlowErrorKind.InvalidWorkflowId, ex.Kind);
        Assert.Contains("514 bytes", ex.Message);
        Assert.Contains("at most 512 bytes", ex.Message);
        Assert.Empty(cluster.Requests);

        await client.GetWorkflowStatusAsync(new string('é', 256), false, CancellationToken.None);
        Assert.Single(cluster.Requests);
    }

    [Fact]
    public async Task Status_with_all_reads_every_field_and_keeps_the_stored_order()
    {
        var json = "{\"workflow_id\":\"" + WorkflowId + "\",\"error\":\"IllegalArgumentException during step create_index, boom, restStatus: BAD_REQUEST\","
            + "\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"provision_start_time\":1710435961112,\"provision_end_time\":1710435968966,"
            + "\"user\":{\"name\":\"alice\",\"backend_roles\":[\"ml\"],\"roles\":[\"all_access\"],\"custom_attribute_names\":[],\"user_requested_tenant\":null},"
            + "\"user_outputs\":{\"create_connector_1\":{\"connector_id\":\"NdjC\"}},\"tenant_id\":\"tenant-a\",\"all_shared_principals\":[\"user:alice\"],"
            + "\"resources_created\":[" + Connector + "," + Model + "," + Deploy + "]}";
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, json));
        using var client = Client(cluster);

        var state = await client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None);

        Assert.Equal(WorkflowId, state.WorkflowId);
        Assert.Equal("FAILED", state.State);
        Assert.Equal("FAILED", state.ProvisioningProgress);
        Assert.Equal(new DateTimeOffset(2024, 3, 14, 17, 6, 1, 112, TimeSpan.Zero), state.ProvisionStartTime);
        Assert.Equal(TimeSpan.Zero, state.ProvisionEndTime!.Value.Offset);
        Assert.Equal(1710435968966, state.ProvisionEndTime.Value.ToUnixTimeMilliseconds());
        Assert.StartsWith("IllegalArgumentException during step", state.Error);
        Assert.Equal("alice", state.User);
        Assert.Equal("tenant-a", state.TenantId);
        Assert.Equal(new[] { "create_connector", "register_remote_model", "deploy_model" }, state.Resources.Select(r => r.StepName));
        var deploy = state.Resources[2];
        Assert.Equal("register_model_2", deploy.StepId);
        Assert.Equal("model_id", deploy.ResourceType);
        Assert.Equal("N9jCQYwBLmvn802B0oyh", deploy.ResourceId);
        Assert.Equal("undeploy_model", deploy.DeprovisionStep);
        Assert.Equal(FlowResourceStatus.Present, deploy.Status);
        Assert.All(state.Resources, r => Assert.Equal(WorkflowId, r.WorkflowId));
    }

    [Fact]
    public async Task Status_without_all_has_omitted_fields_as_null_and_no_resources()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, "{\"workflow_id\":\"" + WorkflowId + "\",\"state\":\"NOT_STARTED\"}"));
        using var client = Client(cluster);

        var state = await client.GetWorkflowStatusAsync(WorkflowId, false, CancellationToken.None);

        Assert.EndsWith("/_status", Assert.Single(cluster.Requests).AbsoluteUri);
        Assert.Equal("NOT_STARTED", state.State);
        Assert.Null(state.ProvisioningProgress);
        Assert.Null(state.ProvisionStartTime);
        Assert.Null(state.ProvisionEndTime);
        Assert.Null(state.Error);
        Assert.Null(state.User);
        Assert.Null(state.TenantId);
        Assert.Empty(state.Resources);
    }

    [Theory]
    [InlineData("{\"workflow_id\":\"x\",\"state\":\"COMPLETED\",\"resources_created\":[{\"workflow_step_name\":")]
    [InlineData("<html><body>Welcome to nginx</body></html>")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"workflow_id\":\"x\",\"resources_created\":\"oops\"}")]
    [InlineData("{\"workflow_id\":\"x\",\"provision_start_time\":\"yesterday\"}")]
    public async Task Malformed_or_truncated_json_on_a_200_is_an_invalid_response(string body)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, body));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));

        Assert.Equal(FlowErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.Contains("not the JSON expected", ex.Message);
        Assert.Equal("GET /_plugins/_flow_framework/workflow/" + WorkflowId + "/_status?all=true", ex.Operation);
        Assert.False(string.IsNullOrEmpty(ex.Cause));
    }

    [Fact]
    public async Task A_200_deprovision_with_a_non_json_body_is_an_invalid_response()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Json(200, "<html>proxy</html>"));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None));

        Assert.Equal(FlowErrorKind.InvalidResponse, ex.Kind);
    }

    [Theory]
    [InlineData(400, "{\"error\":{\"root_cause\":[{\"type\":\"illegal_argument_exception\",\"reason\":\"request [/_plugins/_flow_framework/workflow/x/_status] contains unrecognized parameter: [y]\"}],\"type\":\"illegal_argument_exception\",\"reason\":\"request [/_plugins/_flow_framework/workflow/x/_status] contains unrecognized parameter: [y]\"},\"status\":400}", FlowErrorKind.BadRequest, "request [/_plugins/_flow_framework/workflow/x/_status] contains unrecognized parameter: [y]")]
    [InlineData(401, "Unauthorized", FlowErrorKind.Authentication, "Unauthorized")]
    [InlineData(403, "{\"error\":\"Failed to get workflow status.\"}", FlowErrorKind.Forbidden, "Failed to get workflow status.")]
    [InlineData(403, "{\"error\":\"No permission to access this resource\"}", FlowErrorKind.Forbidden, "No permission to access this resource")]
    [InlineData(404, "{\"error\":\"Fail to find workflow status of 8xL8bowB8y25Tqfenm50\"}", FlowErrorKind.NotFound, "Fail to find workflow status of 8xL8bowB8y25Tqfenm50")]
    [InlineData(408, "", FlowErrorKind.Timeout, null)]
    [InlineData(500, "{\"error\":\"Failed to reset workflow state\"}", FlowErrorKind.ServerError, "Failed to reset workflow state")]
    [InlineData(502, "<html>Bad Gateway</html>", FlowErrorKind.Unavailable, "<html>Bad Gateway</html>")]
    [InlineData(503, "{\"error\":{\"reason\":\"no master\"},\"status\":503}", FlowErrorKind.Unavailable, "no master")]
    [InlineData(504, "", FlowErrorKind.Timeout, null)]
    public async Task Http_failures_become_typed_errors_keeping_the_server_message(int status, string body, FlowErrorKind kind, string? serverMessage)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(status, body));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(serverMessage, ex.ServerMessage);
        Assert.Equal(WorkflowId, ex.WorkflowId);
        Assert.Contains("HTTP " + status, ex.Message);
        if (serverMessage is not null)
        {
            Assert.Contains(serverMessage, ex.Message);
        }
    }

    [Fact]
    public async Task A_403_failed_to_get_workflow_on_deprovision_is_forbidden_not_allow_delete()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(403, "Failed to get workflow."));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None));

        Assert.Equal(FlowErrorKind.Forbidden, ex.Kind);
        Assert.Equal("Failed to get workflow.", ex.ServerMessage);
        Assert.Equal("POST /_plugins/_flow_framework/workflow/" + WorkflowId + "/_deprovision", ex.Operation);
        Assert.Equal("https://search.example:9200", ex.Cluster);
    }

    [Fact]
    public async Task A_404_on_deprovision_is_not_found_with_the_server_text()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(404, "Failed to get workflow state for workflow " + WorkflowId));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None));

        Assert.Equal(FlowErrorKind.NotFound, ex.Kind);
        Assert.Equal("Failed to get workflow state for workflow " + WorkflowId, ex.ServerMessage);
        Assert.Equal("POST /_plugins/_flow_framework/workflow/" + WorkflowId + "/_deprovision at https://search.example:9200 -> HTTP 404: Failed to get workflow state for workflow " + WorkflowId + ".", ex.Message);
    }

    [Fact]
    public async Task Retry_after_in_seconds_and_as_an_http_date_are_read()
    {
        var clock = new SteppingClock();
        var date = clock.GetUtcNow().AddSeconds(42);
        var cluster = new FakeCluster()
            .OnStatus(
                Answer.Error(429, "Exceeded max simultaneous deprovisioning requests: 1", Answer.RetryAfterSeconds(7)),
                Answer.Json(503, "", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(date)));
        using var client = Client(cluster, o => o.TimeProvider = clock);

        var throttled = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));
        var unavailable = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));

        Assert.Equal(FlowErrorKind.Throttled, throttled.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);
        Assert.Equal("Exceeded max simultaneous deprovisioning requests: 1", throttled.ServerMessage);
        Assert.Contains("retry after 7 s", throttled.Message);
        Assert.Equal(FlowErrorKind.Unavailable, unavailable.Kind);
        Assert.Equal(TimeSpan.FromSeconds(42), unavailable.RetryAfter);
    }

    [Fact]
    public async Task A_connection_reset_is_unavailable_and_recorded_without_a_status()
    {
        var records = new List<FlowRequestRecord>();
        var cluster = new FakeCluster().OnStatus(Answer.Throw(new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer"))));
        using var client = Client(cluster, o => o.RequestObserver = records.Add);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));

        Assert.Equal(FlowErrorKind.Unavailable, ex.Kind);
        Assert.Null(ex.StatusCode);
        Assert.Contains("Connection reset by peer", ex.Message);
        Assert.Contains("https://search.example:9200", ex.Message);
        var record = Assert.Single(records);
        Assert.Null(record.StatusCode);
        Assert.Contains("Connection reset by peer", record.Error);
    }

    [Fact]
    public async Task No_answer_within_the_request_timeout_is_a_timeout_on_the_fake_clock()
    {
        var clock = new SteppingClock();
        var records = new List<FlowRequestRecord>();
        var cluster = new FakeCluster().OnStatus(Answer.Hang());
        using var client = Client(cluster, o =>
        {
            o.TimeProvider = clock;
            o.RequestTimeout = TimeSpan.FromSeconds(5);
            o.RequestObserver = records.Add;
        });

        var call = client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None);
        var due = await clock.WaitForTimer();
        clock.Advance(due);
        var ex = await Assert.ThrowsAsync<FlowApiException>(() => call);

        Assert.Equal(TimeSpan.FromSeconds(5), due);
        Assert.Equal(FlowErrorKind.Timeout, ex.Kind);
        Assert.Equal("GET /_plugins/_flow_framework/workflow/" + WorkflowId + "/_status?all=true at https://search.example:9200: no answer within 5 s.", ex.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.Timeout);
        Assert.Null(ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(records).Elapsed);
    }

    [Fact]
    public async Task Httpclient_style_cancellation_without_the_callers_token_is_a_timeout()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")));
        using var client = Client(cluster);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));

        Assert.Equal(FlowErrorKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task Caller_cancellation_during_a_request_is_an_operation_cancelled_not_a_timeout()
    {
        var started = new TaskCompletionSource();
        var cluster = new FakeCluster().OnDeprovision(Answer.Hang(started));
        using var client = Client(cluster);
        using var cts = new CancellationTokenSource();

        var call = client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), cts.Token);
        await started.Task;
        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotType<FlowApiException>(ex);
        Assert.Equal(cts.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task Basic_auth_and_tenant_are_sent_but_never_shown_in_records_or_errors()
    {
        var records = new List<FlowRequestRecord>();
        var cluster = new FakeCluster()
            .OnStatus(Answer.Error(401, "Unauthorized"))
            .OnRoot(Answer.Throw(new HttpRequestException("Connection refused (search.example:9200)")));
        var secure = new SecureString();
        foreach (var c in Password)
        {
            secure.AppendChar(c);
        }

        using var client = Client(cluster, o =>
        {
            o.Credential = new NetworkCredential("admin", secure);
            o.TenantId = "tenant-a";
            o.RequestObserver = records.Add;
            o.BaseUri = new Uri("https://olduser:hunter2@search.example:9200/");
        });

        var auth = await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, true, CancellationToken.None));
        var down = await Assert.ThrowsAsync<FlowApiException>(() => client.GetClusterInfoAsync(CancellationToken.None));

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password));
        Assert.All(cluster.Requests, r => Assert.Equal(basic, r.Authorization));
        Assert.All(cluster.Requests, r => Assert.Equal("tenant-a", r.TenantId));
        Assert.All(cluster.Requests, r => Assert.DoesNotContain(Password, r.AbsoluteUri));
        Assert.Equal(FlowErrorKind.Authentication, auth.Kind);
        Assert.Contains("HTTP 401", auth.Message);
        var shown = string.Join("\n", records.Select(r => r.ToString() + r.Path + r.Error))
            + auth + auth.Message + auth.ServerMessage + down + down.Message;
        Assert.DoesNotContain(Password, shown);
        Assert.DoesNotContain(basic.Substring(6), shown);
        Assert.DoesNotContain("Authorization", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("olduser", shown);
        Assert.DoesNotContain("hunter2", shown);
        Assert.All(cluster.Requests, r => Assert.DoesNotContain("hunter2", r.AbsoluteUri));
    }

    [Fact]
    public async Task Every_request_is_recorded_with_method_path_status_and_time()
    {
        var records = new List<FlowRequestRecord>();
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [model_id abc]."))
            .OnStatus(Answer.Error(404, "Fail to find workflow status of x"));
        using var client = Client(cluster, o => o.RequestObserver = records.Add);

        await client.DeprovisionAsync(WorkflowId, new[] { "idx" }, CancellationToken.None);
        await Assert.ThrowsAsync<FlowApiException>(() => client.GetWorkflowStatusAsync(WorkflowId, false, CancellationToken.None));

        Assert.Equal(2, records.Count);
        Assert.Equal("POST", records[0].Method);
        Assert.Equal("/_plugins/_flow_framework/workflow/" + WorkflowId + "/_deprovision?allow_delete=idx", records[0].Path);
        Assert.Equal(202, records[0].StatusCode);
        Assert.Null(records[0].Error);
        Assert.Equal("GET", records[1].Method);
        Assert.Equal(404, records[1].StatusCode);
        Assert.Equal("Fail to find workflow status of x", records[1].Error);
        Assert.StartsWith("GET /_plugins/_flow_framework/workflow/" + WorkflowId + "/_status -> 404 in ", records[1].ToString());
    }

    [Fact]
    public async Task Deprovision_answers_200_202_and_allow_delete_403_are_responses()
    {
        const string mixed = "Failed to deprovision some resources: [pipeline_id test-pipeline, model_id modelId]. These resources require the allow_delete parameter to deprovision: [index_name test-index].";
        const string gated = "These resources require the allow_delete parameter to deprovision: [index_name my-index].";
        var cluster = new FakeCluster().OnDeprovision(Answer.Ok(WorkflowId), Answer.Error(202, mixed), Answer.Error(403, gated));
        using var client = Client(cluster);

        var ok = await client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None);
        var partial = await client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None);
        var needs = await client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None);

        Assert.Equal((FlowDeprovisionResponseKind.Completed, 200), (ok.Kind, ok.StatusCode));
        Assert.Empty(ok.FailedResources);
        Assert.Equal((FlowDeprovisionResponseKind.Partial, 202, mixed), (partial.Kind, partial.StatusCode, partial.Message));
        Assert.Equal(new[] { "pipeline_id test-pipeline", "model_id modelId" }, partial.FailedResources.Select(k => k.ToString()));
        Assert.Equal(new[] { "index_name test-index" }, partial.NeedsAllowDeleteResources.Select(k => k.ToString()));
        Assert.Equal((FlowDeprovisionResponseKind.NeedsAllowDelete, 403), (needs.Kind, needs.StatusCode));
        Assert.Empty(needs.FailedResources);
        Assert.Equal(new[] { "index_name my-index" }, needs.NeedsAllowDeleteResources.Select(k => k.ToString()));
    }

    [Fact]
    public async Task Cluster_info_reads_name_version_and_distribution()
    {
        var cluster = new FakeCluster().OnRoot(Answer.Json(200, "{\"name\":\"node-1\",\"cluster_name\":\"docker-cluster\",\"cluster_uuid\":\"u\",\"version\":{\"distribution\":\"opensearch\",\"number\":\"3.1.0\",\"build_type\":\"tar\"},\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}"));
        using var client = Client(cluster);

        var info = await client.GetClusterInfoAsync(CancellationToken.None);

        Assert.Equal("https://search.example:9200/", Assert.Single(cluster.Requests).AbsoluteUri);
        Assert.Equal(("node-1", "docker-cluster", "3.1.0", "opensearch"), (info.Name, info.ClusterName, info.VersionNumber, info.Distribution));
    }
    // server-behaviour.md §1/§2: all=true adds user (a security User object), user_outputs, tenant_id and all_shared_principals;
    // newer servers may add more. Only the documented fields are read and nothing else breaks the parse.
    [Fact]
    public async Task Status_with_all_reads_a_real_full_document_with_extra_and_unknown_fields()
    {
        const string body = "{\"workflow_id\":\"8xL8bowB8y25Tqfenm50\",\"error\":\"WorkflowStepException during step register_model_2, boom, restStatus: BAD_REQUEST\","
            + "\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"provision_start_time\":1710435961112,\"provision_end_time\":1710435968966,"
            + "\"user\":{\"name\":\"admin\",\"backend_roles\":[\"admin\"],\"roles\":[\"own_index\",\"all_access\"],\"custom_attribute_names\":[],\"user_requested_tenant\":null},"
            + "\"user_outputs\":{\"create_connector_1\":{\"connector_id\":\"NdjCQYwBLmvn802B0IwE\"}},\"tenant_id\":\"t1\",\"all_shared_principals\":[\"user:admin\"],"
            + "\"schema_version\":4,\"some_future_field\":{\"nested\":[1,2,{\"x\":null}]},"
            + "\"resources_created\":[{\"workflow_step_name\":\"create_connector\",\"workflow_step_id\":\"create_connector_1\",\"resource_type\":\"connector_id\",\"resource_id\":\"NdjCQYwBLmvn802B0IwE\",\"extra\":{\"a\":1}}]}";
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, body));
        using var client = Client(cluster);

        var state = await client.GetWorkflowStatusAsync("8xL8bowB8y25Tqfenm50", true, CancellationToken.None);

        Assert.Equal("FAILED", state.State);
        Assert.Equal("admin", state.User);
        Assert.Equal("t1", state.TenantId);
        Assert.StartsWith("WorkflowStepException", state.Error);
        var resource = Assert.Single(state.Resources);
        Assert.Equal("delete_connector", resource.DeprovisionStep);
    }
}

