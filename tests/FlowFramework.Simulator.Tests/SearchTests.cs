using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Template and state search as the real indices answer it (SearchHandler, AbstractSearchWorkflowAction, the
/// global-context and workflow-state mappings): paging, the result window, mapping-aware queries, nested resources,
/// core's SearchResponse and the source filter.</summary>
public class SearchTests
{
    private static JsonObject Q(JsonNode query, int? size = null, int? from = null, JsonNode? sort = null)
    {
        var o = new JsonObject { ["query"] = query };
        if (size is not null) { o["size"] = size; }
        if (from is not null) { o["from"] = from; }
        if (sort is not null) { o["sort"] = sort; }
        return o;
    }

    private static JsonObject Term(string field, string value) => new() { ["term"] = new JsonObject { [field] = value } };

    private static async Task<int> TotalAsync(Sim sim, string path, JsonNode body)
    {
        var (status, result, text) = await sim.PostAsync(path, body);
        Assert.True(status == 200, text);
        return result!["hits"]!["total"]!["value"]!.GetValue<int>();
    }

    [Fact]
    public async Task From_and_size_page_through_every_template_in_a_stable_order()
    {
        await using var sim = await StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var t = Templates.Of(Templates.Connector());
            t["name"] = $"paged {i:D2}";
            created.Add(await sim.CreateAsync(t));
        }
        var seen = new List<string>();
        var sort = new JsonArray(new JsonObject { ["name.keyword"] = new JsonObject { ["order"] = "asc" } });
        foreach (var from in new[] { 0, 10, 20 })
        {
            var (status, body, text) = await sim.PostAsync($"{Wf}/_search", Q(new JsonObject { ["match_all"] = new JsonObject() }, 10, from, sort.DeepClone()));
            Assert.True(status == 200, text);
            Assert.Equal(25, body!["hits"]!["total"]!["value"]!.GetValue<int>());
            var hits = body["hits"]!["hits"]!.AsArray();
            Assert.Equal(from == 20 ? 5 : 10, hits.Count);
            foreach (var h in hits)
            {
                Assert.Equal(["_index", "_id", "_version", "_seq_no", "_primary_term", "_score", "_source", "sort"], h!.AsObject().Select(kv => kv.Key));
                Assert.Null(h["_score"]);
                Assert.Equal(h["_source"]!["name"]!.GetValue<string>(), h["sort"]![0]!.GetValue<string>());
                seen.Add(h["_id"]!.GetValue<string>());
            }
        }
        Assert.Equal(created.Order(), seen.Order());
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"paged {i:D2}"), await NamesAsync(sim, seen));

        // search_after continues from the last sort value of a page.
        var (_, firstPage, _) = await sim.PostAsync($"{Wf}/_search", Q(new JsonObject { ["match_all"] = new JsonObject() }, 10, null, sort.DeepClone()));
        var last = firstPage!["hits"]!["hits"]![9]!["sort"]!.DeepClone();
        var after = Q(new JsonObject { ["match_all"] = new JsonObject() }, 10, null, sort.DeepClone());
        after["search_after"] = last;
        var (_, next, _) = await sim.PostAsync($"{Wf}/_search", after);
        Assert.Equal("paged 10", next!["hits"]!["hits"]![0]!["_source"]!["name"]!.GetValue<string>());
    }

    private static async Task<List<string>> NamesAsync(Sim sim, IEnumerable<string> ids)
    {
        var names = new List<string>();
        foreach (var id in ids) { names.Add((await sim.GetAsync($"{Wf}/{id}")).Body!["name"]!.GetValue<string>()); }
        return names;
    }

    [Fact]
    public async Task Core_errors_for_window_negative_size_missing_body_unknown_query_and_text_sort()
    {
        await using var sim = await StartAsync();
        await sim.CreateAsync(Templates.RemoteModel());
        var all = new JsonObject { ["match_all"] = new JsonObject() };
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", Q(all.DeepClone(), 10, 9995));
        Assert.Equal(400, status);
        Assert.Equal("search_phase_execution_exception", body!["error"]!["type"]!.GetValue<string>());
        Assert.Equal("Result window is too large, from + size must be less than or equal to: [10000] but was [10005]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.",
            body["error"]!["root_cause"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", "[size] parameter cannot be negative, found [-1]")), Pick(await sim.PostAsync($"{Wf}/_search", Q(all.DeepClone(), -1))));
        Assert.Equal((400, CoreErr(400, "parse_exception", "request body or source parameter is required")), Pick(await sim.GetAsync($"{Wf}/_search")));
        Assert.Equal((400, CoreErr(400, "parsing_exception", "unknown query [nope]")), Pick(await sim.PostAsync($"{Wf}/_search", Q(new JsonObject { ["nope"] = new JsonObject() }))));
        Assert.Equal((400, CoreErr(400, "parsing_exception", "Unknown key for a VALUE_STRING in [colour].")), Pick(await sim.PostAsync($"{Wf}/_search", new JsonObject { ["colour"] = "red" })));
        (status, body, _) = await sim.PostAsync($"{Wf}/_search", Q(all.DeepClone(), sort: new JsonArray("name")));
        Assert.Equal(400, status);
        Assert.StartsWith("Text fields are not optimised for operations that require per-document field data", body!["error"]!["root_cause"]![0]!["reason"]!.GetValue<string>());
        // The source parameter stands in for a body.
        var source = Uri.EscapeDataString(Q(all.DeepClone()).ToJsonString());
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/_search?source={source}&source_content_type=application/json")).Status);
    }

    [Fact]
    public async Task Queries_follow_the_templates_mapping()
    {
        await using var sim = await StartAsync();
        var t = Templates.RemoteModel();
        t["name"] = "Semantic Search Demo";
        t["use_case"] = "SEMANTIC_SEARCH";
        var id = await sim.CreateAsync(t);
        var path = $"{Wf}/_search";
        // name is text: analyzed, lowercased tokens.
        Assert.Equal(0, await TotalAsync(sim, path, Q(Term("name", "Semantic Search Demo"))));
        Assert.Equal(0, await TotalAsync(sim, path, Q(Term("name", "Semantic"))));
        Assert.Equal(1, await TotalAsync(sim, path, Q(Term("name", "semantic"))));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["match"] = new JsonObject { ["name"] = "SEARCH demos" } })));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["match_phrase"] = new JsonObject { ["name"] = "search demo" } })));
        // name.keyword is the whole value, case-sensitive unless asked.
        Assert.Equal(1, await TotalAsync(sim, path, Q(Term("name.keyword", "Semantic Search Demo"))));
        Assert.Equal(0, await TotalAsync(sim, path, Q(new JsonObject { ["wildcard"] = new JsonObject { ["name.keyword"] = "semantic*" } })));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["wildcard"] = new JsonObject { ["name.keyword"] = new JsonObject { ["value"] = "semantic*", ["case_insensitive"] = true } } })));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["wildcard"] = new JsonObject { ["name.keyword"] = "Sem*Demo" } })));
        // use_case is keyword; workflows is not indexed (dynamic: false); ids match the document id.
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["terms"] = new JsonObject { ["use_case"] = new JsonArray("SEMANTIC_SEARCH", "OTHER") } })));
        Assert.Equal(0, await TotalAsync(sim, path, Q(Term("workflows.provision.nodes.type", "create_connector"))));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray(id) } })));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["bool"] = new JsonObject { ["must_not"] = new JsonArray(Term("use_case", "OTHER")) } })));
        Assert.Equal(1, await TotalAsync(sim, path, Q(new JsonObject { ["range"] = new JsonObject { ["created_time"] = new JsonObject { ["gt"] = 0 } } })));
    }

    [Fact]
    public async Task Resources_are_nested_and_only_a_nested_query_sees_them()
    {
        await using var sim = await StartAsync();
        var withResources = (await sim.ProvisionAsync(Templates.RemoteModel()))["workflow_id"]!.GetValue<string>();
        var without = await sim.CreateAsync(Templates.RemoteModel());
        var state = $"{Wf}/state/_search";
        var nestedExists = new JsonObject { ["nested"] = new JsonObject { ["path"] = "resources_created", ["query"] = new JsonObject { ["exists"] = new JsonObject { ["field"] = "resources_created" } } } };
        Assert.Equal(0, await TotalAsync(sim, state, Q(new JsonObject { ["exists"] = new JsonObject { ["field"] = "resources_created" } })));
        Assert.Equal(0, await TotalAsync(sim, state, Q(Term("resources_created.resource_type", "model_id"))));
        var (_, hits, _) = await sim.PostAsync(state, Q(nestedExists));
        Assert.Equal([withResources], hits!["hits"]!["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()));
        var nestedTerm = new JsonObject { ["nested"] = new JsonObject { ["path"] = "resources_created", ["query"] = Term("resources_created.workflow_step_name", "deploy_model") } };
        Assert.Equal(1, await TotalAsync(sim, state, Q(nestedTerm)));
        // Keyword state fields; a bool that finds the workflows without resources.
        Assert.Equal(1, await TotalAsync(sim, state, Q(new JsonObject { ["bool"] = new JsonObject { ["filter"] = new JsonArray(Term("state", "NOT_STARTED")), ["must_not"] = new JsonArray(nestedExists.DeepClone()) } })));
        Assert.Equal(0, await TotalAsync(sim, state, Q(Term("state", "not_started"))));
        // A nested query on a path that is not nested fails on the shard.
        var (status, body, _) = await sim.PostAsync(state, Q(new JsonObject { ["nested"] = new JsonObject { ["path"] = "state", ["query"] = new JsonObject { ["match_all"] = new JsonObject() } } }));
        Assert.Equal(400, status);
        Assert.Equal("failed to create query: [nested] failed to find nested object under path [state]", body!["error"]!["root_cause"]![0]!["reason"]!.GetValue<string>());
        Assert.NotEqual(withResources, without);
    }

    [Fact]
    public async Task The_source_filter_hides_user_and_credentials_as_SearchHandler_does()
    {
        await using (var sim = await StartAsync())
        {
            var t = Templates.RemoteModel();
            t["ui_metadata"] = new JsonObject { ["x"] = 1 };
            await sim.CreateAsync(t);
            var (_, body, _) = await sim.PostAsync($"{Wf}/_search", Q(new JsonObject { ["match_all"] = new JsonObject() }));
            var source = body!["hits"]!["hits"]![0]!["_source"]!;
            Assert.Null(source["workflows"]!["provision"]!["nodes"]![0]!["user_inputs"]!["credential"]);
            Assert.NotNull(source["ui_metadata"]);
            // Asking for _source (even false) still returns one, now without ui_metadata as well.
            var (_, noSource, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() }, ["_source"] = false });
            var filtered = noSource!["hits"]!["hits"]![0]!["_source"]!;
            Assert.Null(filtered["ui_metadata"]);
            Assert.NotNull(filtered["name"]);
        }
        await using (var sim = await StartAsync("--user", "admin:pw:all_access", "--user", "ff:pw:flow_framework_full_access"))
        {
            await sim.ProvisionAsync(Templates.RemoteModel(), "ff:pw");
            var all = Q(new JsonObject { ["match_all"] = new JsonObject() });
            Assert.NotNull((await sim.PostAsync($"{Wf}/_search", all, "admin:pw")).Body!["hits"]!["hits"]![0]!["_source"]!["user"]);
            Assert.Null((await sim.PostAsync($"{Wf}/_search", all, "ff:pw")).Body!["hits"]!["hits"]![0]!["_source"]!["user"]);
            Assert.NotNull((await sim.PostAsync($"{Wf}/state/_search", all, "admin:pw")).Body!["hits"]!["hits"]![0]!["_source"]!["user"]);
            Assert.Null((await sim.PostAsync($"{Wf}/state/_search", all, "ff:pw")).Body!["hits"]!["hits"]![0]!["_source"]!["user"]);
        }
    }

    [Fact]
    public async Task Unimplemented_search_features_are_refused_not_ignored()
    {
        await using var sim = await StartAsync();
        await sim.CreateAsync(Templates.RemoteModel());
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["aggs"] = new JsonObject() });
        Assert.Equal(400, status);
        Assert.Equal("[aggs] is valid search syntax that the FlowFramework simulator does not implement", body!["error"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_templates_and_state()
    {
        await using var sim = await StartAsync();
        Assert.Equal(404, (await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match_all"] = new JsonObject() } })).Status);
        var a = await sim.CreateAsync(Templates.RemoteModel());
        var t2 = Templates.RemoteModel();
        t2["name"] = "other name";
        var b = await sim.CreateAsync(t2);
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["query"] = new JsonObject { ["match"] = new JsonObject { ["name"] = "other" } } });
        Assert.Equal(200, status);
        Assert.Equal(1, body!["hits"]!["total"]!["value"]!.GetValue<int>());
        Assert.Equal(b, body["hits"]!["hits"]![0]!["_id"]!.GetValue<string>());
        Assert.Equal(".plugins-flow-framework-templates", body["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        (status, body, _) = await sim.SendAsync("GET", $"{Wf}/state/_search", new JsonObject
        {
            ["query"] = new JsonObject { ["bool"] = new JsonObject { ["must"] = new JsonArray(new JsonObject { ["term"] = new JsonObject { ["workflow_id"] = a } }) } },
            ["size"] = 5,
        });
        Assert.Equal(200, status);
        Assert.Equal(".plugins-flow-framework-state", body!["hits"]!["hits"]![0]!["_index"]!.GetValue<string>());
        Assert.Equal("NOT_STARTED", body["hits"]!["hits"]![0]!["_source"]!["state"]!.GetValue<string>());
        Assert.Equal(400, (await sim.GetAsync($"{Wf}/_search?size=1")).Status);
    }
}
