using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>Flow Framework's system indices (FlowFrameworkIndicesHandler): the template and state documents and the
/// reads and writes the transport actions make on them.</summary>
internal sealed class WorkflowIndices(ClusterStore store, bool multiTenancy)
{
    public const string TemplatesIndex = ".plugins-flow-framework-templates";
    public const string StateIndex = ".plugins-flow-framework-state";

    public ClusterStore Store => store;

    public bool MultiTenancy => multiTenancy;

    public bool TemplatesIndexExists { get { lock (store.Gate) { return store.Data.TemplatesIndexExists; } } }

    public bool StateIndexExists { get { lock (store.Gate) { return store.Data.StateIndexExists; } } }

    /// <summary>ParseUtils#onGetWorkflowResponse's text for a missing doc (the access check that multi-tenancy forces).</summary>
    public static string MissingForAccessCheck(string id) => $"Failed to retrieve template ({id}) from global context.";

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

    /// <summary>The initial state document (putInitialStateToWorkflowState): NOT_STARTED, no resources.</summary>
    public StateDoc NewState(string id, string? tenant, JsonObject? user, List<string>? shared) => new()
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
                throw new FlowException(MissingForAccessCheck(id), 404);
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

    /// <summary>The state document as GetWorkflowStateTransportAction answers it; throws the server's 404/403.</summary>
    public JsonObject StateView(string id, string? tenant, bool all)
    {
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var s))
            {
                // With multi-tenancy, ParseUtils#getWorkflow reads the state doc first and answers its own 404.
                throw new FlowException(multiTenancy ? MissingForAccessCheck(id) : $"Fail to find workflow status of {id}", 404);
            }
            if (multiTenancy && s.Tenant != tenant)
            {
                throw new FlowException("No permission to access this resource", 403);
            }
            return s.ToJson(all);
        }
    }

    /// <summary>updateTemplateInGlobalContext with the field-update flag: merges the given fields.</summary>
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

    /// <summary>updateTemplateInGlobalContext without the flag: only a NOT_STARTED workflow's template is replaced.</summary>
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

    /// <summary>addResourceToStateIndex: appends a created resource as its step completes.</summary>
    public void AppendResource(string id, ResourceCreated resource)
    {
        lock (store.Gate)
        {
            if (store.Data.States.TryGetValue(id, out var state))
            {
                state.Resources.Add(resource);
                Touch(state);
            }
        }
    }

    /// <summary>deleteResourceFromStateIndex: removes every entry equal to the resource in all four fields.</summary>
    public void RemoveResource(string id, ResourceCreated resource)
    {
        lock (store.Gate)
        {
            if (store.Data.States.TryGetValue(id, out var state) && state.Resources.RemoveAll(r => r == resource) > 0)
            {
                Touch(state);
            }
        }
    }

    /// <summary>Marks the end of a provisioning run: COMPLETED/DONE, or FAILED/FAILED with the error.</summary>
    public void FinishProvision(string id, string? error)
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
            Touch(state);
        }
    }

    /// <summary>Call under the store's gate after changing a state document.</summary>
    public void Touch(StateDoc state)
    {
        state.Version++;
        state.SeqNo = store.NextSeqNo();
        store.Commit();
    }

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
}
