using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>
/// ML Commons' safe delete: a model the server refuses although it is not deployed is read for the agents and pipelines
/// using it. The workflow's own pipeline that may not be deleted stops the run at once; anything else is watched until it
/// is gone. Also: every resource read of a workflow keeps the reads-per-second bound.
/// </summary>
public class ModelUsersWaitTests
{
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";
    private const string ModelOnly = "Failed to deprovision some resources: [model_id " + ModelId + "].";
    private const string ModelAndPipeline = ModelOnly + " These resources require the allow_delete parameter to deprovision: [pipeline_id nlp-ingest-pipeline].";
    private const string AgentId = "AGT0bowB8y25Tqfenm50";

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Undeployed =
        Answer.Json(200, "{\"name\":\"m\",\"algorithm\":\"REMOTE\",\"model_state\":\"UNDEPLOYED\"}");

    private const string ConnectorAndModel = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id NdjCQYwBLmvn802B0IwE].";

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> AgentHits(params string[] ids) => Answer.SearchHits(".plugins-ml-agent", null, ids);

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> ModelHits(params string[] ids) =>
        Answer.SearchHits(".plugins-ml-model", "{\"model_state\":\"UNDEPLOYED\"}", ids);

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> PipelinesUsing(string pipelineId, string modelId) =>
        Answer.Json(200, "{\"" + pipelineId + "\":{\"processors\":[{\"text_embedding\":{\"model_id\":\"" + modelId + "\",\"field_map\":{\"t\":\"e\"}}}]}}");

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> NoPipelines = Answer.Json(404, "{}");

    private static FlowResource Res(string state, FlowResourceStatus status) => ParseState(State(WorkflowId, state)).Resources[0].With(status);

    private static ModelUsers Users(params ModelUser[] users) => new ModelUsers(users);

    private static readonly BlockerReading Unexplained = new BlockerReading(Res(Model, FlowResourceStatus.Failed).Key(), BlockerState.Unknown, "unexplained");

    [Fact]
    public void The_workflows_own_pipeline_that_may_not_be_deleted_can_never_clear()
    {
        var model = Res(Model, FlowResourceStatus.Failed);
        var leftovers = new[] { model, Res(Pipeline, FlowResourceStatus.NeedsAllowDelete) };

        var reading = BlockerClassifier.ClassifyModelUsers(model, leftovers, Users(new ModelUser(ModelUserKind.IngestPipeline, "nlp-ingest-pipeline"), new ModelUser(ModelUserKind.Agent, AgentId)), Unexplained);

        Assert.Equal(BlockerState.Stuck, reading.State);
        Assert.Equal(new[] { "nlp-ingest-pipeline" }, reading.ModelUsers.Select(u => u.Id));
        Assert.Equal("model " + ModelId + " is used by this workflow's ingest pipeline nlp-ingest-pipeline, which the server deletes only when its id is in allow_delete", reading.Subject);
        var stop = BlockerWatch.Decide(new WatchState(new[] { reading }, 1, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromMinutes(5)));
        Assert.Equal((WatchAction.Stop, StopReason.UsedByDisallowed), (stop.Action, stop.Stop!.Reason));
    }

    [Fact]
    public void Agents_and_pipelines_outside_the_workflow_are_awaited_and_own_failed_ones_go_first()
    {
        var model = Res(Model, FlowResourceStatus.Failed);
        var agent = new ModelUser(ModelUserKind.Agent, AgentId);
        var outside = new ModelUser(ModelUserKind.SearchPipeline, "someone-elses");

        var blocked = BlockerClassifier.ClassifyModelUsers(model, new[] { model }, Users(agent, outside), Unexplained);
        Assert.Equal(BlockerState.Blocked, blocked.State);
        Assert.Equal("agent " + AgentId + " and search pipeline someone-elses to stop using model " + ModelId, blocked.Subject);

        // The workflow's own allowed pipeline is still a Failed leftover: the next request deletes it before the model.
        var own = BlockerClassifier.ClassifyModelUsers(model, new[] { model, Res(Pipeline, FlowResourceStatus.Failed) },
            Users(new ModelUser(ModelUserKind.IngestPipeline, "nlp-ingest-pipeline")), Unexplained);
        Assert.Equal(BlockerState.Clear, own.State);

        Assert.Same(Unexplained, BlockerClassifier.ClassifyModelUsers(model, new[] { model }, Users(), Unexplained));
        var unreadable = BlockerClassifier.ClassifyModelUsers(model, new[] { model }, new ModelUsers(null, "HTTP 403"), Unexplained);
        Assert.Equal(BlockerState.Unknown, unreadable.State);
        Assert.Contains("what uses it cannot be read (HTTP 403)", unreadable.Subject);
    }

    [Fact]
    public void Pipelines_name_a_model_under_a_model_id_key_only_as_ml_commons_searches_them()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(
            "{\"a\":{\"processors\":[{\"text_embedding\":{\"model_id\":\"M\"}}]},\"b\":{\"description\":\"M\",\"processors\":[{\"set\":{\"value\":\"M\"}}]},\"c\":{\"x\":{\"model_id\":[\"M\"]}}}");
        Assert.Equal(new[] { "a", "c" }, ModelUsers.PipelinesNaming(doc.RootElement, "M"));
    }

    [Fact]
    public void The_pacer_lets_a_read_go_once_the_read_n_places_back_is_a_second_old()
    {
        var ms = (int n) => TimeSpan.FromMilliseconds(n);
        Assert.Equal(TimeSpan.Zero, ReadPacer.WaitBefore(new[] { ms(0), ms(0), ms(0) }, ms(0), 4));
        Assert.Equal(ms(1000), ReadPacer.WaitBefore(new[] { ms(0), ms(0), ms(0), ms(0) }, ms(0), 4));
        Assert.Equal(ms(700), ReadPacer.WaitBefore(new[] { ms(0), ms(300), ms(300), ms(300), ms(300) }, ms(600), 4));
        Assert.Equal(TimeSpan.Zero, ReadPacer.WaitBefore(new[] { ms(0), ms(100), ms(200), ms(300) }, ms(1000), 4));
    }

    private static async Task<(FlowDeprovisionReport Report, FakeCluster Cluster, List<FlowDeprovisionEvent> Events, DateTimeOffset Start)> Run(FakeCluster cluster, string state, Action<FlowDeprovisionOptions>? configure = null)
    {
        var (report, events, start, _) = await SteppedRun.DeprovisionAsync(cluster, state, configure);
        return (report, cluster, events, start);
    }

    [Fact]
    public async Task A_model_its_own_disallowed_pipeline_uses_stops_the_run_at_once_with_a_reason_naming_the_pipeline()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelAndPipeline))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model, Pipeline)))
            .OnResource(Undeployed)
            .OnAgentSearch(AgentHits())
            .OnPipelines(PipelinesUsing("nlp-ingest-pipeline", ModelId), NoPipelines);

        var (report, _, events, start) = await Run(cluster, State(WorkflowId, Model, Pipeline));

        // Attempt 1: the model read clear, so the request went again at once; attempt 2 failed on it again, and the
        // users read shows the pipeline that may not go: no waiting for the stall time.
        Assert.Equal((FlowDeprovisionStatus.Partial, 2), (report.Result.Status, report.Result.Attempts));
        Assert.True(cluster.Requests.Last().At - start < TimeSpan.FromSeconds(2));
        Assert.Equal(new[] { "nlp-ingest-pipeline" }, report.AllowDeleteNeeded);
        var model = Assert.Single(report.Result.Remaining, r => r.Status == FlowResourceStatus.Failed);
        Assert.Contains("It is used by this workflow's ingest pipeline nlp-ingest-pipeline", model.Reason);
        Assert.Contains("allow 'nlp-ingest-pipeline' and the model goes after it.", model.Reason);
        Assert.EndsWith("model " + ModelId + " is used by this workflow's ingest pipeline nlp-ingest-pipeline, which the server deletes only when its id is in allow_delete, so waiting cannot help.", events[^1].Message);
        Assert.Equal("POST https://search.example:9200/_plugins/_ml/agents/_search", cluster.To("agent-search").Single() is var s ? s.Method + " " + s.AbsoluteUri : null);
        Assert.Contains("\"tools.parameters.model_id\":\"" + ModelId + "\"", cluster.To("agent-search").Single().Body);
        Assert.Equal(new[] { "https://search.example:9200/_ingest/pipeline", "https://search.example:9200/_search/pipeline" }, cluster.To("pipelines").Select(r => r.AbsoluteUri));
    }

    [Fact]
    public async Task An_agent_outside_the_workflow_is_watched_with_the_agent_search_and_the_request_goes_again_when_it_is_gone()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ModelOnly), Answer.Error(202, ModelOnly), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, State(WorkflowId, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Undeployed)
            // The first search finds the agent; the watch's re-reads: still there (the agent index has not refreshed
            // after its delete, so safe delete still counts it), then gone.
            .OnAgentSearch(AgentHits(AgentId), AgentHits(AgentId), AgentHits())
            .OnPipelines(NoPipelines);

        var (report, _, events, _) = await Run(cluster, State(WorkflowId, Model));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 3), (report.Result.Status, report.Result.Attempts));
        var searches = cluster.To("agent-search");
        Assert.Equal(3, searches.Count);
        Assert.All(searches, s => Assert.Contains("\"tools.parameters.model_id\":\"" + ModelId + "\"", s.Body));
        Assert.DoesNotContain(cluster.ResourceReads, r => r.AbsoluteUri.Contains("/_plugins/_ml/agents/" + AgentId));
        Assert.Equal(searches[^1].At, cluster.Deprovisions[2].At);
        var log = string.Join("\n", events.Select(e => e.Message));
        Assert.Contains("Waiting for agent " + AgentId + " to stop using model " + ModelId + " before attempt 3", log);
        Assert.Contains("nothing uses model " + ModelId + " any more after", log);
    }

    [Fact]
    public async Task A_connector_that_failed_because_its_own_model_was_refused_waits_with_the_model_not_with_the_backoff()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, ConnectorAndModel), Answer.Error(202, ConnectorAndModel), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, State(WorkflowId, Connector, Model)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Undeployed)
            .OnModelSearch(ModelHits(ModelId))
            .OnAgentSearch(AgentHits(AgentId), AgentHits())
            .OnPipelines(NoPipelines);

        var (report, _, events, _) = await Run(cluster, State(WorkflowId, Connector, Model), o => o.BaseDelay = TimeSpan.FromSeconds(20));

        // The connector read clear (its only user is the workflow's own model) and failed again: the model explains it.
        // So the request goes as soon as the agent search comes back empty, not after the 20 s delay schedule.
        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 3), (report.Result.Status, report.Result.Attempts));
        Assert.Equal(cluster.To("agent-search")[^1].At, cluster.Deprovisions[2].At);
        Assert.True(cluster.Deprovisions[2].At - cluster.Deprovisions[1].At < TimeSpan.FromSeconds(5), (cluster.Deprovisions[2].At - cluster.Deprovisions[1].At).ToString());
        Assert.DoesNotContain(events, e => e.Message.Contains("do not explain it"));
    }

    [Fact]
    public async Task A_workflow_with_ten_blocked_leftovers_never_sends_more_than_four_reads_in_any_second()
    {
        var models = Enumerable.Range(0, 10).Select(i => Resource("register_remote_model", "m" + i, "model_id", "MODEL" + i + "bowB8y25Tqfenm5")).ToArray();
        var message = "Failed to deprovision some resources: [" + string.Join(", ", Enumerable.Range(0, 10).Select(i => "model_id MODEL" + i + "bowB8y25Tqfenm5")) + "].";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, message))
            .OnStatus(Answer.Json(200, State(WorkflowId, models)))
            .OnResource(Answer.Json(200, "{\"name\":\"m\",\"algorithm\":\"REMOTE\",\"model_state\":\"DEPLOYED\"}"));

        var (report, _, _, start) = await Run(cluster, State(WorkflowId, models), o => o.Timeout = TimeSpan.FromSeconds(8));

        Assert.Equal(FlowDeprovisionStatus.Partial, report.Result.Status);
        var reads = cluster.ResourceReads.Select(r => r.At).OrderBy(t => t).ToList();
        Assert.True(reads.Count >= 20, "reads: " + reads.Count);
        for (var i = 0; i + 4 < reads.Count; i++)
        {
            Assert.True(reads[i + 4] - reads[i] >= TimeSpan.FromSeconds(1), $"reads {i}..{i + 4} within {(reads[i + 4] - reads[i]).TotalMilliseconds} ms");
        }

        // The existence checks and the first round are paced too: the first ten reads take at least two seconds.
        Assert.True(reads[9] - start >= TimeSpan.FromSeconds(2));
    }
}
