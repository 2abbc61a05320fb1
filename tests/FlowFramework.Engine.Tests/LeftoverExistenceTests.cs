using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>
/// server-behaviour.md §10: a resource deleted outside the workflow fails its step at every deprovision, and a model
/// deployed asynchronously cannot be deleted while it is DEPLOYING. Before a Failed leftover is reported, it is read.
/// </summary>
public class LeftoverExistenceTests
{
    private const string ConnectorId = "NdjCQYwBLmvn802B0IwE";
    private const string ModelId = "N9jCQYwBLmvn802B0oyh";

    private static async Task<(FlowDeprovisionReport Report, FakeCluster Cluster, List<FlowDeprovisionEvent> Events)> Run(FakeCluster cluster, string state, params string[] allowDelete)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        var events = new List<FlowDeprovisionEvent>();
        var deprovisioner = new FlowDeprovisioner(Client(cluster), new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7 });
        var report = await clock.Drive(deprovisioner.RunAsync(FlowDeprovisionPlan.Create(ParseState(state), allowDelete), events.Add, CancellationToken.None));
        return (report, cluster, events);
    }

    [Fact]
    public async Task A_failed_index_that_is_gone_is_Missing_with_the_way_out_and_the_retries_stop()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [index_name my-nlp-index]."))
            .OnStatus(Answer.Json(200, State(WorkflowId, IndexEntry)))
            .OnResource(Answer.Json(404, ""));

        var (report, seen, events) = await Run(cluster, State(WorkflowId, IndexEntry), "my-nlp-index");

        Assert.Equal(FlowDeprovisionStatus.Partial, report.Result.Status);
        Assert.Equal(1, report.Result.Attempts);
        var left = Assert.Single(report.Result.Remaining);
        Assert.Equal((FlowResourceStatus.Missing, "my-nlp-index", 1), (left.Status, left.ResourceId, left.Attempts));
        Assert.Contains("HEAD /my-nlp-index answered 404", left.Reason);
        Assert.Contains("DELETE _plugins/_flow_framework/workflow/" + WorkflowId + "?clear_status=true", left.Reason);
        Assert.Equal("HEAD https://search.example:9200/my-nlp-index", Assert.Single(seen.ResourceReads).Method + " " + seen.ResourceReads[0].AbsoluteUri);
        Assert.Contains("only resources that no longer exist or need allow_delete are left", events.Last().Message);
    }

    [Fact]
    public async Task A_denied_read_leaves_the_leftover_Failed_and_the_retries_go_on()
    {
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, "Failed to deprovision some resources: [connector_id " + ConnectorId + "]."), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector)), Answer.Json(200, EmptyState(WorkflowId)))
            .OnResource(Answer.Error(403, "no permissions for [cluster:admin/opensearch/ml/connectors/get]"));

        var (report, seen, _) = await Run(cluster, State(WorkflowId, Connector));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (report.Result.Status, report.Result.Attempts));
        Assert.EndsWith("/_plugins/_ml/connectors/" + ConnectorId, Assert.Single(seen.ResourceReads).AbsoluteUri);
    }

    [Fact]
    public async Task Missing_and_failed_leftovers_keep_the_run_going_for_the_failed_one_and_report_both()
    {
        var both = "Failed to deprovision some resources: [model_id " + ModelId + ", connector_id " + ConnectorId + "].";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, both))
            .OnStatus(Answer.Json(200, State(WorkflowId, Connector, Model)))
            // The connector is read first (stored order) and is gone; the model is there and DEPLOYED, every time it is read.
            .OnResource(Answer.Json(404, "{\"error\":{\"reason\":\"Failed to find connector\"},\"status\":404}"), Answer.Json(200, "{\"model_state\":\"DEPLOYED\"}"));

        var (report, seen, events) = await Run(cluster, State(WorkflowId, Connector, Model));

        Assert.Equal(FlowDeprovisionStatus.Partial, report.Result.Status);
        Assert.Equal(
            new[] { ("connector_id", FlowResourceStatus.Missing), ("model_id", FlowResourceStatus.Failed) },
            report.Result.Remaining.Select(r => (r.ResourceType, r.Status)).OrderBy(x => x.ResourceType));
        Assert.Single(seen.ResourceReads, r => r.AbsoluteUri.Contains("/connectors/")); // gone stays gone: read once
        // The model's read shows why it failed, so the run watches it (rather than sending again) until the stall time.
        Assert.True(seen.ResourceReads.Count(r => r.AbsoluteUri.Contains("/models/")) > 1);
        Assert.Contains("the same 2 resources kept failing for 60", events.Last().Message);
    }

    [Fact]
    public async Task A_model_still_deploying_keeps_the_run_going_past_the_stall_time_and_it_is_sent_again_once_the_deployment_ends()
    {
        const string deploying = "Failed to deprovision some resources: [model_id " + ModelId + "].";
        const string deployingModel = "{\"model_id\":\"" + ModelId + "\",\"model_state\":\"DEPLOYING\"}";
        const string deployedModel = "{\"model_id\":\"" + ModelId + "\",\"model_state\":\"DEPLOYED\"}";
        var cluster = new FakeCluster()
            .OnDeprovision(Answer.Error(202, deploying), Answer.Ok(WorkflowId))
            .OnStatus(Answer.Json(200, State(WorkflowId, Model, Deploy)), Answer.Json(200, EmptyState(WorkflowId)))
            // About 75 s of DEPLOYING at two reads a second, then DEPLOYED: the next request undeploys it first.
            .OnResource(Enumerable.Repeat(Answer.Json(200, deployingModel), 150).Append(Answer.Json(200, deployedModel)).ToArray());

        var (report, seen, events) = await Run(cluster, State(WorkflowId, Model, Deploy));

        Assert.Equal((FlowDeprovisionStatus.Deprovisioned, 2), (report.Result.Status, report.Result.Attempts));
        Assert.True(seen.Deprovisions[^1].At - seen.Deprovisions[0].At > TimeSpan.FromSeconds(60), "the run went past the 60 s stall time");
        // Sent again at the read that showed the deployment over, not later.
        Assert.Equal(seen.ResourceReads[^1].At, seen.Deprovisions[^1].At);
        Assert.Equal(151, seen.ResourceReads.Count); // one model: its registered and deployed entries are read as one
        Assert.Contains(events, e => e.Message.Contains("is still DEPLOYING"));
        Assert.Contains(events, e => e.Message.Contains("Waiting for model " + ModelId + " to leave DEPLOYING before attempt 2"));
    }
}
