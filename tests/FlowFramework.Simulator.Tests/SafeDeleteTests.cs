using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>
/// ML Commons' safe delete (plugins.ml_commons.safe_delete_model, DeleteModelTransportAction) and the reads a client needs
/// to find what uses a model: core's _cluster/settings, the pipeline GETs and the agent search.
/// </summary>
public class SafeDeleteTests
{
    private static async Task<string> UndeployedModelAsync(Sim sim)
    {
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        Assert.Equal(200, (await sim.PostAsync($"/_plugins/_ml/models/{model}/_undeploy")).Status);
        return model;
    }

    private static JsonObject Agent(string name, string modelId)
    {
        var agent = new JsonObject
        {
            ["name"] = name,
            ["type"] = "flow",
            ["tools"] = new JsonArray(new JsonObject { ["type"] = "MLModelTool", ["parameters"] = new JsonObject { ["model_id"] = modelId, ["prompt"] = "p" } }),
        };
        return agent;
    }

    private static JsonObject IngestUsing(string modelId) => new()
    {
        ["processors"] = new JsonArray(new JsonObject { ["text_embedding"] = new JsonObject { ["model_id"] = modelId, ["field_map"] = new JsonObject { ["text"] = "emb" } } }),
    };

    private static JsonObject SafeDelete(string scope, JsonNode? value) => new() { [scope] = new JsonObject { ["plugins.ml_commons.safe_delete_model"] = value } };

    [Fact]
    public async Task Off_by_default_a_model_used_by_an_agent_and_a_pipeline_is_deleted()
    {
        await using var sim = await StartAsync();
        var model = await UndeployedModelAsync(sim);
        Assert.Equal(200, (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a", model))).Status);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", IngestUsing(model))).Status);

        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task Agents_are_checked_first_then_ingest_then_search_pipelines_each_with_ml_commons_text()
    {
        await using var sim = await StartAsync();
        var model = await UndeployedModelAsync(sim);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", true))).Status);
        var a1 = (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a1", model))).Body!["agent_id"]!.GetValue<string>();
        var a2 = (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a2", model))).Body!["agent_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("other", "some-other-model"))).Status);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", IngestUsing(model))).Status);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_search/pipeline/s1", new JsonObject
        {
            ["response_processors"] = new JsonArray(new JsonObject { ["retrieval_augmented_generation"] = new JsonObject { ["model_id"] = model, ["context_field_list"] = new JsonArray("text") } }),
        })).Status);

        var (status, body, _) = await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}");
        Assert.Equal(409, status);
        var reason = body!["error"]!["reason"]!.GetValue<string>();
        Assert.StartsWith("2 agents are still using this model, please delete or update the agents first, all visible agents are: [", reason);
        Assert.Contains(a1, reason);
        Assert.Contains(a2, reason);
        Assert.Equal("status_exception", body["error"]!["type"]!.GetValue<string>());

        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/agents/{a1}")).Status);
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/agents/{a2}")).Status);
        Assert.Equal((409, CoreErr(409, "status_exception", "1 ingest pipelines are still using this model, please delete or update the pipelines first: [p1]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));

        Assert.Equal(200, (await sim.SendAsync("DELETE", "/_ingest/pipeline/p1")).Status);
        Assert.Equal((409, CoreErr(409, "status_exception", "1 search pipelines are still using this model, please delete or update the pipelines first: [s1]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));

        // A pipeline that stops naming the model no longer blocks it.
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_search/pipeline/s1", new JsonObject { ["response_processors"] = new JsonArray() })).Status);
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task A_deployed_model_is_refused_for_its_state_before_any_usage_check()
    {
        await using var sim = await StartAsync();
        var state = await sim.ProvisionAsync(Templates.RemoteModel());
        var model = Templates.ResourceId(state, "register_remote_model");
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("transient", "true"))).Status);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", IngestUsing(model))).Status);

        Assert.Equal(400, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task A_model_id_under_any_key_but_model_id_does_not_block()
    {
        await using var sim = await StartAsync();
        var model = await UndeployedModelAsync(sim);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", true))).Status);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", new JsonObject
        {
            ["description"] = model,
            ["processors"] = new JsonArray(new JsonObject { ["set"] = new JsonObject { ["field"] = "model", ["value"] = model } }),
        })).Status);

        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task Inside_a_deprovision_a_model_its_own_pipeline_uses_stays_until_the_pipeline_is_allowed()
    {
        await using var sim = await StartAsync();
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", true))).Status);
        var state = await sim.ProvisionAsync(Templates.Of(Templates.Connector(), Templates.Model(), Templates.Pipeline("p1")));
        var id = state["workflow_id"]!.GetValue<string>();
        var model = Templates.ResourceId(state, "register_remote_model");

        var (status, body, text) = await sim.PostAsync($"{Wf}/{id}/_deprovision");
        Assert.Equal(202, status);
        Assert.Contains($"model_id {model}", text);
        Assert.Contains("These resources require the allow_delete parameter to deprovision: [pipeline_id p1]", text);

        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete=p1")).Status);
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/models/{model}")).Status);
    }

    [Fact]
    public async Task Cluster_settings_take_flat_and_nested_keys_transient_wins_and_null_resets()
    {
        await using var sim = await StartAsync();
        var nested = new JsonObject { ["persistent"] = new JsonObject { ["plugins"] = new JsonObject { ["ml_commons"] = new JsonObject { ["safe_delete_model"] = true } } } };
        Assert.Equal((200, """{"acknowledged":true,"persistent":{"plugins":{"ml_commons":{"safe_delete_model":"true"}}},"transient":{}}"""),
            Pick(await sim.SendAsync("PUT", "/_cluster/settings", nested)));
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("transient", false))).Status);
        Assert.Equal((200, """{"persistent":{"plugins.ml_commons.safe_delete_model":"true"},"transient":{"plugins.ml_commons.safe_delete_model":"false"}}"""),
            Pick(await sim.GetAsync("/_cluster/settings?flat_settings=true")));

        // Transient false wins: the model goes although a pipeline uses it.
        var model = await UndeployedModelAsync(sim);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", IngestUsing(model))).Status);
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);

        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("transient", null))).Status);
        Assert.Equal((200, """{"persistent":{"plugins":{"ml_commons":{"safe_delete_model":"true"}}},"transient":{}}"""), Pick(await sim.GetAsync("/_cluster/settings")));
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", null))).Status);
        Assert.Equal((200, """{"persistent":{},"transient":{},"defaults":{"plugins":{"ml_commons":{"safe_delete_model":"false"}}}}"""),
            Pick(await sim.GetAsync("/_cluster/settings?include_defaults=true")));
    }

    [Fact]
    public async Task Cluster_settings_refuse_unknown_keys_bad_values_and_empty_updates()
    {
        await using var sim = await StartAsync("--user", "admin:pw:all_access", "--user", "ml:pw:ml_full_access");
        const string admin = "admin:pw";
        Assert.Equal((500, CoreErr(500, "settings_exception", "persistent setting [plugins.ml_commons.no_such], not recognized")),
            Pick(await sim.SendAsync("PUT", "/_cluster/settings", new JsonObject { ["persistent"] = new JsonObject { ["plugins.ml_commons.no_such"] = true } }, admin)));
        Assert.Equal((400, CoreErr(400, "illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed.")),
            Pick(await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", "yes"), admin)));
        Assert.Equal((400, CoreErr(400, "action_request_validation_exception", "Validation Failed: 1: no settings to update;")),
            Pick(await sim.SendAsync("PUT", "/_cluster/settings", new JsonObject(), admin)));
        var (status, body, _) = await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", true), "ml:pw");
        Assert.Equal(403, status);
        Assert.StartsWith("no permissions for [cluster:admin/settings/update]", body!["error"]!["reason"]!.GetValue<string>());
        Assert.Equal((200, """{"persistent":{},"transient":{}}"""), Pick(await sim.GetAsync("/_cluster/settings", admin)));
    }

    [Fact]
    public async Task Pipeline_reads_answer_404_with_an_empty_object_when_nothing_matches_as_core_does()
    {
        await using var sim = await StartAsync();
        Assert.Equal((404, "{}"), Pick(await sim.GetAsync("/_ingest/pipeline")));
        Assert.Equal((404, "{}"), Pick(await sim.GetAsync("/_search/pipeline")));
        Assert.Equal((404, "{}"), Pick(await sim.GetAsync("/_ingest/pipeline/nope")));
        Assert.Equal((404, "{}"), Pick(await sim.GetAsync("/_search/pipeline/nope")));
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_ingest/pipeline/p1", IngestUsing("m1"))).Status);
        Assert.Equal((200, "{\"p1\":" + IngestUsing("m1").ToJsonString() + "}"), Pick(await sim.GetAsync("/_ingest/pipeline")));
        Assert.Equal((200, "{\"p1\":" + IngestUsing("m1").ToJsonString() + "}"), Pick(await sim.GetAsync("/_ingest/pipeline/p1")));
    }

    [Fact]
    public async Task The_agent_search_finds_agents_by_a_term_or_terms_query_on_the_tool_model_id()
    {
        await using var sim = await StartAsync();
        var a1 = (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a1", "m1"))).Body!["agent_id"]!.GetValue<string>();
        Assert.Equal(200, (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a2", "m2"))).Status);

        foreach (var query in new JsonObject[]
        {
            new() { ["term"] = new JsonObject { ["tools.parameters.model_id"] = "m1" } },
            new() { ["terms"] = new JsonObject { ["tools.parameters.model_id"] = new JsonArray("m1") } },
        })
        {
            var (status, body, text) = await sim.PostAsync("/_plugins/_ml/agents/_search", new JsonObject { ["query"] = query });
            Assert.True(status == 200, text);
            Assert.Equal([a1], body!["hits"]!["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()));
        }
        Assert.Equal(200, (await sim.GetAsync($"/_plugins/_ml/agents/{a1}")).Status);
    }

    [Fact]
    public async Task A_deleted_agent_still_counts_for_the_agent_search_and_safe_delete_until_the_agent_index_refreshes()
    {
        // DeleteAgentTransportAction sets no refresh policy: GET by id answers 404 at once, searches see the agent until a refresh.
        await using var sim = await StartAsync("--refresh-lag-ms", "600000");
        var model = await UndeployedModelAsync(sim);
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_cluster/settings", SafeDelete("persistent", true))).Status);
        var agent = (await sim.PostAsync("/_plugins/_ml/agents/_register", Agent("a", model))).Body!["agent_id"]!.GetValue<string>();
        var search = new JsonObject { ["query"] = new JsonObject { ["term"] = new JsonObject { ["tools.parameters.model_id"] = model } } };
        async Task<int> HitsAsync() => ((JsonArray)(await sim.PostAsync("/_plugins/_ml/agents/_search", search.DeepClone())).Body!["hits"]!["hits"]!).Count;

        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/agents/{agent}")).Status);
        Assert.Equal(404, (await sim.GetAsync($"/_plugins/_ml/agents/{agent}")).Status);
        Assert.Equal(1, await HitsAsync());
        Assert.Equal((409, CoreErr(409, "status_exception", $"1 agents are still using this model, please delete or update the agents first, all visible agents are: [{agent}]")),
            Pick(await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")));

        // The refresh: with no lag left the search forgets the agent, and the model goes.
        Assert.Equal(200, (await sim.SendAsync("PUT", "/_simulator/config", new JsonObject { ["refresh_lag_ms"] = 0 })).Status);
        Assert.Equal(0, await HitsAsync());
        Assert.Equal(200, (await sim.SendAsync("DELETE", $"/_plugins/_ml/models/{model}")).Status);
    }
}
