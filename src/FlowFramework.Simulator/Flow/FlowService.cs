using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Http;

namespace FlowFramework.Simulator.Flow;

/// <summary>How a provisioning run failed: the state's error text and the failing step's status.</summary>
internal sealed record ProvisionFailure(string Error, int Status);

/// <summary>The Flow Framework plugin: templates, state documents, provisioning and deprovisioning.</summary>
internal sealed class FlowService(ClusterStore store, StepRunner runner, bool multiTenancy)
{
    public const string TemplatesIndex = ".plugins-flow-framework-templates";
    public const string StateIndex = ".plugins-flow-framework-state";

    private readonly Dictionary<string, int> _activeDeprovisions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _deprovisionPool = new(4, 4);
    private readonly ConcurrentDictionary<string, Task> _runs = new(StringComparer.Ordinal);

    public SimConfig Config => store.Config;

    // ---------- documents ----------

    public string CreateTemplate(JsonObject template, SimUser? user, string? tenant)
    {
        var id = Ids.New();
        var now = Ids.NowMs();
        lock (store.Gate)
        {
            store.Data.TemplatesIndexExists = true;
            store.Data.StateIndexExists = true;
            store.Data.Templates[id] = new TemplateDoc
            {
                Id = id, Tenant = tenant, Template = template, User = user?.ToJson(), Created = now, Updated = now, SeqNo = store.NextSeqNo(),
            };
            store.Data.States[id] = NewState(id, tenant, user?.ToJson(), null);
            store.Commit();
        }
        return id;
    }

    private StateDoc NewState(string id, string? tenant, JsonObject? user, List<string>? shared) => new()
    {
        Id = id, Tenant = tenant, User = user, SharedPrincipals = shared, SeqNo = store.NextSeqNo(),
    };

    /// <summary>Looks up a template the caller may see; throws the server's 404/403.</summary>
    public TemplateDoc GetTemplateDoc(string id, string? tenant)
    {
        lock (store.Gate)
        {
            if (!store.Data.Templates.TryGetValue(id, out var doc))
            {
                throw new FlowException($"Failed to retrieve template ({id}) from global context.", 404);
            }
            if (multiTenancy && doc.Tenant != tenant)
            {
                throw new FlowException("No permission to access this resource", 403);
            }
            return doc;
        }
    }

    public JsonObject TemplateView(TemplateDoc doc, SimUser? caller, bool redactCredentials)
    {
        lock (store.Gate)
        {
            var o = (JsonObject)doc.Template.DeepClone();
            if (redactCredentials)
            {
                foreach (var (_, wf) in o["workflows"] as JsonObject ?? [])
                {
                    foreach (var node in wf?["nodes"] as JsonArray ?? [])
                    {
                        (node?["user_inputs"] as JsonObject)?.Remove("credential");
                    }
                }
            }
            if (doc.User is not null && caller is not null && caller.IsAdmin)
            {
                o["user"] = doc.User.DeepClone();
            }
            o["created_time"] = doc.Created;
            o["last_updated_time"] = doc.Updated;
            if (doc.LastProvisioned is not null) { o["last_provisioned_time"] = doc.LastProvisioned; }
            if (doc.Tenant is not null) { o["tenant_id"] = doc.Tenant; }
            return o;
        }
    }

    public StateDoc? FindState(string id)
    {
        lock (store.Gate) { return store.Data.States.GetValueOrDefault(id); }
    }

    public JsonObject StateView(string id, string? tenant, bool all)
    {
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var s))
            {
                // With multi-tenancy, ParseUtils#getWorkflow reads the state doc first and answers its own 404.
                throw new FlowException(multiTenancy ? MissingForTenantCheck(id) : $"Fail to find workflow status of {id}", 404);
            }
            if (multiTenancy && s.Tenant != tenant)
            {
                throw new FlowException("No permission to access this resource", 403);
            }
            return s.ToJson(all);
        }
    }

    // ---------- update ----------

    public void UpdateFields(string id, string? tenant, JsonObject fields)
    {
        lock (store.Gate)
        {
            var doc = GetTemplateDoc(id, tenant);
            foreach (var (k, v) in fields)
            {
                doc.Template[k] = v?.DeepClone();
            }
            doc.Updated = Ids.NowMs();
            doc.Version++;
            doc.SeqNo = store.NextSeqNo();
            store.Commit();
        }
    }

    public void ReplaceTemplate(string id, string? tenant, JsonObject template)
    {
        lock (store.Gate)
        {
            var doc = GetTemplateDoc(id, tenant);
            var state = store.Data.States.GetValueOrDefault(id);
            if (state is not null && state.Progress != "NOT_STARTED")
            {
                throw new FlowException($"The template can not be updated unless its provisioning state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.", 400);
            }
            doc.Template = template;
            doc.Updated = Ids.NowMs();
            doc.Version++;
            doc.SeqNo = store.NextSeqNo();
            store.Commit();
        }
    }

    // ---------- provision ----------

    /// <summary>Checks and starts provisioning of the template's "provision" workflow. Returns the run.</summary>
    public Task<ProvisionFailure?> StartProvision(string id, string? tenant, IReadOnlyDictionary<string, string> parameters)
    {
        var doc = GetTemplateDoc(id, tenant);
        JsonObject workflow;
        lock (store.Gate)
        {
            workflow = (JsonObject)((doc.Template["workflows"] as JsonObject)?["provision"]?.DeepClone()
                ?? throw new FlowException($"Provisioning failed. Workflow {id} does not contain a provision workflow.", 400));
        }
        var sorted = TemplateModel.Validate(workflow);
        var edges = TemplateModel.Edges(workflow);
        long runId;
        lock (store.Gate)
        {
            var state = store.Data.States.GetValueOrDefault(id);
            if (state is null || state.Progress != "NOT_STARTED")
            {
                throw new FlowException($"The workflow provisioning state is {state?.Progress ?? "unknown"} and can not be provisioned unless its state is NOT_STARTED: {id}. Deprovision the workflow to reset the state.", 400);
            }
            state.State = "PROVISIONING";
            state.Progress = "IN_PROGRESS";
            state.StartTime = Ids.NowMs();
            state.Resources = [];
            state.RunId++;
            runId = state.RunId;
            doc.LastProvisioned = Ids.NowMs();
            doc.SeqNo = store.NextSeqNo();
            store.Commit();
        }
        var run = Task.Run(() => RunAsync(id, tenant, sorted, edges, parameters, new Dictionary<string, StepOutput>()));
        _runs[id] = run;
        return run;
    }

    /// <summary>Reprovision: runs the nodes the stored template lacks, with outputs of existing nodes from the state.</summary>
    public Task<ProvisionFailure?> StartReprovision(string id, string? tenant, JsonObject newTemplate)
    {
        var doc = GetTemplateDoc(id, tenant);
        JsonObject oldWorkflow, newWorkflow;
        List<ResourceCreated> resources;
        lock (store.Gate)
        {
            var state = store.Data.States.GetValueOrDefault(id);
            if (state is null || (state.Progress != "DONE" && state.Progress != "FAILED"))
            {
                throw new FlowException($"The template can not be reprovisioned unless its provisioning state is DONE or FAILED: {id}", 400);
            }
            oldWorkflow = (JsonObject)((doc.Template["workflows"] as JsonObject)?["provision"]?.DeepClone() ?? new JsonObject());
            newWorkflow = (JsonObject)((newTemplate["workflows"] as JsonObject)?["provision"]?.DeepClone()
                ?? throw new FlowException("Workflow Step deletion is not supported when reprovisioning a template.", 400));
            resources = [.. state.Resources];
        }
        var oldNodes = TemplateModel.Nodes(oldWorkflow);
        var sorted = TemplateModel.Validate(newWorkflow);
        var newById = sorted.ToDictionary(n => n.Id);
        if (oldNodes.Any(o => !newById.TryGetValue(o.Id, out var n) || n.Type != o.Type))
        {
            throw new FlowException("Workflow Step deletion is not supported when reprovisioning a template.", 400);
        }
        var oldIds = oldNodes.Select(n => n.Id).ToHashSet();
        var changed = oldNodes.Where(o => newById[o.Id].UserInputs.ToJsonString() != o.UserInputs.ToJsonString()
            || newById[o.Id].PreviousNodeInputs.ToJsonString() != o.PreviousNodeInputs.ToJsonString()).ToList();
        var updatable = new[] { "create_index", "create_ingest_pipeline", "create_search_pipeline" };
        foreach (var c in changed.Where(c => !updatable.Contains(c.Type)))
        {
            throw new FlowException($"Workflow Step {c.Id} does not support updates when reprovisioning.", 400);
        }
        var added = sorted.Where(n => !oldIds.Contains(n.Id)).ToList();
        if (added.Count == 0 && changed.Count == 0)
        {
            throw new FlowException("Template does not contain any modifications", 400);
        }
        var known = new Dictionary<string, StepOutput>(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            var o = known.TryGetValue(r.StepId, out var existing) ? existing : known[r.StepId] = new StepOutput();
            o.Values[r.ResourceType] = r.ResourceId;
            if (r.ResourceType == "index_name") { o.Values["index_name"] = r.ResourceId; }
        }
        var toRun = sorted.Where(n => !oldIds.Contains(n.Id)).Select(n => n)
            .Concat(changed.Select(c => newById[c.Id] with { Type = c.Type.Replace("create_", "update_", StringComparison.Ordinal) }))
            .ToList();
        var runOrder = sorted.Select(s => toRun.FirstOrDefault(t => t.Id == s.Id)).OfType<WorkflowNode>().ToList();
        lock (store.Gate)
        {
            var state = store.Data.States[id];
            state.State = "PROVISIONING";
            state.Progress = "IN_PROGRESS";
            state.StartTime = Ids.NowMs();
            state.Error = null;
            doc.Template = newTemplate;
            doc.Updated = Ids.NowMs();
            doc.LastProvisioned = Ids.NowMs();
            doc.SeqNo = store.NextSeqNo();
            store.Commit();
        }
        var edges = TemplateModel.Edges(newWorkflow).Where(e => runOrder.Any(n => n.Id == e.Dest) && runOrder.Any(n => n.Id == e.Source)).ToList();
        var allEdges = TemplateModel.Edges(newWorkflow);
        var run = Task.Run(() => RunAsync(id, tenant, runOrder, edges, new Dictionary<string, string>(), known, allEdges));
        _runs[id] = run;
        return run;
    }

    private async Task<ProvisionFailure?> RunAsync(string id, string? tenant, List<WorkflowNode> sorted, List<WorkflowEdge> edges,
        IReadOnlyDictionary<string, string> parameters, Dictionary<string, StepOutput> initialOutputs, List<WorkflowEdge>? inputEdges = null)
    {
        inputEdges ??= edges;
        var outputs = new ConcurrentDictionary<string, StepOutput>(initialOutputs, StringComparer.Ordinal);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var node in sorted)
        {
            var predecessors = edges.Where(e => e.Dest == node.Id).Select(e => tasks[e.Source]).ToArray();
            tasks[node.Id] = Task.Run(async () =>
            {
                await Task.WhenAll(predecessors).ConfigureAwait(false);
                await Task.Delay(Config.ProvisionDelayMs).ConfigureAwait(false);
                var inputs = BuildInputs(node, inputEdges, outputs, parameters);
                outputs[node.Id] = runner.Provision(node, inputs, id, tenant, r => AppendResource(id, r));
            });
        }
        var current = "";
        try
        {
            foreach (var node in sorted)
            {
                current = node.Id;
                await tasks[node.Id].ConfigureAwait(false);
            }
            FinishProvision(id, null);
            return null;
        }
        catch (FlowException ex)
        {
            var error = $"{ex.KindName} during step {current}, {ex.Message}, restStatus: {FlowException.StatusName(ex.Status)}";
            FinishProvision(id, error);
            return new ProvisionFailure(error, ex.Status);
        }
        catch (Exception ex)
        {
            var error = $"{ex.GetType().Name} during step {current}, restStatus: INTERNAL_SERVER_ERROR";
            FinishProvision(id, error);
            return new ProvisionFailure(error, 500);
        }
    }

    private static JsonObject BuildInputs(WorkflowNode node, List<WorkflowEdge> edges, IReadOnlyDictionary<string, StepOutput> outputs, IReadOnlyDictionary<string, string> parameters)
    {
        var inputs = (JsonObject)StepRunner.Substitute(node.UserInputs, outputs, parameters)!;
        var tools = new JsonArray();
        foreach (var e in edges.Where(e => e.Dest == node.Id))
        {
            if (!outputs.TryGetValue(e.Source, out var o)) { continue; }
            foreach (var (k, v) in o.Values)
            {
                if (k == "tools")
                {
                    tools.Add(v?.DeepClone());
                }
                else if (inputs[k] is null)
                {
                    inputs[k] = v is null ? null : JsonValue.Create(Json.AsText(v));
                }
            }
        }
        foreach (var (source, keyNode) in node.PreviousNodeInputs)
        {
            var key = Json.AsText(keyNode) ?? "";
            if (key != "tools" && outputs.TryGetValue(source, out var o) && o.Values.TryGetValue(key, out var v))
            {
                inputs[key] = JsonValue.Create(Json.AsText(v));
            }
        }
        if (tools.Count > 0 && inputs["tools"] is null)
        {
            inputs["tools"] = tools;
        }
        return inputs;
    }

    private void AppendResource(string id, ResourceCreated resource)
    {
        lock (store.Gate)
        {
            if (store.Data.States.TryGetValue(id, out var state))
            {
                state.Resources.Add(resource);
                state.Version++;
                state.SeqNo = store.NextSeqNo();
                store.Commit();
            }
        }
    }

    private void FinishProvision(string id, string? error)
    {
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var state))
            {
                return;
            }
            state.State = error is null ? "COMPLETED" : "FAILED";
            state.Progress = error is null ? "DONE" : "FAILED";
            if (error is not null) { state.Error = error; }
            state.EndTime = Ids.NowMs();
            state.Version++;
            state.SeqNo = store.NextSeqNo();
            store.Commit();
        }
    }

    /// <summary>Waits for a run to end or the timeout to pass (wait_for_completion_timeout).</summary>
    public static async Task WaitAsync(Task run, TimeSpan timeout)
    {
        await Task.WhenAny(run, Task.Delay(timeout)).ConfigureAwait(false);
    }

    // ---------- deprovision ----------

    public bool TryAcquireDeprovision(string? tenant)
    {
        if (tenant is null) { return true; }
        lock (_activeDeprovisions)
        {
            var active = _activeDeprovisions.GetValueOrDefault(tenant);
            if (active >= Config.MaxDeprovisionsPerTenant) { return false; }
            _activeDeprovisions[tenant] = active + 1;
            return true;
        }
    }

    public void ReleaseDeprovision(string? tenant)
    {
        if (tenant is null) { return; }
        lock (_activeDeprovisions)
        {
            var active = _activeDeprovisions.GetValueOrDefault(tenant) - 1;
            if (active <= 0) { _activeDeprovisions.Remove(tenant); } else { _activeDeprovisions[tenant] = active; }
        }
    }

    /// <summary>Deprovisions as DeprovisionWorkflowTransportAction does (§4); returns the HTTP response.</summary>
    public async Task<SimResponse> DeprovisionAsync(string id, string? tenant, SimUser? caller, string? allowDelete, CancellationToken ct)
    {
        List<ResourceCreated> resources;
        List<string>? shared;
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var state))
            {
                return SimResponse.Flow(404, multiTenancy ? MissingForTenantCheck(id) : $"Failed to get workflow state for workflow {id}");
            }
            if (multiTenancy && state.Tenant != tenant)
            {
                return SimResponse.Flow(403, "No permission to access this resource");
            }
            resources = [.. state.Resources];
            shared = state.SharedPrincipals is null ? null : [.. state.SharedPrincipals];
        }
        var allowed = (allowDelete ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        await _deprovisionPool.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var skipped = new List<ResourceCreated>();
            var sequence = new List<(ResourceCreated Resource, string Step)>();
            foreach (var r in resources)
            {
                var step = StepCatalogue.Find(r.StepName)?.DeprovisionStep;
                if (step is null)
                {
                    // The real server throws on its worker thread and never answers; a client would time out.
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                    return SimResponse.Flow(400, $"Unable to find deprovision step for step: {r.StepName}");
                }
                if (StepCatalogue.AllowDeleteRequired.Contains(step) && !allowed.Contains(r.ResourceId))
                {
                    skipped.Add(r);
                    continue;
                }
                sequence.Add((r, step));
            }
            sequence.Reverse();

            var remaining = sequence;
            var count = remaining.Count;
            while (count > 0)
            {
                var survivors = new List<(ResourceCreated Resource, string Step)>();
                foreach (var node in remaining)
                {
                    var result = runner.Deprovision(node.Step, node.Resource.ResourceId, tenant, caller);
                    if (result.Ok)
                    {
                        RemoveResource(id, node.Resource);
                        await Task.Delay(Config.StepPauseMs, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        survivors.Add(node);
                    }
                }
                remaining = survivors;
                if (remaining.Count < count)
                {
                    count = remaining.Count;
                    if (count == 0) { }
                    await Task.Delay(Config.PassPauseMs, ct).ConfigureAwait(false);
                }
                else
                {
                    break;
                }
            }
            return FinishDeprovision(id, tenant, caller, shared, remaining.Select(r => r.Resource).ToList(), skipped);
        }
        finally
        {
            _deprovisionPool.Release();
        }
    }

    private void RemoveResource(string id, ResourceCreated resource)
    {
        lock (store.Gate)
        {
            if (store.Data.States.TryGetValue(id, out var state) && state.Resources.RemoveAll(r => r == resource) > 0)
            {
                state.Version++;
                state.SeqNo = store.NextSeqNo();
                store.Commit();
            }
        }
    }

    private SimResponse FinishDeprovision(string id, string? tenant, SimUser? caller, List<string>? shared, List<ResourceCreated> remaining, List<ResourceCreated> skipped)
    {
        lock (store.Gate)
        {
            if (remaining.Count == 0 && skipped.Count == 0)
            {
                if (store.Data.Templates.ContainsKey(id))
                {
                    var fresh = NewState(id, tenant, caller?.ToJson(), shared);
                    if (store.Data.States.TryGetValue(id, out var old)) { fresh.Version = old.Version + 1; fresh.RunId = old.RunId; }
                    store.Data.States[id] = fresh;
                }
                else
                {
                    store.Data.States.Remove(id);
                }
                store.Commit();
                return SimResponse.Ok(new JsonObject { ["workflow_id"] = id });
            }
            if (store.Data.States.TryGetValue(id, out var state))
            {
                state.State = "COMPLETED";
                state.Progress = "DONE";
                state.EndTime = Ids.NowMs();
                state.Resources = [.. remaining, .. skipped];
                state.Version++;
                state.SeqNo = store.NextSeqNo();
                store.Commit();
            }
        }
        var message = new System.Text.StringBuilder();
        static string Items(List<ResourceCreated> list)
            => "[" + string.Join(", ", list.Select(r => $"{StepCatalogue.Find(r.StepName)?.ResourceType ?? r.ResourceType} {r.ResourceId}").Distinct()) + "]";
        if (remaining.Count > 0)
        {
            message.Append("Failed to deprovision some resources: ").Append(Items(remaining)).Append('.');
        }
        if (skipped.Count > 0)
        {
            if (message.Length > 0) { message.Append(' '); }
            message.Append("These resources require the allow_delete parameter to deprovision: ").Append(Items(skipped)).Append('.');
        }
        return SimResponse.Flow(remaining.Count > 0 ? 202 : 403, message.ToString());
    }

    // ---------- delete ----------

    public SimResponse Delete(string id, string? tenant, bool clearStatus)
    {
        lock (store.Gate)
        {
            if (!store.Data.TemplatesIndexExists)
            {
                return SimResponse.Flow(404, "There are no templates in the global context");
            }
            var found = store.Data.Templates.TryGetValue(id, out var doc);
            if (multiTenancy)
            {
                // ParseUtils#resolveUserAndExecute → getWorkflow on the state index when clear_status=true, else on the
                // templates index: a missing doc is 404 and another tenant's doc 403, before anything is deleted.
                var owner = clearStatus ? store.Data.States.GetValueOrDefault(id)?.Tenant : doc?.Tenant;
                var exists = clearStatus ? store.Data.States.ContainsKey(id) : found;
                if (!exists) { return SimResponse.Flow(404, MissingForTenantCheck(id)); }
                if (owner != tenant) { return SimResponse.Flow(403, "No permission to access this resource"); }
            }
            long version = 1;
            if (found)
            {
                version = doc!.Version + 1;
                store.Data.Templates.Remove(id);
            }
            if (store.Data.States.TryGetValue(id, out var state) && (clearStatus || state.Resources.Count == 0) && state.Progress != "IN_PROGRESS")
            {
                store.Data.States.Remove(id);
            }
            store.Commit();
            var body = new JsonObject
            {
                ["_index"] = TemplatesIndex,
                ["_id"] = id,
                ["_version"] = version,
                ["result"] = found ? "deleted" : "not_found",
                ["_shards"] = new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                ["_seq_no"] = store.NextSeqNo(),
                ["_primary_term"] = 1,
            };
            return SimResponse.Ok(body);
        }
    }

    // ---------- search ----------

    public List<SearchDoc> TemplateDocs(string? tenant, SimUser? caller)
    {
        lock (store.Gate)
        {
            return store.Data.Templates.Values.Where(t => !multiTenancy || t.Tenant == tenant).OrderBy(t => t.Created)
                .Select(t =>
                {
                    var source = TemplateView(t, caller, redactCredentials: caller is not null && !caller.IsAdmin);
                    return new SearchDoc(TemplatesIndex, t.Id, t.Version, t.SeqNo, source);
                }).ToList();
        }
    }

    public List<SearchDoc> StateDocs(string? tenant, SimUser? caller)
    {
        lock (store.Gate)
        {
            return store.Data.States.Values.Where(s => !multiTenancy || s.Tenant == tenant)
                .Select(s =>
                {
                    var source = s.ToJson(all: true);
                    if (caller is not null && !caller.IsAdmin) { source.Remove("user"); }
                    return new SearchDoc(StateIndex, s.Id, s.Version, s.SeqNo, source);
                }).ToList();
        }
    }

    /// <summary>ParseUtils#onGetWorkflowResponse's text for a missing doc (the access check that multi-tenancy forces).</summary>
    private static string MissingForTenantCheck(string id) => $"Failed to retrieve template ({id}) from global context.";

    public bool TemplatesIndexExists { get { lock (store.Gate) { return store.Data.TemplatesIndexExists; } } }
    public bool StateIndexExists { get { lock (store.Gate) { return store.Data.StateIndexExists; } } }
}
