namespace FlowFramework.Tests;

/// <summary>Each runspace has its own default connection, and leaving (Remove-Module, Disconnect) touches only its own.</summary>
[Collection("Environment")]
public class RunspaceConnectionTests
{
    private static FakeCluster StatusCluster() =>
        new(r => r.Path == "/" ? ClusterScripts.Root() : new FakeResponse(200, ClusterScripts.Status("wf1", "NOT_STARTED")));

    private static int StatusReads(FakeCluster cluster) => cluster.RequestList.Count(ClusterScripts.IsStatus);

    [Fact]
    public void Remove_Module_in_one_runspace_keeps_the_default_connection_of_another()
    {
        using var first = StatusCluster();
        using var second = StatusCluster();
        using var fallback = StatusCluster();
        using var one = new PowerShellSession();
        using var two = new PowerShellSession();
        var previous = Environment.GetEnvironmentVariable("OPENSEARCH_URL");
        Environment.SetEnvironmentVariable("OPENSEARCH_URL", fallback.Url);
        try
        {
            Assert.Null(one.Run($"Connect-FlowCluster '{first.Url}'").Terminating);
            Assert.Null(two.Run($"Connect-FlowCluster '{second.Url}'").Terminating);

            var modulePath = typeof(Commands.InvokeFlowDeprovisionCommand).Assembly.Location;
            var afterRemove = two.Run($"Remove-Module FlowFramework; Import-Module '{modulePath}'; Get-FlowWorkflowStatus wf1");
            var stillConnected = one.Run("Get-FlowWorkflowStatus wf1");

            Assert.Empty(afterRemove.Errors);
            Assert.Empty(stillConnected.Errors);
            Assert.Equal("wf1", Assert.Single(stillConnected.OfType<FlowWorkflowStatus>()).WorkflowId);
            Assert.Equal(1, StatusReads(first));   // the untouched runspace still uses its own connection
            Assert.Equal(0, StatusReads(second));  // the runspace that removed the module forgot its connection...
            Assert.Equal(1, StatusReads(fallback)); // ...and falls back to $env:OPENSEARCH_URL
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", previous);
        }
    }

    [Fact]
    public void Disconnect_in_one_runspace_leaves_the_other_connected()
    {
        using var first = StatusCluster();
        using var second = StatusCluster();
        using var one = new PowerShellSession();
        using var two = new PowerShellSession();
        one.Run($"Connect-FlowCluster '{first.Url}'");
        two.Run($"Connect-FlowCluster '{second.Url}'");

        var disconnected = two.Run("Disconnect-FlowCluster -Verbose; Disconnect-FlowCluster -Verbose");
        var stillConnected = one.Run("Get-FlowWorkflowStatus wf1");

        Assert.Equal(new[] { "There was no default connection to clear." }, disconnected.Verbose);
        Assert.Empty(stillConnected.Errors);
        Assert.Equal(1, StatusReads(first));
    }

    [Fact]
    public void Disconnect_after_Connect_forgets_the_default_and_the_address_from_the_environment_is_used_again()
    {
        using var connected = StatusCluster();
        using var fallback = StatusCluster();
        using var session = new PowerShellSession();
        var previous = Environment.GetEnvironmentVariable("OPENSEARCH_URL");
        Environment.SetEnvironmentVariable("OPENSEARCH_URL", fallback.Url);
        try
        {
            var before = session.Run($"Connect-FlowCluster '{connected.Url}' | Out-Null; Get-FlowWorkflowStatus wf1");
            var after = session.Run("Disconnect-FlowCluster -Verbose; Get-FlowWorkflowStatus wf1");

            Assert.Empty(before.Errors);
            Assert.Empty(after.Errors);
            Assert.DoesNotContain(after.Verbose, v => v.Contains("no default connection", StringComparison.Ordinal));
            Assert.Equal(1, StatusReads(connected));
            Assert.Equal(1, StatusReads(fallback));
            Assert.Equal("wf1", Assert.Single(after.OfType<FlowWorkflowStatus>()).WorkflowId);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", previous);
        }
    }

    private static string Pool(int max) =>
        "{\"nodes\":{\"n1\":{\"thread_pool\":{\"opensearch_deprovision_workflow\":{\"type\":\"scaling\",\"core\":1,\"max\":" + max + ",\"keep_alive\":\"1m\",\"queue_size\":-1}}}}}";

    /// <summary>A cluster whose workflows deprovision at once and whose deprovision pool has 3 threads (cap 2).</summary>
    private static FakeCluster PoolCluster(Action<int>? onInFlight = null)
    {
        var deprovisioned = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var inFlight = 0;
        return new FakeCluster(r =>
        {
            if (r.Path == "/") { return ClusterScripts.Root(); }
            if (r.Path == "/_nodes/thread_pool") { return new FakeResponse(200, Pool(3)); }
            var id = ClusterScripts.IdOf(r);
            if (ClusterScripts.IsDeprovision(r))
            {
                onInFlight?.Invoke(Interlocked.Increment(ref inFlight));
                deprovisioned[id] = true;
                Interlocked.Decrement(ref inFlight);
                return new FakeResponse(200, $"{{\"workflow_id\":\"{id}\"}}");
            }
            return new FakeResponse(200, deprovisioned.ContainsKey(id) ? ClusterScripts.Status(id, "NOT_STARTED") : ClusterScripts.Status(id, "COMPLETED", ClusterScripts.FullResources[0]));
        });
    }

    // The cap on deprovisions in flight lives in the connection (read once, GET _nodes/thread_pool). Commands that
    // rely on $env:OPENSEARCH_URL must share one connection, or each would bring its own cap and together they could
    // fill the server's pool.
    [Fact]
    public void Commands_without_a_connection_share_one_per_address_across_commands_and_runspaces()
    {
        var most = 0;
        using var cluster = PoolCluster(now => { lock (this) { most = Math.Max(most, now); } });
        using var other = PoolCluster();
        using var one = new PowerShellSession();
        using var two = new PowerShellSession();
        var previous = Environment.GetEnvironmentVariable("OPENSEARCH_URL");
        Environment.SetEnvironmentVariable("OPENSEARCH_URL", cluster.Url);
        try
        {
            var first = one.Run("'a1','a2','a3' | Invoke-FlowDeprovision -Force -ThrottleLimit 2 -PassThru");
            var second = one.Run("'b1','b2' | Invoke-FlowDeprovision -Force -ThrottleLimit 2 -PassThru");
            // Another runspace of the same process, started while the first still runs a command.
            var parallel = Task.Run(() => two.Run("'c1','c2','c3' | Invoke-FlowDeprovision -Force -ThrottleLimit 2 -PassThru"));
            var third = one.Run("'d1','d2','d3' | Invoke-FlowDeprovision -Force -ThrottleLimit 2 -PassThru");
            var fourth = parallel.GetAwaiter().GetResult();

            foreach (var run in new[] { first, second, third, fourth })
            {
                Assert.Null(run.Terminating);
                Assert.Empty(run.Errors);
                Assert.All(run.OfType<FlowDeprovisionResult>(), r => Assert.Equal(FlowDeprovisionStatus.Deprovisioned, r.Status));
            }
            Assert.Equal(11, new[] { first, second, third, fourth }.Sum(run => run.OfType<FlowDeprovisionResult>().Count()));
            // One connection: the pool was read once for all four commands in both runspaces.
            Assert.Single(cluster.RequestList, r => r.Path == "/_nodes/thread_pool");
            Assert.InRange(most, 1, 2);

            // Another address is another connection, with its own read of its own pool.
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", other.Url);
            var elsewhere = one.Run("'e1' | Invoke-FlowDeprovision -Force -PassThru");
            Assert.Empty(elsewhere.Errors);
            Assert.Single(other.RequestList, r => r.Path == "/_nodes/thread_pool");
            Assert.DoesNotContain(cluster.RequestList, r => r.Path.Contains("/e1/", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENSEARCH_URL", previous);
        }
    }
}
