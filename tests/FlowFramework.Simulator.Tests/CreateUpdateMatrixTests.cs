using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>One simulator for the whole matrix, and the use case's own template to compare against.</summary>
public sealed class MatrixSimulator : IAsyncLifetime
{
    public Sim Sim { get; private set; } = null!;
    public JsonObject UseCaseTemplate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sim = await StartAsync();
        var (status, body, text) = await Sim.PostAsync($"{Wf}?use_case={CreateUpdateMatrixTests.UseCase}", CreateUpdateMatrixTests.UseCaseBody());
        Assert.True(status == 201, text);
        UseCaseTemplate = (await Sim.GetAsync($"{Wf}/{body!["workflow_id"]}")).Body!.AsObject();
    }

    public async Task DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>The create/update parameter matrix of the simulator README, row by row: every combination of method, target
/// state, provision, reprovision, update_fields, use_case, validation and body is sent and answered as the first rule of
/// the README's table that matches says (RestCreateWorkflowAction, CreateWorkflowTransportAction).</summary>
public class CreateUpdateMatrixTests(MatrixSimulator fixture) : IClassFixture<MatrixSimulator>
{
    public const string UseCase = "open_ai_embedding_model_deploy";
    private const string FieldsDescription = "changed by update_fields";

    public static JsonObject UseCaseBody() => new() { ["create_connector.credential.key"] = "k" };

    private sealed record Rule(int Number, string[] When, int Status, string Answer, string Effect);

    private static readonly string[] Columns = ["method", "target", "provision", "reprovision", "update_fields", "use_case", "validation", "body"];

    private static List<Rule> Rules()
    {
        var readme = Path.Combine(RepoRoot(), "src", "FlowFramework.Simulator", "README.md");
        var rules = new List<Rule>();
        var inMatrix = false;
        foreach (var line in File.ReadAllLines(readme))
        {
            if (line.StartsWith("## Create and update: the parameter matrix", StringComparison.Ordinal)) { inMatrix = true; continue; }
            if (inMatrix && line.StartsWith("## ", StringComparison.Ordinal)) { break; }
            if (!inMatrix || !line.StartsWith("| ", StringComparison.Ordinal) || !char.IsDigit(line[2])) { continue; }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            rules.Add(new Rule(int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture), cells[1..9], int.Parse(cells[9], System.Globalization.CultureInfo.InvariantCulture), cells[10], cells[11]));
        }
        Assert.NotEmpty(rules);
        return rules;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlowFramework.sln"))) { dir = dir.Parent; }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Every combination: (method, target) x provision x reprovision x update_fields x use_case x validation x
    /// body (a fitting body or none), plus the invalid template where a template is the body.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in CaseStrings()) { data.Add(c); }
        return data;
    }

    private static IEnumerable<string> CaseStrings()
    {
        var bools = new[] { "false", "true" };
        foreach (var (method, target) in new[] { ("POST", "-"), ("PUT", "NOT_STARTED"), ("PUT", "COMPLETED") })
        foreach (var p in bools)
        foreach (var r in bools)
        foreach (var u in bools)
        foreach (var uc in new[] { "unset", "set" })
        foreach (var v in new[] { "all", "none" })
        {
            foreach (var body in u == "false" && uc == "unset" ? new[] { "given", "none", "invalid" } : ["given", "none"])
            {
                yield return string.Join(' ', method, target, p, r, u, uc, v, body);
            }
        }
    }

    private static Rule Match(string[] values)
        => Rules().First(rule => rule.When.Select((w, i) => w == "any" || w == values[i] || (i == 1 && w == "any")).All(m => m));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Create_and_update_answer_as_the_matrix_says(string @case)
    {
        var sim = fixture.Sim;
        var v = @case.Split(' ');
        var (method, target, provision, reprovision, updateFields, useCase, validation, body) = (v[0], v[1], v[2] == "true", v[3] == "true", v[4] == "true", v[5] == "set", v[6], v[7]);
        var rule = Match(v);

        string? id = null;
        JsonNode? storedBefore = null;
        string? stateBefore = null;
        if (method == "PUT")
        {
            var stored = Templates.Of(Templates.Connector());
            stored["name"] = "matrix target";
            stored["description"] = "stored";
            id = target == "COMPLETED" ? (await sim.ProvisionAsync(stored))["workflow_id"]!.GetValue<string>() : await sim.CreateAsync(stored);
            storedBefore = (await sim.GetAsync($"{Wf}/{id}")).Body;
            stateBefore = (await sim.GetAsync($"{Wf}/{id}/_status")).Body!["state"]!.GetValue<string>();
        }
        var templatesBefore = await TemplateIdsAsync(sim);

        var query = new List<string>();
        if (provision) { query.Add("provision=true"); }
        if (reprovision) { query.Add("reprovision=true"); }
        if (updateFields) { query.Add("update_fields=true"); }
        if (useCase) { query.Add($"use_case={UseCase}"); }
        if (validation == "none") { query.Add("validation=none"); }
        var path = (method == "POST" ? Wf : $"{Wf}/{id}") + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        JsonNode? payload = body switch
        {
            "none" => null,
            "invalid" => Templates.Of(new JsonObject { ["id"] = "x", ["type"] = "make_coffee" }),
            _ when useCase => UseCaseBody(),
            _ when updateFields => new JsonObject { ["description"] = FieldsDescription },
            _ => BodyTemplate(),
        };
        var (status, answer, text) = await sim.SendAsync(method, path, payload);

        Assert.True(rule.Status == status, $"rule {rule.Number}: expected {rule.Status}, got {status} {text}");
        string? resultId = null;
        if (rule.Answer == "workflow_id")
        {
            resultId = answer!["workflow_id"]!.GetValue<string>();
            Assert.Equal(new JsonObject { ["workflow_id"] = resultId }.ToJsonString(), answer.ToJsonString());
            if (id is not null) { Assert.Equal(id, resultId); }
        }
        else
        {
            Assert.Equal(Err(rule.Answer.Replace("<id>", id ?? "", StringComparison.Ordinal)), text);
        }

        switch (rule.Effect)
        {
            case "none" when method == "POST":
                Assert.Equal(templatesBefore, await TemplateIdsAsync(sim));
                break;
            case "none":
                Assert.Equal(storedBefore!.ToJsonString(), (await sim.GetAsync($"{Wf}/{id}")).Body!.ToJsonString());
                Assert.Equal(stateBefore, (await sim.GetAsync($"{Wf}/{id}/_status")).Body!["state"]!.GetValue<string>());
                break;
            case "created":
            case "created, not provisioned":
            case "replaced":
            case "replaced, not provisioned":
                {
                    var createdId = resultId ?? (await TemplateIdsAsync(sim)).Except(templatesBefore).Single();
                    Assert.Equal("NOT_STARTED", (await sim.GetAsync($"{Wf}/{createdId}/_status")).Body!["state"]!.GetValue<string>());
                    var template = (await sim.GetAsync($"{Wf}/{createdId}")).Body!;
                    Assert.Equal(NodeIds(ExpectedTemplate(payload, useCase, updateFields)), NodeIds(template));
                    break;
                }
            case "created, provisioned":
                Assert.Equal("COMPLETED", (await sim.WaitProvisionedAsync(resultId!))["state"]!.GetValue<string>());
                break;
            case "reprovisioned":
                {
                    var state = await sim.WaitProvisionedAsync(id!);
                    Assert.Equal("COMPLETED", state["state"]!.GetValue<string>());
                    Assert.Contains(Templates.Resources(state), r => r["workflow_step_name"]!.GetValue<string>() == "register_remote_model");
                    break;
                }
            case "fields merged":
                {
                    var template = (await sim.GetAsync($"{Wf}/{id}")).Body!;
                    var expected = useCase ? fixture.UseCaseTemplate : new JsonObject { ["name"] = "matrix target", ["description"] = FieldsDescription };
                    Assert.Equal(expected["name"]!.GetValue<string>(), template["name"]!.GetValue<string>());
                    Assert.Equal(expected["description"]!.GetValue<string>(), template["description"]!.GetValue<string>());
                    Assert.Equal(NodeIds(storedBefore!), NodeIds(template));
                    Assert.Equal(stateBefore, (await sim.GetAsync($"{Wf}/{id}/_status")).Body!["state"]!.GetValue<string>());
                    break;
                }
            default:
                Assert.Fail($"rule {rule.Number} has an unknown effect [{rule.Effect}]");
                break;
        }
    }

    [Fact]
    public void Every_rule_of_the_matrix_is_reached()
    {
        var reached = new HashSet<int>();
        foreach (var c in CaseStrings()) { reached.Add(Match(c.Split(' ')).Number); }
        Assert.Equal(Rules().Select(r => r.Number).Order(), reached.Order());
    }

    private static JsonObject BodyTemplate()
    {
        var t = Templates.Of(Templates.Connector(), Templates.Model(deploy: false));
        t["name"] = "matrix body";
        return t;
    }

    private JsonNode ExpectedTemplate(JsonNode? payload, bool useCase, bool updateFields)
        => useCase ? fixture.UseCaseTemplate : updateFields ? new JsonObject() : payload!;

    private static List<string> NodeIds(JsonNode template)
        => (template["workflows"]?["provision"]?["nodes"] as JsonArray ?? []).Select(n => n!["id"]!.GetValue<string>()).ToList();

    private static async Task<List<string>> TemplateIdsAsync(Sim sim)
    {
        var (status, body, _) = await sim.PostAsync($"{Wf}/_search", new JsonObject { ["size"] = 10000, ["_source"] = false, ["query"] = new JsonObject { ["match_all"] = new JsonObject() } });
        return status == 200 ? body!["hits"]!["hits"]!.AsArray().Select(h => h!["_id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList() : [];
    }
}
