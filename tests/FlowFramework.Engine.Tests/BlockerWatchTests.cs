using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>The watch decision and the blocker classification on their own: readings in, verdict out.</summary>
public class BlockerWatchTests
{
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";
    private const string ConnectorId = "NdjCQYwBLmvn802B0IwE";
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(1100);

    private static readonly FlowResource ModelEntry = ParseState(State(WorkflowId, Model)).Resources[0].With(FlowResourceStatus.Failed);
    private static readonly FlowResource DeployEntry = ParseState(State(WorkflowId, Deploy)).Resources[0].With(FlowResourceStatus.Failed);
    private static readonly FlowResource ConnectorEntry = ParseState(State(WorkflowId, Connector)).Resources[0].With(FlowResourceStatus.Failed);
    private static readonly FlowResource AgentEntry = ParseState(State(WorkflowId, Resource("register_agent", "agent", "agent_id", "AGENT1"))).Resources[0].With(FlowResourceStatus.Failed);

    private static BlockerReading Reading(BlockerState state, string id = ModelId, TimeSpan? retryAfter = null) =>
        new(new FlowResourceKey(FlowStepCatalogue.ModelId, id), state, "model " + id, retryAfter: retryAfter);

    private static WatchState Watch(int round, params BlockerReading[] readings) =>
        new(readings, round, TimeSpan.Zero, Backoff, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300)) { StallTimeout = TimeSpan.FromSeconds(60) };

    private static ResourceCheck ModelRead(string state) => ResourceCheck.Exists(state);

    [Fact]
    public void A_blocked_leftover_is_read_again_from_250_ms_growing_gently_to_500_ms()
    {
        var waits = Enumerable.Range(1, 7).Select(round => BlockerWatch.Decide(Watch(round, Reading(BlockerState.Blocked)))).ToList();

        Assert.All(waits, v => Assert.Equal(WatchAction.ReadAgain, v.Action));
        Assert.Equal(new[] { 250, 313, 391, 489, 500, 500, 500 }, waits.Select(v => (int)v.Delay.TotalMilliseconds));
    }

    [Fact]
    public void More_blocked_leftovers_never_read_more_than_four_times_a_second()
    {
        var two = BlockerWatch.Decide(Watch(1, Reading(BlockerState.Blocked, "A"), Reading(BlockerState.Blocked, "B")));
        var three = BlockerWatch.Decide(Watch(9, Reading(BlockerState.Blocked, "A"), Reading(BlockerState.Blocked, "B"), Reading(BlockerState.Blocked, "C")));

        Assert.Equal((WatchAction.ReadAgain, TimeSpan.FromMilliseconds(500), 2), (two.Action, two.Delay, two.Blocked.Count));
        Assert.Equal((WatchAction.ReadAgain, TimeSpan.FromMilliseconds(750)), (three.Action, three.Delay));
    }

    [Fact]
    public void A_throttled_read_waits_at_least_its_retry_after()
    {
        var verdict = BlockerWatch.Decide(Watch(1, Reading(BlockerState.Blocked, retryAfter: TimeSpan.FromSeconds(3))));

        Assert.Equal((WatchAction.ReadAgain, TimeSpan.FromSeconds(3)), (verdict.Action, verdict.Delay));
    }

    [Fact]
    public void Everything_clear_sends_again_at_once()
    {
        var verdict = BlockerWatch.Decide(Watch(4, Reading(BlockerState.Clear, "A"), Reading(BlockerState.Clear, "B")));

        Assert.Equal((WatchAction.Resend, TimeSpan.Zero), (verdict.Action, verdict.Delay));
    }

    [Fact]
    public void Unknown_blockers_keep_the_backoff_less_the_time_already_watched()
    {
        var first = BlockerWatch.Decide(Watch(1, Reading(BlockerState.Unknown)));
        var later = new WatchState(new[] { Reading(BlockerState.Clear, "A"), Reading(BlockerState.Unknown, "B") }, 3, TimeSpan.FromMilliseconds(800), Backoff, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300));
        var over = new WatchState(new[] { Reading(BlockerState.Unknown) }, 3, TimeSpan.FromSeconds(2), Backoff, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300));

        Assert.Equal((WatchAction.FallBack, Backoff), (first.Action, first.Delay));
        Assert.Equal((WatchAction.FallBack, TimeSpan.FromMilliseconds(300)), (BlockerWatch.Decide(later).Action, BlockerWatch.Decide(later).Delay));
        Assert.Equal(WatchAction.Resend, BlockerWatch.Decide(over).Action);
    }

    [Fact]
    public void No_reading_at_all_keeps_the_backoff()
    {
        var verdict = BlockerWatch.Decide(Watch(1));

        Assert.Equal((WatchAction.FallBack, Backoff), (verdict.Action, verdict.Delay));
    }

    [Fact]
    public void With_an_unknown_beside_a_blocked_one_the_request_goes_when_the_backoff_is_over_if_the_blocker_has_not_cleared_by_then()
    {
        var early = new WatchState(new[] { Reading(BlockerState.Blocked, "A"), Reading(BlockerState.Unknown, "B") }, 4, TimeSpan.FromMilliseconds(1000), Backoff, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300));
        var due = new WatchState(new[] { Reading(BlockerState.Blocked, "A"), Reading(BlockerState.Unknown, "B") }, 5, TimeSpan.FromMilliseconds(1100), Backoff, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(300));

        Assert.Equal((WatchAction.ReadAgain, TimeSpan.FromMilliseconds(100)), (BlockerWatch.Decide(early).Action, BlockerWatch.Decide(early).Delay));
        Assert.Equal(WatchAction.Resend, BlockerWatch.Decide(due).Action);
    }

    [Fact]
    public void The_stall_time_stops_the_watch_unless_a_model_is_still_deploying()
    {
        var stalled = Watch(30, Reading(BlockerState.Blocked));
        stalled.SameLeftoversFor = TimeSpan.FromSeconds(60);
        var deploying = Watch(30, Reading(BlockerState.Blocked));
        deploying.SameLeftoversFor = TimeSpan.FromSeconds(60);
        deploying.ModelDeploying = true;

        Assert.Equal((WatchAction.Stop, StopReason.Stalled), (BlockerWatch.Decide(stalled).Action, BlockerWatch.Decide(stalled).Stop!.Reason));
        Assert.Equal(WatchAction.ReadAgain, BlockerWatch.Decide(deploying).Action);
    }

    [Fact]
    public void A_read_that_would_come_after_the_deadline_stops_now_and_says_which_wait()
    {
        var late = new WatchState(new[] { Reading(BlockerState.Blocked) }, 9, TimeSpan.FromSeconds(10), Backoff, TimeSpan.FromSeconds(299.6), TimeSpan.FromSeconds(300));
        var inTime = new WatchState(new[] { Reading(BlockerState.Blocked) }, 9, TimeSpan.FromSeconds(10), Backoff, TimeSpan.FromSeconds(299.5), TimeSpan.FromSeconds(300));

        var stop = BlockerWatch.Decide(late);
        Assert.Equal((WatchAction.Stop, StopReason.Deadline, TimeSpan.FromMilliseconds(500)), (stop.Action, stop.Stop!.Reason, stop.Stop.RefusedDelay));
        Assert.Equal(WatchAction.ReadAgain, BlockerWatch.Decide(inTime).Action);
    }

    [Theory]
    [InlineData("DEPLOYED", "Blocked", "model " + ModelId + " to leave DEPLOYED")]
    [InlineData("PARTIALLY_DEPLOYED", "Blocked", "model " + ModelId + " to leave PARTIALLY_DEPLOYED")]
    [InlineData("DEPLOYING", "Blocked", "model " + ModelId + " to leave DEPLOYING")]
    [InlineData("LOADING", "Blocked", "model " + ModelId + " to leave LOADING")]
    [InlineData("UNDEPLOYED", "Clear", "model " + ModelId + " is UNDEPLOYED")]
    [InlineData("DEPLOY_FAILED", "Clear", "model " + ModelId + " is DEPLOY_FAILED")]
    public void A_model_is_blocked_while_its_state_refuses_a_delete(string state, string blocker, string subject)
    {
        var expected = Enum.Parse<BlockerState>(blocker);
        var reading = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ModelRead(state), null, clearBeforeLastAttempt: false);

        Assert.Equal((expected, subject, state), (reading.State, reading.Subject, reading.Observed));
    }

    [Fact]
    public void A_deployed_model_whose_undeploy_is_still_to_run_is_not_waited_for_but_a_deploying_one_is()
    {
        var leftovers = new[] { ModelEntry, DeployEntry };

        var deployed = BlockerClassifier.Classify(ModelEntry, leftovers, ModelRead("DEPLOYED"), null, false);
        var deploying = BlockerClassifier.Classify(ModelEntry, leftovers, ModelRead("DEPLOYING"), null, false);

        Assert.Equal((BlockerState.Clear, "model " + ModelId + " is DEPLOYED and the next request undeploys it first"), (deployed.State, deployed.Subject));
        Assert.Equal(BlockerState.Blocked, deploying.State);
    }

    [Fact]
    public void A_model_read_that_is_denied_or_has_no_state_tells_nothing_and_a_gone_model_is_clear()
    {
        var denied = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ResourceCheck.Unreadable("HTTP 403", null, false), null, false);
        var stateless = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ResourceCheck.Exists(null), null, false);
        var gone = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ResourceCheck.Missing("GET /_plugins/_ml/models/" + ModelId), null, false);

        Assert.Equal((BlockerState.Unknown, "what blocks model_id " + ModelId + " cannot be read (HTTP 403)"), (denied.State, denied.Subject));
        Assert.Equal(BlockerState.Unknown, stateless.State);
        Assert.Equal(BlockerState.Clear, gone.State);
    }

    [Fact]
    public void A_connector_is_blocked_by_models_that_go_in_no_request_of_this_workflow()
    {
        var foreign = BlockerClassifier.Classify(ConnectorEntry, new[] { ConnectorEntry }, null, new ConnectorUsers(new[] { "OTHER1", "OTHER2" }), false);
        var own = BlockerClassifier.Classify(ConnectorEntry, new[] { ModelEntry, ConnectorEntry }, null, new ConnectorUsers(new[] { ModelId }), false);
        var free = BlockerClassifier.Classify(ConnectorEntry, new[] { ConnectorEntry }, null, new ConnectorUsers(Array.Empty<string>()), false);
        var denied = BlockerClassifier.Classify(ConnectorEntry, new[] { ConnectorEntry }, null, new ConnectorUsers(null, "HTTP 403"), false);

        Assert.Equal((BlockerState.Blocked, "connector " + ConnectorId + " to be free of models OTHER1, OTHER2"), (foreign.State, foreign.Subject));
        Assert.Equal(BlockerState.Clear, own.State);
        Assert.Equal((BlockerState.Clear, "no model uses connector " + ConnectorId), (free.State, free.Subject));
        Assert.Equal(BlockerState.Unknown, denied.State);
    }

    [Fact]
    public void A_type_without_a_blocker_read_is_unknown()
    {
        Assert.Equal(BlockerState.Unknown, BlockerClassifier.Classify(AgentEntry, new[] { AgentEntry }, null, null, false).State);
    }

    [Fact]
    public void A_read_that_was_clear_when_the_request_went_and_is_clear_again_after_it_failed_explains_nothing()
    {
        var reading = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ModelRead("UNDEPLOYED"), null, clearBeforeLastAttempt: true);
        var stillBlocked = BlockerClassifier.Classify(ModelEntry, new[] { ModelEntry }, ModelRead("DEPLOYED"), null, clearBeforeLastAttempt: true);

        Assert.Equal(BlockerState.Unknown, reading.State);
        Assert.Contains("yet the server failed on it again", reading.Subject);
        Assert.Equal(BlockerState.Blocked, stillBlocked.State);
    }
}
