using System.Text.Json.Nodes;
using FlowFramework.Simulator.Flow;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Real upstream templates and built-in use cases from ../shared/flow-framework/upstream (reported as skipped,
/// with the reason, when that folder is absent).</summary>
public class UpstreamTemplateTests
{
    /// <summary>Templates the real server rejects or cannot finish, with the reason.</summary>
    private static readonly Dictionary<string, (int Status, string Error)> CreateRejections = new()
    {
        ["finaltemplate.json"] = (400, "Unable to parse field [operations] in a template object."),
        ["observability-chat-agent-openai-untested.json"] = (400, "Invalid workflow, node [register_sparse_model] missing the following required inputs : [model_type, embedding_dimension, framework_type]"),
    };

    public static TheoryData<string> TemplateFiles()
    {
        var data = new TheoryData<string>();
        if (Shared.FlowFrameworkDir is null) { return data; }
        foreach (var f in Directory.GetFiles(Shared.Upstream("templates"), "*.json").Order()) { data.Add(Path.GetFileName(f)); }
        return data;
    }

    public static TheoryData<string> UseCaseNames()
    {
        var data = new TheoryData<string>();
        if (Shared.FlowFrameworkDir is null) { return data; }
        foreach (var row in UseCaseRows()) { data.Add(row[0]); }
        return data;
    }

    /// <summary>use-cases.tsv without its header: use case name, defaults file, template file.</summary>
    private static List<string[]> UseCaseRows() =>
        File.ReadAllLines(Shared.Upstream("use-cases/use-cases.tsv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();

    [UpstreamTheory]
    [MemberData(nameof(TemplateFiles))]
    public async Task Upstream_template_provisions_and_deprovisions(string file)
    {
        await using var sim = await StartAsync();
        var template = JsonNode.Parse(File.ReadAllText(Shared.Upstream($"templates/{file}")))!;
        var (status, body, text) = await sim.PostAsync(Wf, template);
        if (CreateRejections.TryGetValue(file, out var expected))
        {
            Assert.Equal((expected.Status, Err(expected.Error)), (status, text));
            return;
        }
        Assert.True(status == 201, text);
        var id = body!["workflow_id"]!.GetValue<string>();
        Assert.Equal(202, (await sim.PostAsync($"{Wf}/{id}/_provision")).Status);
        var state = await sim.WaitProvisionedAsync(id);
        Assert.True(state["provisioning_progress"]!.GetValue<string>() == "DONE", state.ToJsonString());
        var allow = string.Join(',', Templates.Resources(state).Where(r => r["resource_type"]!.GetValue<string>() is "index_name" or "pipeline_id").Select(r => r["resource_id"]!.GetValue<string>()));
        var (dstatus, _, dtext) = await sim.PostAsync($"{Wf}/{id}/_deprovision?allow_delete={Uri.EscapeDataString(allow)}");
        Assert.True(dstatus == 200, dtext);
    }

    [UpstreamTheory]
    [MemberData(nameof(UseCaseNames))]
    public async Task Use_case_provisions(string useCase)
    {
        await using var sim = await StartAsync();
        var body = new JsonObject
        {
            ["create_connector.credential.key"] = "k", ["create_connector.credential.access_key"] = "a",
            ["create_connector.credential.secret_key"] = "s", ["create_connector.credential.session_token"] = "t",
            ["create_ingest_pipeline.model_id"] = "some-model", ["reindex.source_index"] = "source-docs",
        };
        Assert.Equal(200, (await sim.SendAsync("PUT", "/source-docs", new JsonObject())).Status);
        var (status, created, text) = await sim.PostAsync($"{Wf}?use_case={useCase}&provision=true", body);
        Assert.True(status == 202, text);
        var state = await sim.WaitProvisionedAsync(created!["workflow_id"]!.GetValue<string>());
        Assert.True(state["provisioning_progress"]!.GetValue<string>() == "DONE", state.ToJsonString());
    }

    [UpstreamFact]
    public void Use_case_expansion_matches_upstream_shape()
    {
        var catalogue = new UseCaseCatalogue();
        var rows = UseCaseRows();
        Assert.Equal(rows.Select(r => r[0]).Order(), catalogue.Names.Order());
        foreach (var row in rows)
        {
            var upstream = JsonNode.Parse(File.ReadAllText(Shared.Upstream($"use-cases/templates/{row[2]}")))!["workflows"]!["provision"]!;
            var defaults = JsonNode.Parse(File.ReadAllText(Shared.Upstream($"use-cases/defaults/{row[1]}")))!.AsObject();
            var overrides = new JsonObject
            {
                ["create_connector.credential.access_key"] = "a", ["create_connector.credential.secret_key"] = "s",
                ["create_connector.credential.session_token"] = "t", ["create_connector.credential.key"] = "k",
                ["create_ingest_pipeline.model_id"] = "m", ["reindex.source_index"] = "src",
            };
            foreach (var (k, v) in defaults) { overrides[k] = v?.DeepClone(); }
            var ours = catalogue.Expand(row[0], overrides)["workflows"]!["provision"]!;
            Assert.Equal(Shape(upstream), Shape(ours));
        }
    }

    /// <summary>Node ids, types and dependencies (edges plus previous_node_inputs sources).</summary>
    private static string Shape(JsonNode workflow)
    {
        var nodes = workflow["nodes"]!.AsArray().Select(n => (Id: n!["id"]!.GetValue<string>(), Type: n["type"]!.GetValue<string>(),
            Prev: (n["previous_node_inputs"] as JsonObject ?? []).Select(kv => kv.Key))).ToList();
        var deps = nodes.SelectMany(n => n.Prev.Select(p => $"{p}->{n.Id}"))
            .Concat((workflow["edges"] as JsonArray ?? []).Select(e => $"{e!["source"]}->{e["dest"]}"))
            .Distinct().Order();
        return string.Join(";", nodes.Select(n => $"{n.Id}:{n.Type}")) + " | " + string.Join(";", deps);
    }
}

/// <summary>A fact that needs ../shared/flow-framework/upstream: skipped, with the reason, when it is absent.</summary>
public sealed class UpstreamFactAttribute : FactAttribute
{
    public UpstreamFactAttribute()
    {
        if (Shared.FlowFrameworkDir is null) { Skip = Shared.AbsentReason; }
    }
}

/// <summary>A theory over ../shared/flow-framework/upstream: skipped, with the reason, when it is absent.</summary>
public sealed class UpstreamTheoryAttribute : TheoryAttribute
{
    public UpstreamTheoryAttribute()
    {
        if (Shared.FlowFrameworkDir is null) { Skip = Shared.AbsentReason; }
    }
}
