using System.Diagnostics;
using System.Net;
using System.Security;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

public class DeprovisionerTests
{
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";
    private const string ConnectorId = "NdjCQYwBLmvn802B0IwE";
    private const string Failed202 = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
    private const string NeedsIndexAndPipeline = "These resources require the allow_delete parameter to deprovision: [index_name my-nlp-index, pipeline_id nlp-ingest-pipeline].";

    private static readonly string DemoState = State(WorkflowId, Group, Connector, Model, Deploy, Pipeline, IndexEntry);

    private sealed class Run
    {
        public Run(FakeCluster cluster, Action<FlowDeprovisionOptions>? configure = null, Action<FlowClientOptions>? client = null)
        {
            Cluster = cluster;
            cluster.Clock = Clock;
            Options = new FlowDeprovisionOptions { TimeProvider = Clock, RandomSeed = 7 };
            configure?.Invoke(Options);
            Client = Fixture.Client(cluster, client);
            Deprovisioner = new FlowDeprovisioner(Client, Options);
        }

        public SteppingClock Clock { get; } = new();

        public FakeCluster Cluster { get; }

        public FlowDeprovisionOptions Options { get; }

        public FlowApiClient Client { get; }

        public FlowDeprovisioner Deprovisioner { get; }

        public List<FlowDeprovisionEvent> Events { get; } = new();

        public DateTimeOffset Start { get; private set; }

        public List<TimeSpan> Delays => Events.Where(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled).Select(e => e.Delay!.Value).ToList();

        public List<TimeSpan> PostTimes => Cluster.Deprovisions.Select(r => r.At - Start).ToList();

        public string Log => string.Join("\n", Events.Select(e => e.Kind + ": " + e.Message));

        public async Task<Outcome> Go(string[]? allowDelete = null, string? state = null, CancellationToken ct = default)
        {
            Start = Clock.GetUtcNow();
            var plan = FlowDeprovisionPlan.Create(ParseState(state ?? DemoState), allowDelete);
            return new Outcome(await Clock.Drive(Deprovisioner.RunAsync(plan, Events.Add, ct)));
        }
    }

    /// <summary>The report with the result's properties at hand.</summary>
    private sealed record Outcome(FlowDeprovisionReport Report)
    {
        public FlowDeprovisionStatus Status => Report.Result.Status;
        public int Attempts => Report.Result.Attempts;
        public TimeSpan Duration => Report.Result.Duration;
        public IReadOnlyList<FlowResource> Remaining => Report.Result.Remaining;
        public IReadOnlyList<FlowResource> Deprovisioned => Report.Result.Deprovisioned;
        public IReadOnlyList<FlowResource> Retained => Report.Result.Retained;
        public IReadOnlyList<string> AllowDeleteSent => Report.Result.AllowDeleteSent;
        public bool TimedOut => Report.TimedOut;
        public FlowApiException? Error => Report.Error;
        public string? ServerMessage => Report.ServerMessage;
    }

    private static string[] Names(IEnumerable<FlowResource> records) => records.Select(r => r.StepName + " " + r.ResourceId).ToArray();

    [Fact]
    public async Task A_200_deprovisions_everything_confirms_with_a_status_read_and_reports_model_groups_retained()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Ok(WorkflowId)).OnStatus(Answer.Json(200, EmptyState(WorkflowId))));

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.False(outcome.TimedOut);
        Assert.Null(outcome.Error);
        Assert.Empty(outcome.Remaining);
        Assert.Equal(
            new[] { "create_index my-nlp-index", "create_ingest_pipeline nlp-ingest-pipeline", "deploy_model " + ModelId, "register_remote_model " + ModelId, "create_connector " + ConnectorId },
            Names(outcome.Deprovisioned));
        Assert.All(outcome.Deprovisioned, r => Assert.Equal(FlowResourceStatus.Deprovisioned, r.Status));
        var group = Assert.Single(outcome.Retained);
        Assert.Equal(("model_group_id", FlowResourceStatus.Retained), (group.ResourceType, group.Status));
        Assert.Contains("without deleting", group.Reason);
        Assert.Equal(new[] { "my-nlp-index", "nlp-ingest-pipeline" }, outcome.AllowDeleteSent);
        Assert.Equal(
            new[]
            {
                "POST https://search.example:9200/_plugins/_flow_framework/workflow/" + WorkflowId + "/_deprovision?allow_delete=my-nlp-index,nlp-ingest-pipeline",
                "GET https://search.example:9200/_plugins/_flow_framework/workflow/" + WorkflowId + "/_status?all=true",
            },
            run.Cluster.WorkflowRequests.Select(r => r.Method + " " + r.AbsoluteUri));
        Assert.Equal(
            new[] { FlowDeprovisionEventKind.AttemptStarting, FlowDeprovisionEventKind.AttemptFinished },
            run.Events.Select(e => e.Kind));
        Assert.Equal("Workflow " + WorkflowId + ": Deprovision attempt 1 of 10 (5 resources left, allow_delete my-nlp-index, nlp-ingest-pipeline).", run.Events[0].Message);
        Assert.StartsWith("Workflow " + WorkflowId + ": Attempt 1 answered HTTP 200 after ", run.Events[1].Message);
        Assert.EndsWith("; nothing left.", run.Events[1].Message);
    }

    [Fact]
    public async Task A_200_followed_by_404_on_the_confirming_read_is_success()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Ok(WorkflowId)).OnStatus(Answer.Error(404, "Fail to find workflow status of " + WorkflowId)));

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Null(outcome.Error);
        Assert.Equal(5, outcome.Deprovisioned.Count);
        Assert.Single(outcome.Retained);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("template was deleted"));
    }

    [Fact]
    public async Task A_200_whose_confirming_read_still_lists_resources_runs_again()
    {
        // Provisioning still in flight added a resource after the server's full deprovision.
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Resource("register_agent", "agent", "agent_id", "AGENT1"))), Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("provisioning may still be running"));
    }

    [Fact]
    public async Task A_202_then_200_retries_after_about_one_second()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector)), Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Empty(outcome.Remaining);
        Assert.Contains(outcome.Deprovisioned, r => r.ResourceId == ConnectorId);
        var delay = Assert.Single(run.Delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.Equal(new[] { TimeSpan.Zero, delay }, run.PostTimes);
        var retry = run.Events.Single(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled);
        Assert.Equal(1, retry.Remaining);
        Assert.Contains("before attempt 2: the server could not delete 1 resource yet", retry.Message);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.AttemptFinished && e.Message.Contains("HTTP 202") && e.Message.Contains("1 resource left: connector_id " + ConnectorId));
    }

    [Fact]
    public async Task A_202_forever_stops_at_max_attempts_with_failed_leftovers_and_useful_reasons()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, Failed202))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster, o =>
        {
            o.MaxAttempts = 4;
            o.StallTimeout = TimeSpan.FromHours(1);
        });

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.Equal(4, outcome.Attempts);
        Assert.Equal(4, run.Cluster.Deprovisions.Count);
        Assert.False(outcome.TimedOut);
        Assert.Null(outcome.Error);
        Assert.Equal(Failed202, outcome.ServerMessage);
        Assert.Equal(new[] { "create_connector " + ConnectorId, "register_remote_model " + ModelId }, Names(outcome.Remaining));
        Assert.All(outcome.Remaining, r => Assert.Equal((FlowResourceStatus.Failed, 4), (r.Status, r.Attempts)));
        Assert.Equal(
            "The server could not delete it in 4 attempts (HTTP 202: " + Failed202 + "). A model that is still deployed or still used by an agent or pipeline is the usual cause, or the user lacks ML Commons model undeploy/delete permission; check GET _plugins/_ml/models/" + ModelId + ", then deprovision again.",
            outcome.Remaining[1].Reason);
        Assert.Contains("no model uses it", outcome.Remaining[0].Reason);
        Assert.Equal(new[] { "create_index my-nlp-index", "create_ingest_pipeline nlp-ingest-pipeline", "deploy_model " + ModelId }, Names(outcome.Deprovisioned));
        Assert.Single(outcome.Retained);
        Assert.Equal(3, run.Delays.Count);
        var stopped = run.Events.Last();
        Assert.Equal(FlowDeprovisionEventKind.Stopped, stopped.Kind);
        Assert.Equal("Workflow " + WorkflowId + ": Stopped after 4 attempts: reached the limit of 4 attempts.", stopped.Message);
    }

    [Fact]
    public async Task The_delay_schedule_doubles_from_one_second_with_jitter_and_is_capped()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(202, Failed202)).OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster, o =>
        {
            o.MaxAttempts = 10;
            o.Timeout = TimeSpan.FromHours(1);
            o.StallTimeout = TimeSpan.FromHours(1);
        });

        var outcome = await run.Go();

        var nominal = new[] { 1, 2, 4, 8, 16, 30, 30, 30, 30 };
        Assert.Equal(nominal.Length, run.Delays.Count);
        for (var i = 0; i < nominal.Length; i++)
        {
            Assert.InRange(run.Delays[i].TotalSeconds, Math.Min(nominal[i] * 0.8, 30), Math.Min(nominal[i] * 1.2, 30));
        }

        Assert.Contains(run.Delays, d => d.TotalSeconds < 29.9 && d.TotalSeconds != Math.Round(d.TotalSeconds)); // jittered, not fixed
        // Between two attempts: the delay, plus at most a second the leftovers' existence reads wait to keep four reads a
        // second (three reads after each answer).
        Assert.Equal(TimeSpan.Zero, run.PostTimes[0]);
        for (var i = 0; i < run.Delays.Count; i++)
        {
            Assert.InRange(run.PostTimes[i + 1] - run.PostTimes[i] - run.Delays[i], TimeSpan.Zero, TimeSpan.FromMilliseconds(999));
        }

        Assert.Equal(10, outcome.Attempts);

        // The same seed gives the same schedule.
        var again = new Run(new FakeCluster().OnDeprovision(Answer.Error(202, Failed202)).OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model))), o =>
        {
            o.Timeout = TimeSpan.FromHours(1);
            o.StallTimeout = TimeSpan.FromHours(1);
        });
        await again.Go();
        Assert.Equal(run.Delays, again.Delays);
    }

    [Fact]
    public async Task No_attempt_starts_after_the_deadline_and_the_outcome_says_it_timed_out()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(202, Failed202)).OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster, o =>
        {
            o.Timeout = TimeSpan.FromSeconds(20);
            o.StallTimeout = TimeSpan.FromHours(1);
            o.MaxAttempts = 100;
        });

        var outcome = await run.Go();

        Assert.True(outcome.TimedOut);
        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.Equal(5, outcome.Attempts); // waits of about 1, 2, 4 and 8 s fit in 20 s; the one of about 16 s does not
        Assert.All(run.PostTimes, t => Assert.True(t < TimeSpan.FromSeconds(20)));
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(20));
        Assert.Contains("would start after the 20.0 s time limit", run.Events.Last().Message);
        Assert.All(outcome.Remaining, r => Assert.Equal(5, r.Attempts));
    }

    [Fact]
    public async Task The_same_leftovers_failing_for_the_stall_timeout_stops_the_run_early()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(202, Failed202)).OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster); // defaults: 10 attempts, 300 s, stall 60 s

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.False(outcome.TimedOut);
        Assert.InRange(outcome.Attempts, 6, 8);
        Assert.True(run.PostTimes[^1] >= TimeSpan.FromSeconds(60));
        Assert.True(run.PostTimes[^2] < TimeSpan.FromSeconds(60));
        Assert.Contains("the same 2 resources kept failing for", run.Events.Last().Message);
        Assert.Contains("waiting longer is not helping", run.Events.Last().Message);
    }

    [Fact]
    public async Task Progress_resets_the_stall_clock()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, Failed202), Answer.Error(202, Failed202), Answer.Error(202, Failed202), Answer.Error(202, Failed202), Answer.Error(202, Failed202), Answer.Error(202, Failed202),
                Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector, Model)),
                Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector, Model)),
                Answer.Json(200, State(WorkflowId, Connector)));
        var run = new Run(cluster, o => o.StallTimeout = TimeSpan.FromSeconds(40));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        var left = Assert.Single(outcome.Remaining);
        Assert.Equal(ConnectorId, left.ResourceId);
        Assert.True(outcome.Attempts >= 8, "the run went on after the model was deleted: " + outcome.Attempts);
    }

    [Fact]
    public async Task A_403_naming_only_allow_delete_resources_stops_at_once()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Error(403, NeedsIndexAndPipeline)).OnStatus(Answer.Json(200, State(WorkflowId, Pipeline, IndexEntry))));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.NeedsAllowDelete, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Null(outcome.Error);
        Assert.Empty(run.Delays);
        Assert.Single(run.Cluster.Deprovisions);
        Assert.Equal(NeedsIndexAndPipeline, outcome.ServerMessage);
        Assert.Equal(new[] { "create_ingest_pipeline nlp-ingest-pipeline", "create_index my-nlp-index" }, Names(outcome.Remaining));
        Assert.All(outcome.Remaining, r => Assert.Equal(FlowResourceStatus.NeedsAllowDelete, r.Status));
        Assert.Contains("allow 'nlp-ingest-pipeline' to delete it", outcome.Remaining[0].Reason);
        Assert.Contains("allow 'my-nlp-index' to delete it", outcome.Remaining[1].Reason);
        Assert.Equal(new[] { "deploy_model " + ModelId, "register_remote_model " + ModelId, "create_connector " + ConnectorId }, Names(outcome.Deprovisioned));
        Assert.Single(outcome.Retained);
        Assert.Empty(outcome.AllowDeleteSent);
    }

    [Fact]
    public async Task A_202_mixed_with_allow_delete_leftovers_retries_then_ends_needing_allow_delete()
    {
        var mixed = "Failed to deprovision some resources: [model_id " + ModelId + "]. " + NeedsIndexAndPipeline;
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, mixed), Answer.Error(403, NeedsIndexAndPipeline))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model, Pipeline, IndexEntry)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.NeedsAllowDelete, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(new[] { "create_ingest_pipeline nlp-ingest-pipeline", "create_index my-nlp-index" }, Names(outcome.Remaining));
        Assert.All(outcome.Remaining, r => Assert.Equal((FlowResourceStatus.NeedsAllowDelete, 2), (r.Status, r.Attempts)));
        Assert.Contains(outcome.Deprovisioned, r => r.StepName == "register_remote_model");
        var retry = run.Events.Single(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled);
        Assert.Equal(3, retry.Remaining);
        Assert.Contains("could not delete 1 resource yet", retry.Message);
    }

    [Fact]
    public async Task A_202_mixed_forever_reports_failed_and_allow_delete_leftovers_as_partial()
    {
        var mixed = "Failed to deprovision some resources: [model_id " + ModelId + "]. " + NeedsIndexAndPipeline;
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(202, mixed)).OnStatus(Answer.Json(200, State(WorkflowId, Model, Pipeline, IndexEntry)));
        var run = new Run(cluster, o => o.MaxAttempts = 2);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.Equal(
            new[] { ("register_remote_model", FlowResourceStatus.Failed), ("create_ingest_pipeline", FlowResourceStatus.NeedsAllowDelete), ("create_index", FlowResourceStatus.NeedsAllowDelete) },
            outcome.Remaining.Select(r => (r.StepName, r.Status)));
        Assert.Contains("in 2 attempts", outcome.Remaining[0].Reason);
        Assert.Contains("allow_delete", outcome.Remaining[1].Reason);
    }

    [Fact]
    public async Task Stale_status_entries_are_dropped_and_named_resources_missing_from_status_come_from_the_plan()
    {
        // The server writes the state after answering: the read still shows the deleted connector and not yet ... the model.
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [model_id " + ModelId + "]."))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector)));
        var run = new Run(cluster, o => o.MaxAttempts = 1);

        var outcome = await run.Go(new[] { "my-nlp-index", "nlp-ingest-pipeline" });

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.Equal(new[] { "deploy_model " + ModelId, "register_remote_model " + ModelId }, Names(outcome.Remaining));
        Assert.Contains(outcome.Deprovisioned, r => r.ResourceId == ConnectorId);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("1 entry the server did not name as failed"));
    }

    [Fact]
    public async Task When_the_status_read_fails_the_202_text_alone_gives_the_leftovers()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + ", agent_id AGENT1]."))
            .OnStatus(Answer.Json(503, ""));
        var run = new Run(cluster, o => o.MaxAttempts = 1);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Partial, outcome.Status);
        Assert.Equal(new[] { "create_connector " + ConnectorId, "register_agent AGENT1" }, Names(outcome.Remaining));
        Assert.Equal(("create_connector_1", "delete_agent"), (outcome.Remaining[0].StepId, outcome.Remaining[1].DeprovisionStep));
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("using the server's message instead"));
    }

    [Fact]
    public async Task A_429_with_retry_after_waits_as_long_as_the_server_asks_and_says_so()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(429, "Exceeded max simultaneous deprovisioning requests: 1", Answer.RetryAfterSeconds(5)), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(new[] { TimeSpan.FromSeconds(5) }, run.Delays);
        Assert.Equal(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(5) }, run.PostTimes);
        var retry = run.Events.Single(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled);
        Assert.Equal("Workflow " + WorkflowId + ": Waiting 5.0 s before attempt 2: the cluster is throttling requests (HTTP 429); it asked to retry after 5.0 s.", retry.Message);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.AttemptFinished && e.Message.Contains("Exceeded max simultaneous deprovisioning requests: 1"));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_deadline_stops_now()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(429, "Exceeded max simultaneous deprovisioning requests: 1", Answer.RetryAfterSeconds(600)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.True(outcome.TimedOut);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(FlowErrorKind.Throttled, outcome.Error!.Kind);
        Assert.Empty(run.Delays);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Unavailable_gateways_are_retried(int status)
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Json(status, ""), Answer.Ok(WorkflowId)).OnStatus(Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Single(run.Delays);
    }

    [Fact]
    public async Task Connection_resets_are_retried_and_in_the_end_fail_with_everything_still_there()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Throw(new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer"))));
        var run = new Run(cluster, o => o.MaxAttempts = 3);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
        Assert.False(outcome.TimedOut);
        Assert.Equal(FlowErrorKind.Unavailable, outcome.Error!.Kind);
        Assert.Equal(2, run.Delays.Count);
        Assert.Contains("is unavailable (no connection)", run.Events.First(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled).Message);
        Assert.Equal(6, outcome.Remaining.Count);
        Assert.Contains(outcome.Remaining, r => r.Status == FlowResourceStatus.NeedsAllowDelete);
        Assert.All(outcome.Remaining.Where(r => r.Status == FlowResourceStatus.Present), r => Assert.Contains("Connection reset by peer", r.Reason));
        Assert.Empty(outcome.Deprovisioned);
        Assert.Empty(outcome.Retained);
    }

    // server-behaviour.md §10: the server never cancels a deprovision the client gave up on; sending it again races it.
    [Fact]
    public async Task A_request_without_an_answer_is_not_sent_again_while_the_status_shows_the_server_at_work()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.")), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector)), Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(cluster.Deprovisions);
        Assert.Equal(3, cluster.StatusReads.Count);
        Assert.Empty(run.Delays);
        Assert.Contains(run.Events, e => e.Kind == FlowDeprovisionEventKind.Diagnostic && e.Message.Contains("instead of sending it again the status is watched"));
        Assert.Contains(run.Events, e => e.Message.Contains("the server finished the deprovision the request was waiting for"));
    }

    [Fact]
    public async Task A_request_without_an_answer_is_sent_again_only_once_the_status_has_not_changed_for_11_seconds()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Throw(new TaskCanceledException("no answer")), Answer.Ok(WorkflowId))
            .OnStatus(new[] { Answer.Json(200, State(WorkflowId, Connector, Model)) }
                .Concat(Enumerable.Repeat(Answer.Json(200, State(WorkflowId, Connector)), 13))
                .Append(Answer.Json(200, EmptyState(WorkflowId))).ToArray())
            .OnResource(Answer.Json(200, "{\"name\":\"c\"}"));
        var run = new Run(cluster);

        var outcome = await run.Go();

        var posts = run.PostTimes;
        Assert.Equal(2, posts.Count);
        var lastChange = cluster.StatusReads[1].At - run.Start;
        var settled = cluster.StatusReads.First(r => r.At - run.Start > lastChange + TimeSpan.FromSeconds(11)).At - run.Start;
        Assert.True(posts[1] > settled, $"sent again at {posts[1]}, the status settled at {settled}");
        Assert.Contains(run.Events, e => e.Message.Contains("The status has not changed for") && e.Message.Contains("1 resource"));
        Assert.Equal("GET https://search.example:9200/_plugins/_ml/connectors/" + ConnectorId, Assert.Single(cluster.ResourceReads).Method + " " + Assert.Single(cluster.ResourceReads).AbsoluteUri);
        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (outcome.Status, outcome.Attempts));
    }

    [Fact]
    public async Task The_deprovision_request_gets_the_servers_worst_case_time_at_least_the_connections()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), DeprovisionTimeout.For(0, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), DeprovisionTimeout.For(2, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(55.5), DeprovisionTimeout.For(5, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(11), DeprovisionTimeout.Quiet);

        // The demo plan: four steps the server runs (the model group's noop among them), two skipped for allow_delete.
        var clock = new SteppingClock();
        var started = new TaskCompletionSource();
        var cluster = new FakeCluster().OnPool(Answer.Pool(4)).OnDeprovision(Answer.Hang(started));
        using var client = Client(cluster, o => { o.TimeProvider = clock; o.RequestTimeout = TimeSpan.FromSeconds(30); });
        var deprovisioner = new FlowDeprovisioner(client, new FlowDeprovisionOptions { TimeProvider = clock });
        using var cts = new CancellationTokenSource();

        var run = deprovisioner.RunAsync(FlowDeprovisionPlan.Create(ParseState(DemoState), null), null, cts.Token);
        await started.Task;
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // The request's time limit; then, cancelled unanswered, its slot stays taken for that long (DeprovisionCapHoldTests).
        Assert.Equal(new[] { TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(4 * 11.1), TimeSpan.FromSeconds(4 * 11.1) }, clock.TimersCreated);
    }

    // server-behaviour.md §4 step 5: a state entry whose step the server cannot deprovision throws on the worker thread and
    // the REST call is never answered (with multi-tenancy the tenant's slot is not released either). Sending it again
    // only hangs again, so an unanswered deprovision of such a plan is not retried.
    [Fact]
    public async Task An_unanswered_deprovision_of_a_plan_with_an_unknown_step_is_not_retried()
    {
        var state = State(WorkflowId, Connector, Resource("my_custom_step", "custom_1", "custom_id", "abc"));
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Throw(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.")));
        var run = new Run(cluster);

        var outcome = await run.Go(state: state);

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(cluster.Deprovisions);
        Assert.Empty(run.Delays);
        var stop = Assert.Single(run.Events, e => e.Kind == FlowDeprovisionEventKind.Stopped);
        Assert.Contains("my_custom_step", stop.Message);
        Assert.Contains(outcome.Remaining, r => r.StepName == "my_custom_step" && r.Reason!.Contains("unknown"));
    }

    [Fact]
    public async Task The_tenant_cap_429_without_retry_after_is_retried_after_the_backoff()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(429, "Exceeded max simultaneous deprovisioning requests: 1"), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        var delay = Assert.Single(run.Delays);
        Assert.InRange(delay, TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1200));
    }

    [Fact]
    public async Task A_401_stops_at_once_as_failed()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Json(401, "Unauthorized")));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(FlowErrorKind.Authentication, outcome.Error!.Kind);
        Assert.Empty(run.Delays);
        Assert.DoesNotContain(run.Events, e => e.Kind == FlowDeprovisionEventKind.RetryScheduled);
    }

    [Fact]
    public async Task A_403_failed_to_get_workflow_stops_as_failed_with_the_server_text()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Error(403, "Failed to get workflow.")));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(FlowErrorKind.Forbidden, outcome.Error!.Kind);
        Assert.Equal("Failed to get workflow.", outcome.ServerMessage);
        Assert.Single(run.Cluster.WorkflowRequests);
    }

    [Theory]
    [InlineData(400, FlowErrorKind.BadRequest)]
    [InlineData(500, FlowErrorKind.ServerError)]
    public async Task Bad_requests_and_server_errors_stop_as_failed(int status, FlowErrorKind kind)
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Error(status, "Unable to find deprovision step for step: my_custom_step")));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(kind, outcome.Error!.Kind);
        Assert.Equal(1, outcome.Attempts);
    }

    // server-behaviour.md §1 "State reset fails after full success: cause's status, Failed to reset workflow state", and
    // §8 issue #691: every resource is already deleted, and the server's remedy is to run deprovision again.
    [Theory]
    [InlineData(500)]
    [InlineData(409)]
    public async Task A_failed_state_reset_after_full_success_runs_deprovision_again(int status)
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(status, "Failed to reset workflow state"), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, EmptyState(WorkflowId)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Deprovisioned, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Empty(outcome.Remaining);
        Assert.Null(outcome.Error);
        var retry = Assert.Single(run.Events, e => e.Kind == FlowDeprovisionEventKind.RetryScheduled);
        Assert.Contains("could not reset the workflow state", retry.Message);
        Assert.Contains("HTTP " + status, retry.Message);
    }

    [Fact]
    public async Task A_401_after_a_202_is_still_failed_and_keeps_the_known_leftovers()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, Failed202), Answer.Json(401, "Unauthorized"))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster);

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.Failed, outcome.Status);
        Assert.Equal(FlowErrorKind.Authentication, outcome.Error!.Kind);
        Assert.Equal(2, outcome.Remaining.Count);
        Assert.All(outcome.Remaining, r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public async Task A_404_is_not_found()
    {
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Error(404, "Failed to get workflow state for workflow " + WorkflowId)));

        var outcome = await run.Go();

        Assert.Equal(FlowDeprovisionStatus.NotFound, outcome.Status);
        Assert.Equal(FlowErrorKind.NotFound, outcome.Error!.Kind);
        Assert.Equal("Failed to get workflow state for workflow " + WorkflowId, outcome.ServerMessage);
        Assert.Empty(outcome.Remaining);
        Assert.Empty(outcome.Deprovisioned);
    }

    [Fact]
    public async Task Cancelling_during_a_delay_stops_within_a_second()
    {
        var cluster = new FakeCluster().OnDeprovision(Answer.Error(202, Failed202)).OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)));
        var run = new Run(cluster);
        using var cts = new CancellationTokenSource();
        var plan = FlowDeprovisionPlan.Create(ParseState(DemoState), null);

        var task = run.Deprovisioner.RunAsync(plan, run.Events.Add, cts.Token);
        await run.Clock.WaitForTimer();
        var watch = Stopwatch.StartNew();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(watch.Elapsed < StopContract.Limit + StopContract.LoadedMachineMargin, watch.Elapsed.ToString());
        Assert.Single(run.Cluster.Deprovisions);
    }

    [Fact]
    public async Task Cancelling_during_a_request_stops_within_a_second()
    {
        var started = new TaskCompletionSource();
        var run = new Run(new FakeCluster().OnDeprovision(Answer.Hang(started)));
        using var cts = new CancellationTokenSource();
        var plan = FlowDeprovisionPlan.Create(ParseState(DemoState), null);

        var task = run.Deprovisioner.RunAsync(plan, run.Events.Add, cts.Token);
        await started.Task;
        var watch = Stopwatch.StartNew();
        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.IsNotType<FlowApiException>(ex);
        Assert.True(watch.Elapsed < StopContract.Limit + StopContract.LoadedMachineMargin, watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Prepare_reads_the_full_status_and_plans_with_the_allow_delete_patterns_expanded()
    {
        var cluster = new FakeCluster().OnStatus(Answer.Json(200, DemoState));
        var run = new Run(cluster);

        var prepared = await run.Deprovisioner.PrepareAsync(WorkflowId, new[] { "my-*", "absent" }, run.Events.Add, CancellationToken.None);

        Assert.Null(prepared.Failure);
        var plan = prepared.Plan!;
        Assert.EndsWith("/_status?all=true", Assert.Single(cluster.Requests).AbsoluteUri);
        Assert.Equal(6, plan.Steps.Count);
        Assert.Equal(("delete_index", FlowPlannedAction.Delete), (plan.Steps[0].Resource.DeprovisionStep, plan.Steps[0].Action));
        Assert.Equal(new[] { "my-nlp-index" }, plan.AllowDelete);
        Assert.Equal(new[] { "absent" }, plan.UnmatchedPatterns);
    }

    [Theory]
    [InlineData(404, "Fail to find workflow status of " + WorkflowId, FlowDeprovisionStatus.NotFound, FlowErrorKind.NotFound)]
    [InlineData(403, "Failed to get workflow status.", FlowDeprovisionStatus.Failed, FlowErrorKind.Forbidden)]
    public async Task Prepare_gives_a_report_instead_of_a_plan_when_the_status_cannot_be_read(int status, string message, FlowDeprovisionStatus expected, FlowErrorKind kind)
    {
        var run = new Run(new FakeCluster().OnStatus(Answer.Error(status, message)));

        var prepared = await run.Deprovisioner.PrepareAsync(WorkflowId, null, run.Events.Add, CancellationToken.None);

        Assert.Null(prepared.Plan);
        var report = prepared.Failure!;
        Assert.Equal((WorkflowId, expected, 0), (report.Result.WorkflowId, report.Result.Status, report.Result.Attempts));
        Assert.Equal(kind, report.Error!.Kind);
        Assert.Equal(message, report.ServerMessage);
        Assert.Empty(report.Result.Remaining);
    }

    [Fact]
    public async Task An_invalid_id_in_the_plan_is_refused_without_a_request()
    {
        var run = new Run(new FakeCluster());
        var plan = FlowDeprovisionPlan.Create(new FlowWorkflowStatus(" ", null, null, null, null, null, null, null, null), null);

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => run.Deprovisioner.RunAsync(plan, null, CancellationToken.None));

        Assert.Equal(FlowErrorKind.InvalidWorkflowId, ex.Kind);
        Assert.Empty(run.Cluster.Requests);
    }

    [Fact]
    public async Task No_event_record_or_outcome_shows_the_password()
    {
        const string password = "Sup3r-s3cret!";
        var secure = new SecureString();
        foreach (var c in password)
        {
            secure.AppendChar(c);
        }

        var records = new List<FlowRequestRecord>();
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, Failed202), Answer.Json(401, "Unauthorized"))
            .OnStatus(Answer.Json(503, ""));
        var run = new Run(cluster, null, o =>
        {
            o.Credential = new NetworkCredential("admin", secure);
            o.RequestObserver = records.Add;
        });

        var outcome = await run.Go();

        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + password));
        Assert.All(cluster.Requests, r => Assert.Equal("Basic " + basic, r.Authorization));
        var shown = run.Log + string.Join("\n", records) + outcome.Error + outcome.ServerMessage
            + string.Join("\n", outcome.Remaining.Select(r => r.Reason));
        Assert.DoesNotContain(password, shown);
        Assert.DoesNotContain(basic, shown);
    }
}
