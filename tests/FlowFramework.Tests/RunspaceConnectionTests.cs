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
}
