namespace FlowFramework.Engine.Tests;

/// <summary>The decision on its own: state in, verdict out, no clock and no server.</summary>
public class RetryDecisionTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(1100);

    private static RunState State(AttemptOutcome outcome, int attempt = 1, int max = 10, double elapsedSeconds = 5, double timeoutSeconds = 300) =>
        new(outcome, attempt, max, TimeSpan.FromSeconds(elapsedSeconds), TimeSpan.FromSeconds(timeoutSeconds), Backoff) { StallTimeout = TimeSpan.FromSeconds(60) };

    private static TimeSpan RetryDelay(Verdict verdict) => Assert.IsType<RetryVerdict>(verdict).Delay;

    private static StopVerdict Stop(Verdict verdict) => Assert.IsType<StopVerdict>(verdict);

    [Theory]
    [InlineData(nameof(AttemptOutcome.Completed))]
    [InlineData(nameof(AttemptOutcome.NeedsAllowDelete))]
    [InlineData(nameof(AttemptOutcome.NotFound))]
    [InlineData(nameof(AttemptOutcome.Fatal))]
    public void Answers_that_settle_the_run_stop_it_with_attempts_and_time_left(string outcome)
    {
        Assert.Equal(StopReason.Settled, Stop(RetryDecision.Decide(State(Enum.Parse<AttemptOutcome>(outcome)))).Reason);
    }

    [Fact]
    public void Leftovers_with_attempts_and_time_left_are_retried_after_the_backoff()
    {
        Assert.Equal(Backoff, RetryDelay(RetryDecision.Decide(State(AttemptOutcome.Partial))));
    }

    [Fact]
    public void Leftovers_ignore_a_retry_after_only_transient_failures_carry_one()
    {
        var state = State(AttemptOutcome.Partial);
        state.RetryAfter = TimeSpan.FromSeconds(9);

        Assert.Equal(Backoff, RetryDelay(RetryDecision.Decide(state)));
    }

    [Fact]
    public void A_transient_failure_waits_at_least_its_retry_after_rounded_up_to_a_millisecond()
    {
        var longer = State(AttemptOutcome.Transient);
        longer.RetryAfter = TimeSpan.FromTicks(50_000_001);
        var shorter = State(AttemptOutcome.Transient);
        shorter.RetryAfter = TimeSpan.FromMilliseconds(200);

        Assert.Equal(TimeSpan.FromMilliseconds(5001), RetryDelay(RetryDecision.Decide(longer)));
        Assert.Equal(Backoff, RetryDelay(RetryDecision.Decide(shorter)));
    }

    [Fact]
    public void The_same_leftovers_for_the_stall_time_stop_the_run_before_the_other_limits()
    {
        var stalled = State(AttemptOutcome.Partial, attempt: 10, max: 10);
        stalled.SameLeftoversFor = TimeSpan.FromSeconds(60);
        var almost = State(AttemptOutcome.Partial);
        almost.SameLeftoversFor = TimeSpan.FromSeconds(59.9);

        Assert.Equal(StopReason.Stalled, Stop(RetryDecision.Decide(stalled)).Reason);
        Assert.IsType<RetryVerdict>(RetryDecision.Decide(almost));
    }

    [Theory]
    [InlineData(nameof(AttemptOutcome.Partial))]
    [InlineData(nameof(AttemptOutcome.Transient))]
    public void The_last_allowed_attempt_stops_the_run(string name)
    {
        var outcome = Enum.Parse<AttemptOutcome>(name);
        Assert.Equal(StopReason.AttemptsUsed, Stop(RetryDecision.Decide(State(outcome, attempt: 3, max: 3))).Reason);
        Assert.IsType<RetryVerdict>(RetryDecision.Decide(State(outcome, attempt: 2, max: 3)));
    }

    [Fact]
    public void A_wait_that_would_end_after_the_time_limit_stops_now_and_says_which_wait()
    {
        var late = Stop(RetryDecision.Decide(State(AttemptOutcome.Partial, elapsedSeconds: 299)));
        var exact = RetryDecision.Decide(State(AttemptOutcome.Partial, elapsedSeconds: 298.9));

        Assert.Equal((StopReason.Deadline, Backoff), (late.Reason, late.RefusedDelay));
        Assert.Equal(Backoff, RetryDelay(exact));
    }

    [Fact]
    public void A_retry_after_beyond_the_time_limit_stops_now()
    {
        var state = State(AttemptOutcome.Transient);
        state.RetryAfter = TimeSpan.FromSeconds(600);

        Assert.Equal(StopReason.Deadline, Stop(RetryDecision.Decide(state)).Reason);
    }

    [Fact]
    public void A_request_that_would_hang_again_is_not_sent_again()
    {
        var state = State(AttemptOutcome.Transient);
        state.WouldHangAgain = true;

        Assert.Equal(StopReason.WouldHangAgain, Stop(RetryDecision.Decide(state)).Reason);
    }
}
