using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Reflection;

namespace FlowFramework.Tests;

/// <summary>
/// architecture.md §3-§4 proven through the cmdlets: each parameter's effect, the defaults, every error id of every
/// cmdlet that can produce it, the output objects by value, the public types, -Confirm, the Id alias.
/// </summary>
public class ContractTests
{
    static ContractTests()
    {
        // Some fakes below hold requests on their handler threads; keep the pool from starving the engine meanwhile.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    private const string Connector = "{\"connector_id\":\"conn1\",\"name\":\"c\"}";

    private static string Pool(int max) =>
        "{\"nodes\":{\"n1\":{\"thread_pool\":{\"opensearch_deprovision_workflow\":{\"type\":\"scaling\",\"core\":1,\"max\":" + max + ",\"keep_alive\":\"1m\",\"queue_size\":-1}}}}}";

    /// <summary>A cluster for the workflow routes given; answers GET /, the pool (max 10) and ML reads (the resource exists) itself.</summary>
    private static FakeCluster Cluster(Func<FakeRequest, FakeResponse> workflowRoutes) =>
        new(r => r.Path switch
        {
            "/" => ClusterScripts.Root(),
            "/_nodes/thread_pool" => new FakeResponse(200, Pool(10)),
            _ when r.Path.StartsWith("/_plugins/_ml/", StringComparison.Ordinal) => new FakeResponse(200, Connector),
            _ => workflowRoutes(r),
        });

    private static PowerShellSession.Result Run(FakeCluster cluster, string script)
    {
        using var ps = new PowerShellSession();
        return ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru\n{script}");
    }

    private static FakeResponse Json(string body) => new(200, body);

    private static FakeResponse Throttled(int retryAfterSeconds) =>
        new(429, "{\"error\":{\"root_cause\":[{\"type\":\"rejected_execution_exception\",\"reason\":\"rejected execution\"}],\"type\":\"rejected_execution_exception\",\"reason\":\"rejected execution\"},\"status\":429}",
            new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static FakeResponse Unavailable() =>
        new(503, "{\"error\":{\"root_cause\":[{\"type\":\"cluster_block_exception\",\"reason\":\"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];\"}],\"type\":\"cluster_block_exception\",\"reason\":\"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];\"},\"status\":503}");

    private const string Malformed = "{\"workflow_id\": \"";

    // ---- Parameters observed -------------------------------------------------------------------------------------

    [Fact]
    public void MaxAttempts_N_sends_N_deprovisions_and_reports_N_attempts()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? ClusterScripts.Error(202, "Failed to deprovision some resources: [connector_id conn1].")
            : Json(ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0])));

        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -MaxAttempts 3 -Force -PassThru -Verbose");

        Assert.Equal(3, cluster.RequestList.Count(ClusterScripts.IsDeprovision));
        var outcome = Assert.Single(result.OfType<FlowDeprovisionResult>());
        Assert.Equal((FlowDeprovisionStatus.Partial, 3), (outcome.Status, outcome.Attempts));
        Assert.Equal(3, Assert.Single(outcome.Remaining).Attempts);
        Assert.Contains(result.Verbose, v => v.Contains("Deprovision attempt 3 of 3 ", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.Contains("Stopped after 3 attempts: reached the limit of 3 attempts.", StringComparison.Ordinal));
    }

    /// <summary>
    /// Six workflows whose deprovisions are held by the fake until <paramref name="expected"/> are in flight at once:
    /// the run must reach that many (or the hold times out) and never more.
    /// </summary>
    [Theory]
    [InlineData(null, 2)] // the default
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    public void ThrottleLimit_is_the_most_deprovisions_in_flight(int? throttleLimit, int expected)
    {
        var inFlight = 0;
        var most = 0;
        using var reached = new ManualResetEventSlim();
        var deprovisioned = new ConcurrentDictionary<string, bool>();
        using var cluster = Cluster(r =>
        {
            var id = ClusterScripts.IdOf(r);
            if (ClusterScripts.IsDeprovision(r))
            {
                var now = Interlocked.Increment(ref inFlight);
                lock (deprovisioned) { most = Math.Max(most, now); }
                if (now >= expected) { reached.Set(); }
                reached.Wait(TimeSpan.FromSeconds(30));
                deprovisioned[id] = true;
                Interlocked.Decrement(ref inFlight);
                return Json($"{{\"workflow_id\":\"{id}\"}}");
            }
            return Json(deprovisioned.ContainsKey(id) ? ClusterScripts.Status(id, "NOT_STARTED") : ClusterScripts.Status(id, "COMPLETED", ClusterScripts.FullResources[0]));
        });
        var limit = throttleLimit is int n ? $"-ThrottleLimit {n}" : string.Empty;

        var result = Run(cluster, $"'w1','w2','w3','w4','w5','w6' | Invoke-FlowDeprovision -Connection $c {limit} -Force -PassThru");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings); // within the cap (pool max 10: 9 allowed)
        Assert.Equal(6, result.OfType<FlowDeprovisionResult>().Count(r => r.Status == FlowDeprovisionStatus.Deprovisioned));
        Assert.True(reached.IsSet, $"never {expected} deprovisions in flight at once (most: {most})");
        Assert.Equal(expected, most);
    }

    [Fact]
    public void A_run_without_parameters_allows_10_attempts_and_a_300_s_time_limit()
    {
        // A 429 asking for a wait longer than the run's time limit: the run stops at once, naming the limit it has.
        var asked = 0;
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r)
            ? (Interlocked.Increment(ref asked) == 1 ? Throttled(301) : ClusterScripts.Error(500, "unexpected second request"))
            : Json(ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0])));

        var result = Run(cluster, "Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force -PassThru -Verbose");

        Assert.Contains(result.Verbose, v => v.Contains("Deprovision attempt 1 of 10 ", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.Contains("the next attempt (in 301.0 s) would start after the 300.0 s time limit", StringComparison.Ordinal));
        Assert.Equal(1, asked);
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowThrottled,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(FlowDeprovisionStatus.Failed, Assert.Single(result.OfType<FlowDeprovisionResult>()).Status);
    }

    // ---- Every error id of every cmdlet that can produce it ----------------------------------------------------

    public static TheoryData<string, string, string, string, ErrorCategory, string> Errors() => new()
    {
        // cmdlet, scenario, id, error id, category, a phrase of the recommended action
        { "Get-FlowWorkflowStatus", "throttled", "wf1", "FlowThrottled", ErrorCategory.LimitsExceeded, "Wait and run the command again" },
        { "Get-FlowWorkflowStatus", "unavailable", "wf1", "FlowClusterUnavailable", ErrorCategory.ConnectionError, "when the cluster is back" },
        { "Get-FlowWorkflowStatus", "refused", "wf1", "FlowClusterUnavailable", ErrorCategory.ConnectionError, "Check that the cluster is running and reachable" },
        { "Get-FlowWorkflowStatus", "malformed", "wf1", "FlowInvalidResponse", ErrorCategory.InvalidResult, "an OpenSearch node with the Flow Framework plugin" },
        { "Get-FlowWorkflowStatus", "none", "", "FlowInvalidWorkflowId", ErrorCategory.InvalidArgument, "Pass the workflow id exactly as the create call returned it" },
        { "Get-FlowWorkflowStatus", "none", "  ", "FlowInvalidWorkflowId", ErrorCategory.InvalidArgument, "Pass the workflow id exactly as the create call returned it" },
        { "Get-FlowWorkflowStatus", "none", "..", "FlowInvalidWorkflowId", ErrorCategory.InvalidArgument, "Pass the workflow id exactly as the create call returned it" },
        { "Invoke-FlowDeprovision", "throttled", "wf1", "FlowThrottled", ErrorCategory.LimitsExceeded, "lower -ThrottleLimit" },
        { "Invoke-FlowDeprovision", "status throttled", "wf1", "FlowThrottled", ErrorCategory.LimitsExceeded, "lower -ThrottleLimit" },
        { "Invoke-FlowDeprovision", "unavailable", "wf1", "FlowClusterUnavailable", ErrorCategory.ConnectionError, "when the cluster is back" },
        { "Invoke-FlowDeprovision", "status unavailable", "wf1", "FlowClusterUnavailable", ErrorCategory.ConnectionError, "when the cluster is back" },
        { "Invoke-FlowDeprovision", "refused", "wf1", "FlowClusterUnavailable", ErrorCategory.ConnectionError, "Check that the cluster is running and reachable" },
        { "Invoke-FlowDeprovision", "malformed", "wf1", "FlowInvalidResponse", ErrorCategory.InvalidResult, "an OpenSearch node with the Flow Framework plugin" },
        { "Invoke-FlowDeprovision", "status malformed", "wf1", "FlowInvalidResponse", ErrorCategory.InvalidResult, "an OpenSearch node with the Flow Framework plugin" },
        { "Invoke-FlowDeprovision", "none", "", "FlowInvalidWorkflowId", ErrorCategory.InvalidArgument, "Pass the workflow id exactly as the create call returned it" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Every_error_id_comes_with_its_category_the_workflow_as_target_and_a_recommended_action(
        string cmdlet, string scenario, string id, string errorId, ErrorCategory category, string action)
    {
        // "status ..." faults the plan's status read; otherwise the fault is on the request the cmdlet is about.
        bool Faulted(FakeRequest r) => cmdlet == "Get-FlowWorkflowStatus" || scenario.StartsWith("status ", StringComparison.Ordinal)
            ? ClusterScripts.IsStatus(r)
            : ClusterScripts.IsDeprovision(r);
        var fault = scenario.Replace("status ", string.Empty, StringComparison.Ordinal);
        using var cluster = Cluster(r => !Faulted(r) ? Json(ClusterScripts.Status(ClusterScripts.IdOf(r), "COMPLETED", ClusterScripts.FullResources[0])) : fault switch
        {
            "throttled" => Throttled(7),
            "unavailable" => Unavailable(),
            "malformed" => Json(Malformed),
            _ => Json(ClusterScripts.Status(ClusterScripts.IdOf(r), "COMPLETED", ClusterScripts.FullResources[0])),
        });
        using var ps = new PowerShellSession();
        Assert.Null(ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru").Terminating);
        if (fault == "refused")
        {
            cluster.Dispose(); // nothing listens on the port any more
        }

        var extra = cmdlet == "Invoke-FlowDeprovision" ? "-Force -MaxAttempts 1 -PassThru" : string.Empty;
        var result = ps.Run($"{cmdlet} -Connection $c -WorkflowId '{id}' {extra}");

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        var command = cmdlet == "Get-FlowWorkflowStatus" ? "GetFlowWorkflowStatusCommand" : "InvokeFlowDeprovisionCommand";
        Assert.Equal($"{errorId},FlowFramework.Commands.{command}", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Equal(id, error.TargetObject);
        Assert.Contains(action, error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(error.Exception.Message, error.ErrorDetails.Message);
        switch (fault)
        {
            case "throttled":
                Assert.Contains("(HTTP 429)", error.Exception.Message, StringComparison.Ordinal);
                Assert.Contains("It asked to retry after 7 s.", error.Exception.Message, StringComparison.Ordinal);
                break;
            case "unavailable":
                Assert.Contains("(HTTP 503)", error.Exception.Message, StringComparison.Ordinal);
                Assert.Contains("SERVICE_UNAVAILABLE", error.Exception.Message, StringComparison.Ordinal);
                break;
            case "refused":
                Assert.StartsWith($"Could not reach the cluster at {cluster.Url}/", error.Exception.Message, StringComparison.Ordinal);
                break;
            case "malformed":
                Assert.Contains("could not be read", error.Exception.Message, StringComparison.Ordinal);
                break;
        }

        if (cmdlet == "Invoke-FlowDeprovision")
        {
            // One Failed result, nothing deleted; an id refused before anything was sent made no attempt.
            var outcome = Assert.Single(result.OfType<FlowDeprovisionResult>());
            Assert.Equal((id, FlowDeprovisionStatus.Failed), (outcome.WorkflowId, outcome.Status));
            Assert.Empty(outcome.Deprovisioned);
            if (errorId == "FlowInvalidWorkflowId")
            {
                Assert.Equal(0, outcome.Attempts);
                Assert.DoesNotContain(cluster.RequestList, r => r.Path != "/");
            }
        }
        else
        {
            Assert.Empty(result.OfType<FlowWorkflowStatus>());
        }
    }

    // The 403s of a real server (server-behaviour.md §1, §7; 3.4+ resource sharing, FlowFrameworkSecureRestApiIT): each is
    // FlowAccessDenied, never NotFound (with resource sharing a workflow that does not exist answers 403 too, and the
    // module cannot tell the two apart), with the server's text and the way out that fits it.
    [Theory]
    [InlineData("Get-FlowWorkflowStatus", "User does not have permissions to access workflow: wf1", "filter_by_backend_roles")]
    [InlineData("Invoke-FlowDeprovision", "User does not have permissions to access workflow: wf1", "filter_by_backend_roles")]
    [InlineData("Get-FlowWorkflowStatus", "This API is disabled. To enable it, update the setting [plugins.flow_framework.enabled] to true.", "plugins.flow_framework.enabled to true")]
    [InlineData("Invoke-FlowDeprovision", "This API is disabled. To enable it, update the setting [plugins.flow_framework.enabled] to true.", "plugins.flow_framework.enabled to true")]
    [InlineData("Get-FlowWorkflowStatus", "Failed to get workflow status.", "not shared with this user also answers 403")]
    [InlineData("Invoke-FlowDeprovision", "Failed to get workflow.", "not shared with this user also answers 403")]
    public void A_403_is_FlowAccessDenied_with_the_servers_text_and_the_way_out_that_fits_it(string cmdlet, string message, string action)
    {
        // Invoke-FlowDeprovision meets a backend-role or resource-sharing refusal on the deprovision itself when the
        // status read passes (the rules differ per action); a disabled API refuses both.
        var onStatus = cmdlet == "Get-FlowWorkflowStatus" || message.StartsWith("This API", StringComparison.Ordinal);
        using var cluster = Cluster(r => (onStatus ? ClusterScripts.IsStatus(r) : ClusterScripts.IsDeprovision(r))
            ? ClusterScripts.Error(403, message)
            : Json(ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0])));
        var extra = cmdlet == "Invoke-FlowDeprovision" ? "-Force -PassThru" : string.Empty;

        var result = Run(cluster, $"{cmdlet} -Connection $c -WorkflowId wf1 {extra}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("FlowAccessDenied,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal((ErrorCategory.PermissionDenied, "wf1"), (error.CategoryInfo.Category, error.TargetObject));
        Assert.EndsWith($"was denied (HTTP 403). The server said: {message}", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(action, error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.True(cluster.RequestList.Count(ClusterScripts.IsDeprovision) <= 1, "a 403 is not retried");
        if (cmdlet == "Invoke-FlowDeprovision")
        {
            Assert.Equal(FlowDeprovisionStatus.Failed, Assert.Single(result.OfType<FlowDeprovisionResult>()).Status);
        }
    }

    // ---- Output objects by value ----------------------------------------------------------------------------

    [Fact]
    public void The_result_and_the_leftovers_carry_the_servers_facts_by_value()
    {
        // The real server's shapes (server-behaviour.md §4): it runs resources_created in reverse; the index is allowed,
        // the pipeline is skipped, the model undeploys and deletes, the group is dropped, the connector fails; afterwards
        // the state holds the failed ones reversed, then the skipped ones.
        var answered = false;
        using var cluster = Cluster(r =>
        {
            if (ClusterScripts.IsDeprovision(r))
            {
                answered = true;
                return ClusterScripts.Error(202, "Failed to deprovision some resources: [connector_id conn1]. These resources require the allow_delete parameter to deprovision: [pipeline_id my-pipeline].");
            }
            return Json(answered
                ? ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0], ClusterScripts.FullResources[4])
                : ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources));
        });
        using var ps = new PowerShellSession();
        ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru");
        var watch = Stopwatch.StartNew();
        var result = ps.Run("Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -AllowDelete my-index -MaxAttempts 1 -Force -PassThru -WarningAction SilentlyContinue");
        watch.Stop();

        var outcome = Assert.Single(result.OfType<FlowDeprovisionResult>());
        Assert.Equal(("wf1", FlowDeprovisionStatus.Partial, 1), (outcome.WorkflowId, outcome.Status, outcome.Attempts));
        Assert.Equal(new[] { "my-index" }, outcome.AllowDeleteSent);
        Assert.InRange(outcome.Duration, TimeSpan.FromTicks(1), watch.Elapsed);

        static object Row(FlowResource r) => (r.WorkflowId, r.StepName, r.StepId, r.ResourceType, r.ResourceId, r.DeprovisionStep, r.RequiresAllowDelete, r.Status, r.Attempts);
        Assert.Equal(new object[]
        {
            ("wf1", "create_connector", "create_connector_1", "connector_id", "conn1", "delete_connector", false, FlowResourceStatus.Failed, 1),
            ("wf1", "create_ingest_pipeline", "pipeline", "pipeline_id", "my-pipeline", "delete_ingest_pipeline", true, FlowResourceStatus.NeedsAllowDelete, 1),
        }, outcome.Remaining.Select(Row));
        Assert.StartsWith("The server could not delete it in 1 attempt (HTTP 202: Failed to deprovision some resources: [connector_id conn1].", outcome.Remaining[0].Reason, StringComparison.Ordinal);
        Assert.Equal("The server deletes a pipeline only when its id is in allow_delete; allow 'my-pipeline' to delete it.", outcome.Remaining[1].Reason);

        Assert.Equal(new object[]
        {
            ("wf1", "create_index", "index", "index_name", "my-index", "delete_index", true, FlowResourceStatus.Deprovisioned, 0),
            ("wf1", "deploy_model", "register_model_2", "model_id", "model1", "undeploy_model", false, FlowResourceStatus.Deprovisioned, 0),
            ("wf1", "register_remote_model", "register_model_2", "model_id", "model1", "delete_model", false, FlowResourceStatus.Deprovisioned, 0),
        }, outcome.Deprovisioned.Select(Row));
        Assert.All(outcome.Deprovisioned, r => Assert.Null(r.Reason));

        var retained = Assert.Single(outcome.Retained);
        Assert.Equal(("wf1", "register_model_group", "model_group", "model_group_id", "group1", FlowResourceStatus.Retained),
            (retained.WorkflowId, retained.StepName, retained.StepId, retained.ResourceType, retained.ResourceId, retained.Status));
        Assert.Equal("The server drops model_group_id entries from the state without deleting them; delete it yourself if it is no longer needed.", retained.Reason);

        // The leftovers written to the pipeline are the result's Remaining, by value.
        Assert.Equal(outcome.Remaining.Select(Row), result.OfType<FlowResource>().Select(Row));
        var error = Assert.Single(result.Errors);
        Assert.Equal("FlowDeprovisionIncomplete,FlowFramework.Commands.InvokeFlowDeprovisionCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Workflow 'wf1' still has 1 resource(s) the server could not delete after 1 attempt(s): connector_id conn1.", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_provisioning_shows_its_Error_tenant_and_times_by_value()
    {
        var state = "{\"workflow_id\":\"wf1\",\"error\":\"IllegalArgumentException during step create_index, index [x] already exists, restStatus: BAD_REQUEST\","
            + "\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"provision_start_time\":1710435961112,\"provision_end_time\":1710435962000,"
            + "\"user\":{\"name\":\"alice\",\"backend_roles\":[],\"roles\":[],\"custom_attribute_names\":[],\"user_requested_tenant\":null,\"user_requested_tenant_access\":null},"
            + "\"tenant_id\":\"tenant-a\",\"resources_created\":[" + ClusterScripts.FullResources[0] + "]}";
        using var cluster = Cluster(_ => Json(state));

        var result = Run(cluster, "Get-FlowWorkflowStatus -Connection $c -WorkflowId wf1 -All");

        var status = Assert.Single(result.OfType<FlowWorkflowStatus>());
        Assert.Equal(("wf1", "FAILED", "FAILED", "alice", "tenant-a"), (status.WorkflowId, status.State, status.ProvisioningProgress, status.User, status.TenantId));
        Assert.Equal("IllegalArgumentException during step create_index, index [x] already exists, restStatus: BAD_REQUEST", status.Error);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1710435962000), status.ProvisionEndTime);
        var resource = Assert.Single(status.Resources);
        Assert.Equal(("create_connector_1", FlowResourceStatus.Present, 0, null), (resource.StepId, resource.Status, resource.Attempts, resource.Reason));
    }

    // ---- Public types ---------------------------------------------------------------------------------------

    [Fact]
    public void Every_cmdlet_declares_its_output_and_every_public_output_type_is_sealed_and_get_only()
    {
        var module = typeof(Commands.InvokeFlowDeprovisionCommand).Assembly;
        var cmdlets = module.GetExportedTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).ToList();
        Assert.Equal(new[]
            {
                "ConnectFlowClusterCommand", "DisconnectFlowClusterCommand", "GetFlowWorkflowCommand", "GetFlowWorkflowStatusCommand", "InvokeFlowDeprovisionCommand",
                "InvokeFlowProvisionCommand", "NewFlowWorkflowCommand", "RemoveFlowWorkflowCommand", "WaitFlowWorkflowCommand",
            },
            cmdlets.Select(t => t.Name).Order(StringComparer.Ordinal));
        var outputs = new HashSet<Type>();
        foreach (var cmdlet in cmdlets)
        {
            var declared = cmdlet.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).Select(t => t.Type).ToList();
            Assert.True(declared.Count > 0, $"{cmdlet.Name} declares no [OutputType]");
            outputs.UnionWith(declared.Where(t => t != typeof(void)));
        }

        Assert.Equal(new[] { "FlowConnection", "FlowDeprovisionResult", "FlowResource", "FlowWorkflow", "FlowWorkflowStatus" }, outputs.Select(t => t.Name).Order(StringComparer.Ordinal));
        // Every public class of the model assembly is an output type too (or an enum of one).
        var model = typeof(FlowResource).Assembly.GetExportedTypes();
        Assert.All(model.Where(t => !t.IsEnum), t => Assert.Contains(t, outputs));
        foreach (var type in outputs.Concat(model.Where(t => !t.IsEnum)).Distinct())
        {
            Assert.True(type.IsSealed, $"{type.Name} is not sealed");
            Assert.Empty(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Assert.True(property.SetMethod is null || !property.SetMethod.IsPublic, $"{type.Name}.{property.Name} has a public setter");
            }
            Assert.Empty(type.GetFields(BindingFlags.Public | BindingFlags.Instance));
        }
    }

    // ---- -Confirm, the Id alias ----------------------------------------------------------------------------

    [Theory]
    [InlineData("", "No", false)]
    [InlineData("-Force -Confirm", "No", false)]
    [InlineData("-Confirm", "Yes", true)]
    [InlineData("", "Yes", true)]
    public void The_confirmation_prompt_decides_whether_anything_is_sent(string parameters, string answer, bool sent)
    {
        var deprovisioned = false;
        using var cluster = Cluster(r =>
        {
            if (ClusterScripts.IsDeprovision(r))
            {
                deprovisioned = true;
                return Json("{\"workflow_id\":\"wf1\"}");
            }
            return Json(deprovisioned ? ClusterScripts.Status("wf1", "NOT_STARTED") : ClusterScripts.Status("wf1", "COMPLETED", ClusterScripts.FullResources[0]));
        });
        var host = new AnsweringHost(answer);
        using var ps = new PowerShellSession(host);

        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 {parameters} -PassThru");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var prompt = Assert.Single(host.Prompts);
        // The question names what will be deleted, in the server's order, before asking.
        Assert.Equal("Confirm", prompt.Caption);
        Assert.Equal(string.Join(Environment.NewLine, "Deprovision workflow wf1: 1 step(s) in this order:", "  delete_connector connector_id conn1 (delete)",
            "Deprovision workflow wf1 and delete what it created?"), prompt.Message);
        Assert.Contains(cluster.RequestList, ClusterScripts.IsStatus); // the plan was read to show it
        Assert.Equal(sent ? 1 : 0, cluster.RequestList.Count(ClusterScripts.IsDeprovision));
        Assert.Equal(sent ? 1 : 0, result.OfType<FlowDeprovisionResult>().Count());
        Assert.DoesNotContain(cluster.RequestList, r => r.Method is not "GET" and not "HEAD" && !ClusterScripts.IsDeprovision(r));
    }

    [Fact]
    public void Force_alone_asks_nothing()
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r) ? Json("{\"workflow_id\":\"wf1\"}") : Json(ClusterScripts.Status("wf1", "NOT_STARTED")));
        var host = new AnsweringHost("No");
        using var ps = new PowerShellSession(host);
        var result = ps.Run($"$c = Connect-FlowCluster '{cluster.Url}' -PassThru; Invoke-FlowDeprovision -Connection $c -WorkflowId wf1 -Force -PassThru");
        Assert.Empty(host.Prompts);
        Assert.Single(cluster.RequestList, ClusterScripts.IsDeprovision);
        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, Assert.Single(result.OfType<FlowDeprovisionResult>()).Status);
    }

    [Theory]
    [InlineData("Get-FlowWorkflowStatus -Connection $c -Id wf7")]
    [InlineData("[pscustomobject]@{ Id = 'wf7' } | Get-FlowWorkflowStatus -Connection $c")]
    [InlineData("Invoke-FlowDeprovision -Connection $c -Id wf7 -Force")]
    [InlineData("[pscustomobject]@{ Id = 'wf7' } | Invoke-FlowDeprovision -Connection $c -Force")]
    public void The_alias_Id_binds(string script)
    {
        using var cluster = Cluster(r => ClusterScripts.IsDeprovision(r) ? Json("{\"workflow_id\":\"wf7\"}") : Json(ClusterScripts.Status(ClusterScripts.IdOf(r), "NOT_STARTED")));
        var result = Run(cluster, script);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Contains(cluster.RequestList, r => r.Path == "/_plugins/_flow_framework/workflow/wf7/_status");
        if (script.Contains("Invoke-FlowDeprovision", StringComparison.Ordinal))
        {
            Assert.Single(cluster.RequestList, r => r.Path == "/_plugins/_flow_framework/workflow/wf7/_deprovision");
        }
        else
        {
            Assert.Equal("wf7", Assert.Single(result.OfType<FlowWorkflowStatus>()).WorkflowId);
        }
    }
}
