using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>Waiting for provisioning: growing polls on a fake clock, and how each state ends the wait.</summary>
public class WaiterTests
{
    private static string Provisioning(int resources) =>
        "{\"workflow_id\":\"" + WorkflowId + "\",\"state\":\"PROVISIONING\",\"provisioning_progress\":\"IN_PROGRESS\""
        + (resources == 0 ? string.Empty : ",\"resources_created\":[" + string.Join(",", Enumerable.Repeat(Connector, resources)) + "]") + "}";

    private const string FailedState = "{\"workflow_id\":\"" + WorkflowId + "\",\"state\":\"FAILED\",\"provisioning_progress\":\"FAILED\",\"error\":\"WorkflowStepException during step create_index, Failed to create the index demo-passages, restStatus: BAD_REQUEST\"}";

    private static async Task<(FlowWaitReport Report, List<FlowWaitEvent> Events, SteppingClock Clock)> Wait(FakeCluster cluster, TimeSpan? timeout = null)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        using var client = Client(cluster);
        var events = new List<FlowWaitEvent>();
        var waiter = new FlowProvisionWaiter(client, new FlowWaitOptions { TimeProvider = clock, Timeout = timeout ?? TimeSpan.FromSeconds(600) });
        var report = await clock.Drive(waiter.WaitAsync(WorkflowId, events.Add, CancellationToken.None));
        return (report, events, clock);
    }

    [Fact]
    public async Task Polls_with_growing_pauses_until_COMPLETED_and_reads_the_whole_status()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, Provisioning(0)), Answer.Json(200, Provisioning(1)), Answer.Json(200, Provisioning(2)), Answer.Json(200, State(WorkflowId, Connector, Model)));

        var (report, events, clock) = await Wait(cluster);

        Assert.Equal((FlowWaitOutcome.Completed, 4), (report.Outcome, report.Polls));
        Assert.Equal(2, report.Status!.Resources.Length);
        Assert.Equal(new[] { 250, 375, 562 }, clock.TimersCreated.Select(t => (int)t.TotalMilliseconds));
        Assert.Equal(new[] { 0, 1, 2 }, events.Select(e => e.Status!.Resources.Length));
        Assert.All(cluster.StatusReads, r => Assert.EndsWith("/_status?all=true", r.AbsoluteUri));
    }

    [Fact]
    public async Task FAILED_ends_the_wait_with_the_server_error_text()
    {
        var (report, _, _) = await Wait(new FakeCluster().OnStatus(Answer.Json(200, Provisioning(0)), Answer.Json(200, FailedState)));

        Assert.Equal(FlowWaitOutcome.Failed, report.Outcome);
        Assert.StartsWith("WorkflowStepException during step create_index", report.Status!.Error);
    }

    [Fact]
    public async Task NOT_STARTED_ends_the_wait_at_once()
    {
        var (report, _, clock) = await Wait(new FakeCluster().OnStatus(Answer.Json(200, EmptyState(WorkflowId))));

        Assert.Equal((FlowWaitOutcome.NotProvisioning, 1), (report.Outcome, report.Polls));
        Assert.Empty(clock.TimersCreated);
    }

    [Fact]
    public async Task The_time_limit_ends_the_wait_with_the_last_status_and_the_last_pause_is_cut_to_the_deadline()
    {
        var (report, _, clock) = await Wait(new FakeCluster().OnStatus(Answer.Json(200, Provisioning(1))), TimeSpan.FromSeconds(1));

        Assert.Equal(FlowWaitOutcome.TimedOut, report.Outcome);
        Assert.Equal("PROVISIONING", report.Status!.State);
        Assert.Equal(new[] { 250, 375, 375 }, clock.TimersCreated.Select(t => (int)t.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(1), report.Elapsed);
    }

    [Fact]
    public async Task Transient_failures_are_waited_out_honouring_Retry_After()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Error(503, "busy", Answer.RetryAfterSeconds(2)), Answer.Json(200, State(WorkflowId)));

        var (report, events, clock) = await Wait(cluster);

        Assert.Equal((FlowWaitOutcome.Completed, 2), (report.Outcome, report.Polls));
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(clock.TimersCreated));
        Assert.Equal(503, Assert.Single(events).TransientError!.StatusCode);
    }

    [Theory]
    [InlineData(403, FlowErrorKind.Forbidden)]
    [InlineData(404, FlowErrorKind.NotFound)]
    [InlineData(401, FlowErrorKind.Authentication)]
    public async Task Other_failures_end_the_wait_at_once_with_the_error(int status, FlowErrorKind kind)
    {
        var (report, _, clock) = await Wait(new FakeCluster().OnStatus(Answer.Error(status, "no")));

        Assert.Equal((FlowWaitOutcome.Error, kind), (report.Outcome, report.Error!.Kind));
        Assert.Empty(clock.TimersCreated);
    }

    [Fact]
    public void The_poll_schedule_grows_by_half_to_its_cap_and_never_passes_the_deadline()
    {
        var first = TimeSpan.FromMilliseconds(250);
        var cap = TimeSpan.FromSeconds(5);
        var waits = Enumerable.Range(1, 12).Select(n => (int)PollSchedule.Next(n, first, cap, TimeSpan.FromHours(1)).TotalMilliseconds).ToArray();
        Assert.Equal(new[] { 250, 375, 562, 843, 1265, 1898, 2847, 4271, 5000, 5000, 5000, 5000 }, waits);
        Assert.Equal(TimeSpan.FromMilliseconds(100), PollSchedule.Next(9, first, cap, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.Zero, PollSchedule.Next(1, first, cap, TimeSpan.FromMilliseconds(-5)));
    }
}
