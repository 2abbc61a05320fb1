using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>
/// After a 202 the run watches what blocks the leftovers and sends again as soon as it is gone (on the fake clock):
/// the requests it sends, when, and what Verbose says.
/// </summary>
public class DependencyWaitTests
{
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";
    private const string ConnectorId = "NdjCQYwBLmvn802B0IwE";
    private const string ModelAndConnector = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
    private const string ModelOnly = "Failed to deprovision some resources: [model_id " + ModelId + "].";

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> ModelIn(string state) =>
        Answer.Json(200, "{\"name\":\"m\",\"algorithm\":\"REMOTE\",\"model_state\":\"" + state + "\",\"connector_id\":\"" + ConnectorId + "\"}");

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hits(params string[] ids) =>
        Answer.SearchHits(".plugins-ml-model", "{\"model_state\":\"UNDEPLOYED\"}", ids);

    private sealed record Outcome(FlowDeprovisionReport Report, FakeCluster Cluster, List<FlowDeprovisionEvent> Events, DateTimeOffset Start, FlowDeprovisionOptions Options)
    {
        public List<SeenRequest> ModelReads => Cluster.ResourceReads.Where(r => r.AbsoluteUri.Contains("/_plugins/_ml/models/")).ToList();

        public List<TimeSpan> Delays => Events.Where(e => e.Kind == FlowDeprovisionEventKind.RetryScheduled).Select(e => e.Delay!.Value).ToList();

        public string Log => string.Join("\n", Events.Select(e => e.Kind + ": " + e.Message));

        public static List<TimeSpan> Gaps(IEnumerable<SeenRequest> reads) => reads.Zip(reads.Skip(1), (a, b) => b.At - a.At).ToList();
    }

    private static async Task<Outcome> Run(FakeCluster cluster, string state, Action<FlowDeprovisionOptions>? configure = null)
    {
        var (report, events, start, options) = await SteppedRun.DeprovisionAsync(cluster, state, configure);
        return new Outcome(report, cluster, events, start, options);
    }

    [Fact]
    public async Task A_model_still_deployed_is_watched_and_the_request_goes_again_at_the_read_that_shows_it_undeployed()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelAndConnector), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            // The existence reads (connector, then model), then the watch's reads of the model.
            .OnResource(Answer.Json(200, "{\"name\":\"c\"}"), ModelIn("DEPLOYED"), ModelIn("DEPLOYED"), ModelIn("DEPLOYED"), ModelIn("UNDEPLOYED"))
            // The connector's only user is the workflow's own model, which goes first in the same request.
            .OnModelSearch(Hits(ModelId));

        var run = await Run(cluster, State(WorkflowId, Connector, Model));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        // 250 ms, then the 313 ms interval is stretched to 750 ms: the existence reads (connector, model) and the model
        // search at 0 s count towards the four reads a second.
        Assert.Equal(new[] { 250, 750, 391 }, Outcome.Gaps(run.ModelReads).Select(g => (int)g.TotalMilliseconds));
        Assert.Equal(run.ModelReads[^1].At, cluster.Deprovisions[1].At);
        Assert.Empty(run.Delays); // no blind wait
        var search = Assert.Single(cluster.ModelSearches);
        Assert.Equal("POST https://search.example:9200/_plugins/_ml/models/_search", search.Method + " " + search.AbsoluteUri);
        Assert.Contains("Workflow " + WorkflowId + ": Waiting for model " + ModelId + " to leave DEPLOYED before attempt 2: reading again in 0.3 s, and sending as soon as it clears.", run.Log);
        Assert.Contains("Workflow " + WorkflowId + ": model " + ModelId + " is UNDEPLOYED after 1.4 s of watching: sending attempt 2 now.", run.Log);
    }

    [Fact]
    public async Task A_lag_that_ended_while_the_answer_came_sends_again_at_once_and_says_why()
    {
        // A loaded machine: the 202 took as long as the undeploy lag, so the first reads already show the model gone
        // from DEPLOYED and the connector used only by it.
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelAndConnector), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Json(200, "{\"name\":\"c\"}"), ModelIn("UNDEPLOYED"))
            .OnModelSearch(Hits(ModelId));

        var run = await Run(cluster, State(WorkflowId, Connector, Model));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.Empty(run.Delays);
        Assert.Contains("Diagnostic: Workflow " + WorkflowId + ": connector " + ConnectorId + " is used only by this workflow's models, which go before it; model " + ModelId + " is UNDEPLOYED: nothing to wait for, sending attempt 2 now.", run.Log);
        Assert.DoesNotContain("Waiting", run.Log);
    }

    [Fact]
    public async Task A_connector_still_used_by_a_deleted_model_is_watched_through_the_model_search_until_it_is_free()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Json(200, "{\"name\":\"c\"}"))
            .OnModelSearch(Hits("GONE0bowB8y25Tqfenm5"), Hits("GONE0bowB8y25Tqfenm5"), Hits());

        var run = await Run(cluster, State(WorkflowId, Connector));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.Equal(new[] { 250, 313 }, Outcome.Gaps(cluster.ModelSearches).Select(g => (int)g.TotalMilliseconds));
        Assert.Equal(cluster.ModelSearches[^1].At, cluster.Deprovisions[1].At);
        Assert.Contains("Waiting for connector " + ConnectorId + " to be free of model GONE0bowB8y25Tqfenm5", run.Log);
        Assert.Contains("no model uses connector " + ConnectorId + " after 0.6 s of watching", run.Log);
    }

    [Fact]
    public async Task A_denied_read_falls_back_to_the_delay_schedule()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Error(403, "no permissions for [cluster:admin/opensearch/ml/models/get]"));

        var run = await Run(cluster, State(WorkflowId, Model));

        var backoff = new RetryDelay(run.Options).After(1);
        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.Equal(new[] { backoff }, run.Delays);
        Assert.Equal(backoff, cluster.Deprovisions[1].At - cluster.Deprovisions[0].At);
        Assert.Single(cluster.ResourceReads); // the existence check; nothing to watch
        Assert.Contains("dependencies usually need a moment to go away. What blocks model_id " + ModelId + " cannot be read (HTTP 403).", run.Log);
    }

    [Fact]
    public async Task A_model_search_answer_that_is_not_a_search_result_falls_back_to_the_delay_schedule()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Json(200, "{\"name\":\"c\"}"))
            .OnModelSearch(Answer.Json(200, "{\"acknowledged\":true}"));

        var run = await Run(cluster, State(WorkflowId, Connector));

        var backoff = new RetryDelay(run.Options).After(1);
        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.Equal(new[] { backoff }, run.Delays);
        Assert.Single(cluster.ModelSearches); // nothing to watch
        Assert.Contains("What blocks connector_id " + ConnectorId + " cannot be read (an answer that is not a search result).", run.Log);
    }

    [Fact]
    public async Task A_throttled_read_keeps_the_model_blocked_and_the_next_read_waits_for_its_retry_after()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(ModelIn("DEPLOYED"), Answer.Error(429, "Too many requests", Answer.RetryAfterSeconds(3)), ModelIn("UNDEPLOYED"));

        var run = await Run(cluster, State(WorkflowId, Model));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3) }, Outcome.Gaps(run.ModelReads));
        Assert.Equal(run.ModelReads[^1].At, cluster.Deprovisions[1].At);
    }

    [Fact]
    public async Task The_watch_stops_at_the_time_limit_without_sending_again()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)))
            .OnResource(ModelIn("DEPLOYED"));

        var run = await Run(cluster, State(WorkflowId, Model), o => o.Timeout = TimeSpan.FromSeconds(3));

        Assert.Equal((FlowDeprovisionStatus.Partial, 1), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.True(run.Report.TimedOut);
        Assert.True(run.ModelReads[^1].At - run.Start <= TimeSpan.FromSeconds(3));
        Assert.EndsWith("the next read of what the leftovers wait for (in 0.5 s) would come after the 3.0 s time limit.", run.Events[^1].Message);
    }

    [Fact]
    public async Task A_blocker_that_never_clears_is_read_at_most_four_times_a_second_until_the_stall_time()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)))
            .OnResource(ModelIn("DEPLOYED"));

        var run = await Run(cluster, State(WorkflowId, Model));

        Assert.Equal((FlowDeprovisionStatus.Partial, 1), (run.Report.Result.Status, run.Report.Result.Attempts));
        Assert.All(Outcome.Gaps(run.ModelReads), gap => Assert.InRange(gap, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)));
        Assert.InRange(run.ModelReads[^1].At - run.Start, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60.5));
        Assert.Contains("kept failing for 60", run.Events[^1].Message);
        var failed = Assert.Single(run.Report.Result.Remaining);
        Assert.Equal(FlowResourceStatus.Failed, failed.Status);
    }

    [Fact]
    public async Task A_read_that_shows_nothing_in_the_way_sends_at_once_but_only_once_then_the_delay_schedule_takes_over()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly), Answer.Error(202, ModelOnly), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            // A permission the read cannot see: UNDEPLOYED, still refused, and no agent or pipeline uses it.
            .OnResource(ModelIn("UNDEPLOYED"))
            .On("agent-search", Answer.Json(200, "{\"hits\":{\"total\":{\"value\":0,\"relation\":\"eq\"},\"hits\":[]}}"))
            .On("pipelines", Answer.Json(404, "{}"));

        var run = await Run(cluster, State(WorkflowId, Model));

        var posts = cluster.Deprovisions.Select(r => r.At - run.Start).ToList();
        var backoff = new RetryDelay(run.Options).After(2);
        Assert.Equal(new[] { TimeSpan.Zero, TimeSpan.Zero, backoff }, posts);
        // The agent search and the two pipeline lists after the second answer: the fifth read in the same instant waits
        // a second (four reads a second), which the retry delay counts.
        Assert.Equal(new[] { backoff - TimeSpan.FromSeconds(1) }, run.Delays);
        Assert.Contains("Model " + ModelId + " is UNDEPLOYED, yet the server failed on it again, so the reads do not explain it.", run.Log);
        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 3), (run.Report.Result.Status, run.Report.Result.Attempts));
    }
}
