using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>The status read that comes before the plan rides out a busy cluster like the deprovision loop does.</summary>
public class StateReaderTests
{
    private static (FlowDeprovisioner Deprovisioner, SteppingClock Clock, List<FlowDeprovisionEvent> Events) Reader(FakeCluster cluster, Action<FlowDeprovisionOptions>? configure = null)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        var options = new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7 };
        configure?.Invoke(options);
        return (new FlowDeprovisioner(Client(cluster), options), clock, new List<FlowDeprovisionEvent>());
    }

    /// <summary>The state the preparation read, or the error it stopped on.</summary>
    private static async Task<FlowWorkflowStatus> ReadState(FlowDeprovisioner deprovisioner, SteppingClock clock, List<FlowDeprovisionEvent> events)
    {
        var prepared = await clock.Drive(deprovisioner.PrepareAsync(WorkflowId, null, events.Add, CancellationToken.None));
        return prepared.Plan?.State ?? throw prepared.Failure!.Error!;
    }

    [Fact]
    public async Task A_503_then_a_429_with_retry_after_are_waited_out_and_the_state_comes_back()
    {
        var cluster = new FakeCluster().OnStatus(
            Answer.Json(503, ""),
            Answer.Error(429, "Too many requests", Answer.RetryAfterSeconds(4)),
            Answer.Json(200, State(WorkflowId, Connector)));
        var (deprovisioner, clock, events) = Reader(cluster);

        var state = await ReadState(deprovisioner, clock, events);

        Assert.Equal(WorkflowId, state.WorkflowId);
        Assert.Single(state.Resources);
        Assert.Equal(3, cluster.StatusReads.Count);
        var delays = events.Where(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled).Select(e => e.Delay!.Value).ToList();
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1200));
        Assert.Equal(TimeSpan.FromSeconds(4), delays[1]);
        Assert.All(events, e => Assert.StartsWith("Workflow " + WorkflowId + ": reading the status failed (", e.Message));
    }

    [Theory]
    [InlineData(404, "Fail to find workflow status of " + WorkflowId, FlowErrorKind.NotFound)]
    [InlineData(403, "Failed to get workflow status.", FlowErrorKind.Forbidden)]
    [InlineData(400, "bad", FlowErrorKind.BadRequest)]
    public async Task Other_failures_are_not_retried(int status, string message, FlowErrorKind kind)
    {
        var cluster = new FakeCluster().OnStatus(Answer.Error(status, message));
        var (deprovisioner, clock, events) = Reader(cluster);

        var error = await Assert.ThrowsAsync<FlowApiException>(() => ReadState(deprovisioner, clock, events));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(message, error.ServerMessage);
        Assert.Single(cluster.StatusReads);
        Assert.Empty(events);
    }

    [Fact]
    public async Task It_gives_up_after_MaxAttempts_with_the_last_transient_error()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(503, ""), Answer.Json(503, ""), Answer.Json(503, ""), Answer.Json(503, ""));
        var (deprovisioner, clock, events) = Reader(cluster, o => o.MaxAttempts = 3);

        var error = await Assert.ThrowsAsync<FlowApiException>(() => ReadState(deprovisioner, clock, events));

        Assert.Equal(FlowErrorKind.Unavailable, error.Kind);
        Assert.Equal(3, cluster.StatusReads.Count);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_time_limit_stops_at_once()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Error(429, "slow down", Answer.RetryAfterSeconds(600)));
        var (deprovisioner, clock, events) = Reader(cluster, o => o.Timeout = TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<FlowApiException>(() => ReadState(deprovisioner, clock, events));

        Assert.Equal(FlowErrorKind.Throttled, error.Kind);
        Assert.Single(cluster.StatusReads);
        Assert.Empty(events);
    }

    [Fact]
    public async Task Cancellation_during_the_wait_ends_the_read()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(503, ""), Answer.Json(200, EmptyState(WorkflowId)));
        var clock = new SteppingClock();
        cluster.Clock = clock;
        var deprovisioner = new FlowDeprovisioner(Client(cluster), new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7 });
        using var cts = new CancellationTokenSource();

        var read = deprovisioner.PrepareAsync(WorkflowId, null, e => { if (e.Kind == FlowDeprovisionEventKind.RetryScheduled) { cts.Cancel(); } }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Single(cluster.StatusReads);
    }
}
