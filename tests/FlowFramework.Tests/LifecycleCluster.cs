using System.Collections.Concurrent;
using System.Text.Json;

namespace FlowFramework.Tests;

/// <summary>
/// A small in-memory Flow Framework for the lifecycle cmdlets: templates and states answered by id and by search
/// (from/size paging, ids and workflow_id terms, the state and has-resources filters), create, provision, delete,
/// deprovision and model group delete. <see cref="Override"/> answers first, to script failures.
/// </summary>
public sealed class LifecycleCluster : IDisposable
{
    private readonly FakeCluster _http;
    private int _created;

    public LifecycleCluster()
    {
        _http = new FakeCluster(Answer);
    }

    public string Url => _http.Url;

    public IReadOnlyList<FakeRequest> Requests => _http.RequestList;

    /// <summary>Template id to (name, use_case, created_time).</summary>
    public ConcurrentDictionary<string, (string Name, string UseCase, long Created)> Templates { get; } = new();

    /// <summary>Workflow id to (state, resources as resources_created JSON entries, error).</summary>
    public ConcurrentDictionary<string, (string State, string[] Resources, string? Error)> States { get; } = new();

    /// <summary>State documents to answer, one after another, for provisioning workflows (the last one repeats).</summary>
    public ConcurrentDictionary<string, Queue<string>> StatusScript { get; } = new();

    public Func<FakeRequest, FakeResponse?> Override { get; set; } = _ => null;

    public void Add(string id, string name, string state = "NOT_STARTED", string[]? resources = null, string useCase = "SEMANTIC_SEARCH", bool template = true)
    {
        if (template)
        {
            Templates[id] = (name, useCase, 1700000000000 + Templates.Count);
        }

        States[id] = (state, resources ?? Array.Empty<string>(), null);
    }

    /// <summary>Runs a script in a fresh session whose $c is a connection to this cluster.</summary>
    public PowerShellSession.Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = new PowerShellSession();
        return ps.Run($"$c = Connect-FlowCluster '{Url}' -PassThru\n{script}", variables);
    }

    public IEnumerable<FakeRequest> To(string method, string pathEnd) => Requests.Where(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    public void Dispose() => _http.Dispose();

    private FakeResponse Answer(FakeRequest r)
    {
        if (r.Path == "/")
        {
            return ClusterScripts.Root();
        }

        if (Override(r) is FakeResponse scripted)
        {
            return scripted;
        }

        const string wf = "/_plugins/_flow_framework/workflow";
        var path = r.Path;
        if (path.StartsWith("/_plugins/_ml/model_groups/", StringComparison.Ordinal) && r.Method == "DELETE")
        {
            return new FakeResponse(200, "{\"_index\":\".plugins-ml-model-group\",\"_id\":\"" + path[27..] + "\",\"result\":\"deleted\"}");
        }

        if (path == wf && r.Method == "POST")
        {
            var id = "new" + Interlocked.Increment(ref _created);
            using var body = JsonDocument.Parse(r.Body.Length == 0 ? "{}" : r.Body);
            var name = body.RootElement.TryGetProperty("name", out var n) ? n.GetString()! : "use case " + id;
            Add(id, name, r.Query.Contains("provision=true", StringComparison.Ordinal) ? "PROVISIONING" : "NOT_STARTED");
            return new FakeResponse(r.Query.Contains("provision=true", StringComparison.Ordinal) ? 202 : 201, "{\"workflow_id\":\"" + id + "\"}");
        }

        if (path == wf + "/_search")
        {
            return Search(r.Body, Templates.OrderBy(t => t.Value.Created).Select(t => (t.Key, JsonSerializer.Serialize(new { name = t.Value.Name, use_case = t.Value.UseCase, created_time = t.Value.Created, version = new { template = "1.0.0" } }))));
        }

        if (path == wf + "/state/_search")
        {
            return Search(r.Body, States.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, StateJson(s.Key))));
        }

        var rest = path[(wf.Length + 1)..];
        var slash = rest.IndexOf('/');
        var wid = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        var action = slash < 0 ? "" : rest[(slash + 1)..];
        switch (action, r.Method)
        {
            case ("", "GET"):
                return Templates.TryGetValue(wid, out var t)
                    ? new FakeResponse(200, JsonSerializer.Serialize(new { name = t.Name, use_case = t.UseCase, created_time = t.Created, version = new { template = "1.0.0" } }))
                    : ClusterScripts.Error(404, $"Failed to retrieve template ({wid}) from global context.");
            case ("", "DELETE"):
                var found = Templates.TryRemove(wid, out _);
                if (States.TryGetValue(wid, out var st) && (r.Query.Contains("clear_status=true", StringComparison.Ordinal) || st.Resources.Length == 0))
                {
                    States.TryRemove(wid, out _);
                }

                return new FakeResponse(200, "{\"_index\":\".plugins-flow-framework-templates\",\"_id\":\"" + wid + "\",\"_version\":2,\"result\":\"" + (found ? "deleted" : "not_found") + "\",\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0},\"_seq_no\":3,\"_primary_term\":1}");
            case ("_status", "GET"):
                if (StatusScript.TryGetValue(wid, out var script) && script.Count > 0)
                {
                    return new FakeResponse(200, script.Count > 1 ? script.Dequeue() : script.Peek());
                }

                return States.ContainsKey(wid) ? new FakeResponse(200, StateJson(wid)) : ClusterScripts.Error(404, $"Fail to find workflow status of {wid}");
            case ("_provision", "POST"):
                if (!States.TryGetValue(wid, out var before) || before.State != "NOT_STARTED")
                {
                    return ClusterScripts.Error(400, $"The workflow provisioning state is DONE and can not be provisioned unless its state is NOT_STARTED: {wid}. Deprovision the workflow to reset the state.");
                }

                States[wid] = ("PROVISIONING", before.Resources, null);
                return new FakeResponse(202, "{\"workflow_id\":\"" + wid + "\"}");
            case ("_deprovision", "POST"):
                if (!States.TryGetValue(wid, out var s))
                {
                    return ClusterScripts.Error(404, $"Failed to get workflow state for workflow {wid}");
                }

                if (Templates.ContainsKey(wid))
                {
                    States[wid] = ("NOT_STARTED", Array.Empty<string>(), null);
                }
                else
                {
                    States.TryRemove(wid, out _);
                }

                return new FakeResponse(200, "{\"workflow_id\":\"" + wid + "\"}");
            default:
                return ClusterScripts.Error(400, "no handler for " + r);
        }
    }

    public string StateJson(string id)
    {
        var s = States[id];
        var error = s.Error is null ? "" : ",\"error\":" + JsonSerializer.Serialize(s.Error);
        var resources = s.Resources.Length == 0 ? "" : ",\"resources_created\":[" + string.Join(",", s.Resources) + "]";
        return $"{{\"workflow_id\":\"{id}\",\"state\":\"{s.State}\",\"provisioning_progress\":\"{(s.State == "NOT_STARTED" ? "NOT_STARTED" : s.State == "PROVISIONING" ? "IN_PROGRESS" : "DONE")}\"{error}{resources}}}";
    }

    /// <summary>A search over (id, source) pairs: the ids / workflow_id terms, the state terms and nested filters, from and size.</summary>
    private static FakeResponse Search(string body, IEnumerable<(string Id, string Source)> all)
    {
        using var doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var root = doc.RootElement;
        var text = root.GetRawText();
        var hits = all.ToList();
        if (root.TryGetProperty("query", out var query))
        {
            if (query.TryGetProperty("ids", out var ids))
            {
                var wanted = ids.GetProperty("values").EnumerateArray().Select(e => e.GetString()).ToHashSet();
                hits = hits.Where(h => wanted.Contains(h.Id)).ToList();
            }

            if (query.TryGetProperty("terms", out var terms) && terms.TryGetProperty("workflow_id", out var wids))
            {
                var wanted = wids.EnumerateArray().Select(e => e.GetString()).ToHashSet();
                hits = hits.Where(h => wanted.Contains(h.Id)).ToList();
            }

            if (text.Contains("\"nested\"", StringComparison.Ordinal))
            {
                hits = hits.Where(h => h.Source.Contains("resources_created", StringComparison.Ordinal)).ToList();
            }

            if (query.TryGetProperty("bool", out var b) && b.TryGetProperty("filter", out var filter))
            {
                foreach (var clause in filter.EnumerateArray())
                {
                    if (clause.TryGetProperty("terms", out var t) && t.TryGetProperty("state", out var states))
                    {
                        var wanted = states.EnumerateArray().Select(e => "\"state\":\"" + e.GetString() + "\"").ToList();
                        hits = hits.Where(h => wanted.Any(w => h.Source.Contains(w, StringComparison.Ordinal))).ToList();
                    }
                }
            }
        }

        var from = root.TryGetProperty("from", out var f) ? f.GetInt32() : 0;
        var size = root.TryGetProperty("size", out var z) ? z.GetInt32() : 10;
        var page = hits.Skip(from).Take(size).Select(h => "{\"_index\":\"i\",\"_id\":\"" + h.Id + "\",\"_source\":" + h.Source + "}");
        return new FakeResponse(200, "{\"took\":1,\"timed_out\":false,\"hits\":{\"total\":{\"value\":" + hits.Count + ",\"relation\":\"eq\"},\"hits\":[" + string.Join(",", page) + "]}}");
    }
}
