using System.Net;
using System.Text;
using System.Text.Json;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>Listing templates and states: all pages, the filters sent and applied, the one join search per page.</summary>
public class CatalogTests
{
    private static string Template(string name, string useCase = "SEMANTIC_SEARCH", long created = 1) =>
        JsonSerializer.Serialize(new { name, use_case = useCase, version = new { template = "1.0.0" }, created_time = created });

    /// <summary>A search answer computed from the request body (from, size, the ids asked for).</summary>
    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Search(Func<JsonElement, IEnumerable<(string Id, string Source)>> hits) =>
        async (request, _) =>
        {
            using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync());
            var list = hits(body.RootElement).Select(h => "{\"_index\":\"i\",\"_id\":" + JsonSerializer.Serialize(h.Id) + ",\"_source\":" + h.Source + "}");
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"took\":1,\"timed_out\":false,\"hits\":{\"total\":{\"value\":0,\"relation\":\"eq\"},\"hits\":[" + string.Join(",", list) + "]}}", Encoding.UTF8, "application/json"),
            };
        };

    /// <summary>The page of <paramref name="all"/> the body's from and size ask for.</summary>
    private static IEnumerable<(string, string)> Page(JsonElement body, IReadOnlyList<(string, string)> all) =>
        all.Skip(body.GetProperty("from").GetInt32()).Take(body.GetProperty("size").GetInt32());

    /// <summary>State hits for exactly the workflow ids the terms query asks for.</summary>
    private static IEnumerable<(string, string)> StatesFor(JsonElement body, Func<string, string?> state) =>
        body.GetProperty("query").GetProperty("terms").GetProperty("workflow_id").EnumerateArray().Select(i => i.GetString()!)
            .Where(id => state(id) is not null).Select(id => (id, "{\"workflow_id\":\"" + id + "\",\"state\":\"" + state(id) + "\"}"));

    private static async Task<(List<FlowWorkflow> Found, List<FlowCatalogNotice> Notices)> Find(FakeCluster cluster, FlowWorkflowFilter filter, int pageSize)
    {
        using var client = Client(cluster);
        var found = new List<FlowWorkflow>();
        var notices = new List<FlowCatalogNotice>();
        await new FlowWorkflowCatalog(client, pageSize).FindWorkflowsAsync(filter, found.Add, notices.Add, CancellationToken.None);
        return (found, notices);
    }

    private static JsonElement BodyOf(SeenRequest request) => JsonDocument.Parse(request.Body!).RootElement;

    [Fact]
    public async Task Every_page_of_templates_is_read_oldest_first_and_each_page_gets_its_states_from_one_search()
    {
        var templates = Enumerable.Range(1, 5).Select(i => ("wf" + i, Template("t" + i, created: i))).ToList();
        var cluster = new FakeCluster()
            .On("search", Search(body => Page(body, templates)))
            .On("state-search", Search(body => StatesFor(body, id => id == "wf3" ? null : id == "wf1" ? "FAILED" : "COMPLETED")));

        var (found, notices) = await Find(cluster, new FlowWorkflowFilter(null, null), pageSize: 2);

        Assert.Empty(notices);
        Assert.Equal(new[] { "wf1", "wf2", "wf3", "wf4", "wf5" }, found.Select(w => w.WorkflowId));
        Assert.Equal(new[] { "FAILED", "COMPLETED", null, "COMPLETED", "COMPLETED" }, found.Select(w => w.State));
        var searches = cluster.To("search").Select(BodyOf).ToList();
        Assert.Equal(new[] { 0, 2, 4 }, searches.Select(b => b.GetProperty("from").GetInt32()));
        Assert.All(searches, b => Assert.Equal("asc", b.GetProperty("sort")[0].GetProperty("created_time").GetProperty("order").GetString()));
        Assert.All(searches, b => Assert.DoesNotContain("workflows", b.GetProperty("_source").GetProperty("includes").EnumerateArray().Select(e => e.GetString())));
        // One state search per page, for exactly that page's ids.
        Assert.Equal(new[] { "wf1,wf2", "wf3,wf4", "wf5" },
            cluster.To("state-search").Select(r => string.Join(",", BodyOf(r).GetProperty("query").GetProperty("terms").GetProperty("workflow_id").EnumerateArray().Select(e => e.GetString()))));
    }

    [Fact]
    public async Task Names_are_narrowed_on_the_server_and_filtered_exactly_and_case_sensitively_on_the_client()
    {
        // A server whose keyword match would be looser than ours: the client's filter is the rule.
        var hits = new List<(string, string)> { ("a", Template("rag-one")), ("b", Template("RAG-two")), ("c", Template("exact")), ("d", Template("rag")) };
        var cluster = new FakeCluster()
            .On("search", Search(_ => hits))
            .On("state-search", Search(_ => Array.Empty<(string, string)>()));

        var (found, _) = await Find(cluster, new FlowWorkflowFilter(new[] { "rag-*", "exact" }, null), 100);

        Assert.Equal(new[] { "a", "c" }, found.Select(w => w.WorkflowId));
        var should = BodyOf(cluster.To("search")[0]).GetProperty("query").GetProperty("bool").GetProperty("filter")[0].GetProperty("bool").GetProperty("should");
        Assert.Equal("rag-*", should[0].GetProperty("wildcard").GetProperty("name.keyword").GetProperty("value").GetString());
        Assert.Equal("exact", should[1].GetProperty("term").GetProperty("name.keyword").GetString());
    }

    [Fact]
    public async Task Use_cases_are_asked_for_in_both_cases_and_kept_in_any_case()
    {
        var hits = new List<(string, string)> { ("a", Template("x", "SEMANTIC_SEARCH")), ("b", Template("y", "HYBRID_SEARCH")) };
        var cluster = new FakeCluster()
            .On("search", Search(_ => hits))
            .On("state-search", Search(_ => Array.Empty<(string, string)>()));

        var (found, _) = await Find(cluster, new FlowWorkflowFilter(null, new[] { "semantic_search" }), 100);

        Assert.Equal("a", Assert.Single(found).WorkflowId);
        var terms = BodyOf(cluster.To("search")[0]).GetProperty("query").GetProperty("bool").GetProperty("filter")[0].GetProperty("terms").GetProperty("use_case");
        Assert.Equal(new[] { "semantic_search", "SEMANTIC_SEARCH" }, terms.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_denied_state_search_is_one_notice_and_the_templates_still_come_without_state()
    {
        var cluster = new FakeCluster()
            .On("search", Search(_ => new[] { ("a", Template("x")) }))
            .On("state-search", Answer.Json(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:admin/opensearch/flow_framework/workflow_state/search]\"},\"status\":403}"));

        var (found, notices) = await Find(cluster, new FlowWorkflowFilter(null, null), 100);

        Assert.Null(Assert.Single(found).State);
        var notice = Assert.Single(notices);
        Assert.Equal(FlowCatalogNoticeKind.StatesUnreadable, notice.Kind);
        Assert.Equal(403, notice.Error!.StatusCode);
    }

    [Fact]
    public async Task No_templates_index_yet_means_no_workflows_and_no_error()
    {
        var cluster = new FakeCluster().On("search", Answer.Json(404, "{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index [.plugins-flow-framework-templates]\"},\"status\":404}"));

        var (found, notices) = await Find(cluster, new FlowWorkflowFilter(null, null), 100);

        Assert.Empty(found);
        Assert.Empty(notices);
        Assert.Empty(cluster.To("state-search"));
    }

    [Fact]
    public async Task A_denied_template_search_is_thrown()
    {
        var cluster = new FakeCluster().On("search", Answer.Error(403, "Failed to get workflow."));

        var ex = await Assert.ThrowsAsync<FlowApiException>(() => Find(cluster, new FlowWorkflowFilter(null, null), 100));

        Assert.Equal(FlowErrorKind.Forbidden, ex.Kind);
    }

    [Fact]
    public async Task Paging_stops_at_the_result_window_with_a_notice_and_never_asks_past_it()
    {
        var cluster = new FakeCluster()
            .On("search", Search(body => Enumerable.Range(body.GetProperty("from").GetInt32(), body.GetProperty("size").GetInt32()).Select(i => ("wf" + i, Template("t")))))
            .On("state-search", Search(_ => Array.Empty<(string, string)>()));

        var (found, notices) = await Find(cluster, new FlowWorkflowFilter(null, null), pageSize: 4000);

        Assert.Equal(10000, found.Count);
        Assert.Equal(new[] { (0, 4000), (4000, 4000), (8000, 2000) },
            cluster.To("search").Select(BodyOf).Select(b => (b.GetProperty("from").GetInt32(), b.GetProperty("size").GetInt32())));
        Assert.Equal((FlowCatalogNoticeKind.ResultWindowReached, 10000), (Assert.Single(notices).Kind, notices[0].Count));
    }

    [Fact]
    public async Task Workflows_by_id_are_one_get_each_and_one_state_search_for_those_found()
    {
        var cluster = new FakeCluster()
            .On("template", async (request, ct) => request.RequestUri!.AbsolutePath.EndsWith("/gone", StringComparison.Ordinal)
                ? await Answer.Error(404, "Failed to retrieve template (gone) from global context.")(request, ct)
                : await Answer.Json(200, Template("n"))(request, ct))
            .On("state-search", Search(body => StatesFor(body, _ => "COMPLETED")));
        using var client = Client(cluster);
        var found = new List<FlowWorkflow>();
        var failed = new List<(string, FlowApiException)>();

        await new FlowWorkflowCatalog(client).GetWorkflowsAsync(new[] { "a", "gone", "b" }, new FlowWorkflowFilter(null, null), found.Add, (id, ex) => failed.Add((id, ex)), _ => { }, CancellationToken.None);

        Assert.Equal(new[] { "a", "b" }, found.Select(w => w.WorkflowId));
        Assert.All(found, w => Assert.Equal("COMPLETED", w.State));
        Assert.Equal(("gone", FlowErrorKind.NotFound), (failed.Single().Item1, failed.Single().Item2.Kind));
        Assert.Equal(3, cluster.To("template").Count);
        var ids = BodyOf(Assert.Single(cluster.To("state-search"))).GetProperty("query").GetProperty("terms").GetProperty("workflow_id");
        Assert.Equal(new[] { "a", "b" }, ids.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task State_listing_pages_in_workflow_id_order_filters_on_the_server_and_marks_orphans()
    {
        var states = new List<(string, string)>
        {
            ("o1", State("o1", Connector)),
            ("w1", State("w1", Model)),
            ("w2", State("w2", IndexEntry)),
        };
        var cluster = new FakeCluster()
            .On("state-search", Search(body => Page(body, states)))
            .On("search", Search(body => body.GetProperty("query").GetProperty("ids").GetProperty("values").EnumerateArray()
                .Select(e => e.GetString()!).Where(id => id != "o1").Select(id => (id, "{\"name\":\"n\"}"))));
        using var client = Client(cluster);
        var found = new List<FlowWorkflowStatus>();

        await new FlowWorkflowCatalog(client, 2).FindStatusesAsync(new FlowStatusFilter(new[] { "completed" }, true), found.Add, _ => { }, CancellationToken.None);

        Assert.Equal(new[] { ("o1", (bool?)false), ("w1", true), ("w2", true) }, found.Select(s => (s.WorkflowId, s.HasTemplate)));
        Assert.Equal("connector_id", found[0].Resources.Single().ResourceType);
        var first = BodyOf(cluster.To("state-search")[0]);
        Assert.Equal("asc", first.GetProperty("sort")[0].GetProperty("workflow_id").GetProperty("order").GetString());
        var filter = first.GetProperty("query").GetProperty("bool").GetProperty("filter");
        Assert.Equal("COMPLETED", filter[0].GetProperty("terms").GetProperty("state")[0].GetString());
        Assert.Equal("resources_created", filter[1].GetProperty("nested").GetProperty("path").GetString());
        Assert.Equal(2, cluster.To("search").Count); // one template lookup per page of states
    }

    [Fact]
    public async Task Statuses_by_id_get_HasTemplate_from_one_template_search_and_a_failed_search_leaves_it_empty()
    {
        var cluster = new FakeCluster()
            .On("status", Answer.Json(200, State("wf1", Connector)))
            .On("search", Answer.Error(403, "Failed to get workflow."));
        using var client = Client(cluster);
        var found = new List<FlowWorkflowStatus>();
        var notices = new List<FlowCatalogNotice>();

        await new FlowWorkflowCatalog(client).GetStatusesAsync(new[] { "wf1" }, true, found.Add, (_, _) => { }, notices.Add, CancellationToken.None);

        Assert.Null(Assert.Single(found).HasTemplate);
        Assert.Equal(FlowCatalogNoticeKind.TemplatesUnreadable, Assert.Single(notices).Kind);
        Assert.Single(cluster.To("search"));
    }

    [Fact]
    public void The_filters_keep_exactly_what_they_say()
    {
        var filter = new FlowWorkflowFilter(new[] { "a?c", "x*" }, new[] { "Hybrid_Search" });
        FlowWorkflow W(string name, string useCase) => new("id", name, null, useCase, null, null, null, null, null);
        Assert.True(filter.Matches(W("abc", "HYBRID_SEARCH")));
        Assert.True(filter.Matches(W("x", "hybrid_search")));
        Assert.False(filter.Matches(W("ABC", "HYBRID_SEARCH")));
        Assert.False(filter.Matches(W("abc", "SEMANTIC_SEARCH")));
        Assert.True(new FlowWorkflowFilter(null, null).Matches(W("anything", "")));
    }
}
