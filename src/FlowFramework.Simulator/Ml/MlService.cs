using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons: connectors, models, model groups and agents, with the dependency rules of §5.</summary>
internal sealed class MlService(ClusterStore store, bool multiTenancy, IHoldPoints holds)
{
    private CancellationTokenSource _life = new();

    public const string ConnectorIndex = ".plugins-ml-connector";
    public const string ModelIndex = ".plugins-ml-model";
    public const string ModelGroupIndex = ".plugins-ml-model-group";
    public const string AgentIndex = ".plugins-ml-agent";

    private static readonly string[] DeployedStates = ["LOADED", "LOADING", "PARTIALLY_LOADED", "DEPLOYED", "DEPLOYING", "PARTIALLY_DEPLOYED"];

    private static OpResult? Deny(SimUser? caller, Permission p, string action)
        => caller is null || caller.Can(p) ? null
            : OpResult.Core(403, "security_exception", $"no permissions for [cluster:admin/opensearch/ml/{action}] and {caller.Describe()}");

    private bool TenantMismatch(string? docTenant, string? tenant) => multiTenancy && !string.Equals(docTenant, tenant, StringComparison.Ordinal);

    private static OpResult NoTenantAccess() => OpResult.StatusError(403, "You don't have permission to access this resource");

    // ---- connectors ----

    public OpResult CreateConnector(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "create_connector") is { } d) { return d; }
        foreach (var required in new[] { "name", "protocol", "actions" })
        {
            if (body[required] is null)
            {
                return OpResult.Core(400, "illegal_argument_exception", $"Connector {required} is null");
            }
        }
        var id = Ids.New();
        var now = Ids.NowMs();
        var stored = (JsonObject)body.DeepClone();
        lock (store.Gate)
        {
            store.Data.Connectors[id] = new ConnectorDoc { Id = id, Tenant = tenant, Body = stored, Created = now };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["connector_id"] = id }, id);
    }

    public OpResult GetConnector(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlRead, "connectors/get") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Connectors.TryGetValue(id, out var c))
            {
                return OpResult.StatusError(404, $"Failed to find connector with the provided connector id: {id}");
            }
            if (TenantMismatch(c.Tenant, tenant)) { return NoTenantAccess(); }
            return OpResult.Success(ConnectorSource(c));
        }
    }

    private static JsonObject ConnectorSource(ConnectorDoc c)
    {
        var o = new JsonObject();
        foreach (var (k, v) in c.Body)
        {
            if (k != "credential")
            {
                o[k] = v?.DeepClone();
            }
        }
        o["created_time"] = c.Created;
        o["last_updated_time"] = c.Created;
        if (c.Tenant is not null) { o["tenant_id"] = c.Tenant; }
        return o;
    }

    /// <summary>Deletes a connector. <paramref name="viaRest"/> gives REST's 404 for a missing one; the Java client path
    /// (a deprovision step) gets a not_found DeleteResponse, i.e. success, unless multi-tenancy is on.</summary>
    public OpResult DeleteConnector(string id, string? tenant, SimUser? caller, bool viaRest)
    {
        if (Deny(caller, Permission.MlWrite, "connectors/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            var now = Ids.NowMs();
            if (!store.Data.Connectors.TryGetValue(id, out var c))
            {
                if (multiTenancy)
                {
                    return OpResult.StatusError(404, $"Failed to find connector with the provided connector id: {id}");
                }
                var notFound = OpResult.DeleteResponse(ConnectorIndex, id, 1, store.NextSeqNo(), found: false);
                return viaRest ? OpResult.With(404, notFound) : OpResult.Success(notFound);
            }
            if (TenantMismatch(c.Tenant, tenant)) { return NoTenantAccess(); }
            PurgeRefreshed(now);
            var users = store.Data.Models.Values.Where(m => m.ConnectorId == id).Select(m => m.Id)
                .Concat(store.Data.RecentlyDeletedModels.Where(m => m.ConnectorId == id).Select(m => m.ModelId))
                .Distinct().ToList();
            if (users.Count > 0)
            {
                return OpResult.StatusError(409,
                    Invariant($"{users.Count} models are still using this connector, please delete or update the models first: [{string.Join(", ", users)}]"));
            }
            store.Data.Connectors.Remove(id);
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(ConnectorIndex, id, c.Version + 1, store.NextSeqNo(), found: true));
        }
    }

    // ---- model groups ----

    public OpResult RegisterModelGroup(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "register_model_group") is { } d) { return d; }
        var name = Json.AsText(body["name"]);
        if (string.IsNullOrWhiteSpace(name))
        {
            return OpResult.Core(400, "illegal_argument_exception", "model group name can't be null or empty");
        }
        lock (store.Gate)
        {
            if (store.Data.ModelGroups.Values.Any(g => g.Name == name && g.Tenant == tenant))
            {
                return OpResult.Core(400, "illegal_argument_exception",
                    $"The name you provided is already being used by a model group with ID: {store.Data.ModelGroups.Values.First(g => g.Name == name).Id}.");
            }
            var id = Ids.New();
            store.Data.ModelGroups[id] = new ModelGroupDoc
            {
                Id = id, Tenant = tenant, Name = name, Description = Json.AsText(body["description"]),
                AccessMode = Json.AsText(body["access_mode"]) ?? "public", Created = Ids.NowMs(),
            };
            store.Commit();
            return OpResult.Success(new JsonObject { ["model_group_id"] = id, ["status"] = "CREATED" }, id);
        }
    }

    public OpResult GetModelGroup(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlRead, "model_groups/get") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.ModelGroups.TryGetValue(id, out var g))
            {
                return OpResult.StatusError(404, "Failed to find model group");
            }
            if (TenantMismatch(g.Tenant, tenant)) { return NoTenantAccess(); }
            return OpResult.Success(GroupSource(g));
        }
    }

    private static JsonObject GroupSource(ModelGroupDoc g)
    {
        var o = new JsonObject { ["name"] = g.Name, ["latest_version"] = g.LatestVersion };
        if (g.Description is not null) { o["description"] = g.Description; }
        o["access"] = g.AccessMode;
        o["created_time"] = g.Created;
        o["last_updated_time"] = g.Created;
        return o;
    }

    public OpResult DeleteModelGroup(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "model_groups/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.ModelGroups.TryGetValue(id, out var g))
            {
                return OpResult.StatusError(404, "Failed to find model group");
            }
            if (TenantMismatch(g.Tenant, tenant)) { return NoTenantAccess(); }
            if (store.Data.Models.Values.Any(m => m.ModelGroupId == id))
            {
                return OpResult.StatusError(409, "Cannot delete the model group when it has associated model versions");
            }
            store.Data.ModelGroups.Remove(id);
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(ModelGroupIndex, id, g.Version + 1, store.NextSeqNo(), found: true));
        }
    }

    // ---- models ----

    /// <summary>Registers a model (remote when it has a connector); returns the register response.</summary>
    public OpResult RegisterModel(JsonObject body, string? tenant, SimUser? caller, string algorithm)
    {
        if (Deny(caller, Permission.MlWrite, "register_model") is { } d) { return d; }
        var name = Json.AsText(body["name"]);
        if (string.IsNullOrWhiteSpace(name))
        {
            return OpResult.Core(400, "illegal_argument_exception", "model name is null");
        }
        var connectorId = Json.AsText(body["connector_id"]);
        lock (store.Gate)
        {
            if (algorithm == "REMOTE")
            {
                if (connectorId is null && body["connector"] is null)
                {
                    return OpResult.Core(400, "illegal_argument_exception", "Must provide connector id or connector");
                }
                if (connectorId is not null && !store.Data.Connectors.ContainsKey(connectorId))
                {
                    return OpResult.StatusError(404, $"Failed to find connector with the provided connector id: {connectorId}");
                }
            }
            var groupId = Json.AsText(body["model_group_id"]);
            ModelGroupDoc? group;
            if (groupId is null)
            {
                group = new ModelGroupDoc { Id = Ids.New(), Tenant = tenant, Name = $"{name}_{Ids.New()[..6]}", Created = Ids.NowMs() };
                store.Data.ModelGroups[group.Id] = group;
            }
            else if (!store.Data.ModelGroups.TryGetValue(groupId, out group))
            {
                return OpResult.StatusError(404, "Failed to find model group");
            }
            group.LatestVersion++;
            var id = Ids.New();
            var now = Ids.NowMs();
            store.Data.Models[id] = new ModelDoc
            {
                Id = id, Tenant = tenant, Name = name, Algorithm = algorithm, Description = Json.AsText(body["description"]),
                ConnectorId = connectorId, ModelGroupId = group.Id, ModelVersion = Invariant($"{group.LatestVersion}"),
                Created = now, Updated = now,
            };
            store.Commit();
            return OpResult.Success(new JsonObject { ["task_id"] = Ids.New(), ["status"] = "CREATED", ["model_id"] = id }, id);
        }
    }

    public OpResult GetModel(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlRead, "models/get") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Models.TryGetValue(id, out var m))
            {
                return OpResult.StatusError(404, "Failed to find model");
            }
            if (TenantMismatch(m.Tenant, tenant)) { return NoTenantAccess(); }
            return OpResult.Success(ModelSource(m));
        }
    }

    /// <summary>
    /// The undeploy lag: an undeploy that leaves a node still serving the model writes only the remaining worker nodes,
    /// not UNDEPLOYED (TransportUndeployModelAction, "undeploy partial nodes"), so the document, which GET, search and
    /// DeleteModelTransportAction all read, says DEPLOYED until the last node lets go (MLSyncUpCron). One document, one
    /// state: a delete is refused exactly while a read shows DEPLOYED.
    /// </summary>
    private bool InUndeployLag(ModelDoc m, long now)
        => m.State == "UNDEPLOYED" && m.LastUndeployed is { } at && now - at < store.Config.UndeployLagMs;

    /// <summary>The model document as GET returns it (MLModel#toXContent: empty and null fields omitted).</summary>
    public JsonObject ModelSource(ModelDoc m)
    {
        var lagging = InUndeployLag(m, Ids.NowMs());
        var o = new JsonObject
        {
            ["name"] = m.Name,
            ["model_group_id"] = m.ModelGroupId,
            ["algorithm"] = m.Algorithm,
            ["model_version"] = m.ModelVersion,
        };
        if (m.Description is not null) { o["description"] = m.Description; }
        o["model_state"] = lagging ? "DEPLOYED" : m.State;
        o["created_time"] = m.Created;
        o["last_updated_time"] = m.Updated;
        o["last_registered_time"] = m.Created;
        // ML Commons never writes last_undeployed_time; undeploy zeroes the worker-node counts and empties
        // planning_worker_nodes, leaving auto_redeploy_retry_times and deploy_to_all_nodes.
        if (m.LastDeployed is not null) { o["last_deployed_time"] = m.LastDeployed; }
        if (m.AutoRedeployRetryTimes is not null) { o["auto_redeploy_retry_times"] = m.AutoRedeployRetryTimes; }
        if (lagging)
        {
            // A partial undeploy: the node still serving it is the remaining worker, and deploy_to_all_nodes is false.
            o["planning_worker_node_count"] = 1;
            o["current_worker_node_count"] = 1;
            o["planning_worker_nodes"] = Json.Array([store.NodeId]);
            o["deploy_to_all_nodes"] = false;
        }
        else
        {
            if (m.PlanningWorkerNodeCount is not null) { o["planning_worker_node_count"] = m.PlanningWorkerNodeCount; }
            if (m.CurrentWorkerNodeCount is not null) { o["current_worker_node_count"] = m.CurrentWorkerNodeCount; }
            if (m.PlanningWorkerNodes is { Count: > 0 }) { o["planning_worker_nodes"] = Json.Array(m.PlanningWorkerNodes); }
            if (m.DeployToAllNodes is not null) { o["deploy_to_all_nodes"] = m.DeployToAllNodes; }
        }
        if (m.ConnectorId is not null) { o["connector_id"] = m.ConnectorId; }
        if (m.Tenant is not null) { o["tenant_id"] = m.Tenant; }
        return o;
    }

    public OpResult DeployModel(string id, string? tenant, SimUser? caller) => StartDeploy(id, tenant, caller).Answer;

    /// <summary>
    /// TransportDeployModelAction: the model document becomes DEPLOYING and the node starts deploying it; the answer
    /// does not wait (a remote model's task answers COMPLETED at once, others CREATED). The deployment completes after
    /// <c>deploy_lag_ms</c> (or when the <c>deploy-complete</c> gate releases it): the node serves the model and the
    /// document becomes DEPLOYED (TransportForwardAction DEPLOY_MODEL_DONE), even when an undeploy came in between.
    /// </summary>
    public (OpResult Answer, Task Deployed) StartDeploy(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "models/deploy") is { } d) { return (d, Task.CompletedTask); }
        string algorithm;
        lock (store.Gate)
        {
            if (!store.Data.Models.TryGetValue(id, out var m))
            {
                return (OpResult.StatusError(404, "Failed to find model"), Task.CompletedTask);
            }
            if (TenantMismatch(m.Tenant, tenant)) { return (NoTenantAccess(), Task.CompletedTask); }
            algorithm = m.Algorithm;
            m.State = "DEPLOYING";
            m.PlanningWorkerNodeCount = 1;
            m.PlanningWorkerNodes = [store.NodeId];
            m.DeployToAllNodes = true;
            m.Served = "DEPLOYING";
            m.Updated = Ids.NowMs();
            store.Commit();
        }
        Task deployed;
        var lag = store.Config.DeployLagMs;
        if (lag == 0 && !holds.IsArmed(HoldPoint.DeployComplete, id))
        {
            CompleteDeploy(id);
            deployed = Task.CompletedTask;
        }
        else
        {
            var life = _life.Token;
            deployed = Task.Run(async () =>
            {
                await holds.WaitAsync(HoldPoint.DeployComplete, id, life).ConfigureAwait(false);
                await Task.Delay(lag, life).ConfigureAwait(false);
                CompleteDeploy(id);
            }, CancellationToken.None);
        }
        var status = algorithm == "REMOTE" ? "COMPLETED" : "CREATED";
        return (OpResult.Success(new JsonObject { ["task_id"] = Ids.New(), ["task_type"] = "DEPLOY_MODEL", ["status"] = status }, id), deployed);
    }

    private void CompleteDeploy(string id)
    {
        lock (store.Gate)
        {
            // A deleted model's document cannot be updated (the node would keep serving it, unseen).
            if (!store.Data.Models.TryGetValue(id, out var m)) { return; }
            var now = Ids.NowMs();
            m.Served = "DEPLOYED";
            m.State = "DEPLOYED";
            m.LastDeployed = now;
            m.CurrentWorkerNodeCount = 1;
            m.PlanningWorkerNodeCount = 1;
            m.PlanningWorkerNodes = [store.NodeId];
            m.AutoRedeployRetryTimes = 0;
            m.Updated = now;
            store.Commit();
        }
    }

    /// <summary>
    /// TransportUndeployModelsAction with one model: the node undeploys a model it serves ("undeployed") and answers
    /// "not_found" for one it does not serve, which includes one still DEPLOYING (MLModelCacheHelper#isModelDeployed is
    /// DEPLOYED only); either way the node drops it and the document is written UNDEPLOYED with zero worker counts before
    /// the answer.
    /// </summary>
    public OpResult UndeployModel(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "models/undeploy") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Models.TryGetValue(id, out var m))
            {
                return OpResult.StatusError(404, "Failed to find model");
            }
            if (TenantMismatch(m.Tenant, tenant)) { return NoTenantAccess(); }
            var now = Ids.NowMs();
            var served = m.Served == "DEPLOYED";
            m.Served = null;
            m.State = "UNDEPLOYED";
            m.PlanningWorkerNodes = [];
            m.PlanningWorkerNodeCount = 0;
            m.CurrentWorkerNodeCount = 0;
            m.Updated = now;
            if (served) { m.LastUndeployed = now; }
            store.Commit();
            return OpResult.Success(new JsonObject
            {
                [store.NodeId] = new JsonObject { ["stats"] = new JsonObject { [id] = served ? "undeployed" : "not_found" } },
            });
        }
    }

    /// <summary>DeleteModelTransportAction: a model whose document is in a deployed or deploying state is refused with 400.</summary>
    public OpResult DeleteModel(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "models/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Models.TryGetValue(id, out var m))
            {
                return OpResult.StatusError(404, "Failed to find model");
            }
            if (TenantMismatch(m.Tenant, tenant)) { return NoTenantAccess(); }
            var now = Ids.NowMs();
            if (DeployedStates.Contains(m.State) || InUndeployLag(m, now))
            {
                return OpResult.StatusError(400, "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete");
            }
            var source = ModelSource(m);
            store.Data.Models.Remove(id);
            if (store.Config.RefreshLagMs > 0)
            {
                // Until the model index refreshes, searches (the connector's "models still using it" check and
                // POST _plugins/_ml/models/_search alike) still find the deleted document; GET is realtime and does not.
                store.Data.RecentlyDeletedModels.Add(new DeletedModel(m.ConnectorId, id, now, source, m.Tenant));
            }
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(ModelIndex, id, m.Version + 1, store.NextSeqNo(), found: true));
        }
    }

    /// <summary>A node restart: deployments in progress never complete.</summary>
    public void Restart()
    {
        var old = Interlocked.Exchange(ref _life, new CancellationTokenSource());
        old.Cancel();
    }

    // ---- agents ----

    public OpResult RegisterAgent(JsonObject body, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "agents/register") is { } d) { return d; }
        if (string.IsNullOrWhiteSpace(Json.AsText(body["name"])))
        {
            return OpResult.Core(400, "illegal_argument_exception", "agent name is null");
        }
        if ((Json.AsText(body["type"]) ?? "").ToLowerInvariant() is not ("flow" or "conversational" or "conversational_flow" or "plan_execute_and_reflect"))
        {
            return OpResult.Core(400, "illegal_argument_exception", $"{Json.AsText(body["type"])} is not a valid Agent Type");
        }
        var id = Ids.New();
        lock (store.Gate)
        {
            store.Data.Agents[id] = new AgentDoc { Id = id, Tenant = tenant, Body = (JsonObject)body.DeepClone(), Created = Ids.NowMs() };
            store.Commit();
        }
        return OpResult.Success(new JsonObject { ["agent_id"] = id }, id);
    }

    public OpResult GetAgent(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlRead, "agents/get") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Agents.TryGetValue(id, out var a))
            {
                return OpResult.StatusError(404, $"Failed to find agent with the provided agent id: {id}");
            }
            if (TenantMismatch(a.Tenant, tenant)) { return NoTenantAccess(); }
            return OpResult.Success(AgentSource(a));
        }
    }

    private static JsonObject AgentSource(AgentDoc a)
    {
        var o = (JsonObject)a.Body.DeepClone();
        o["created_time"] = a.Created;
        o["last_updated_time"] = a.Created;
        o["is_hidden"] = false;
        return o;
    }

    public OpResult DeleteAgent(string id, string? tenant, SimUser? caller)
    {
        if (Deny(caller, Permission.MlWrite, "agents/delete") is { } d) { return d; }
        lock (store.Gate)
        {
            if (!store.Data.Agents.TryGetValue(id, out var a))
            {
                return OpResult.StatusError(404, "Fail to find ml agent");
            }
            if (TenantMismatch(a.Tenant, tenant)) { return NoTenantAccess(); }
            store.Data.Agents.Remove(id);
            store.Commit();
            return OpResult.Success(OpResult.DeleteResponse(AgentIndex, id, a.Version + 1, store.NextSeqNo(), found: true));
        }
    }

    // ---- the control surface's view of the lags ----

    /// <summary>
    /// When each dependency lag ends, in epoch milliseconds: a model's undeploy lag (the moment a read stops showing
    /// DEPLOYED and a delete is accepted) and a deleted model's refresh lag (the moment searches and the connector's
    /// "still used" check stop finding it). Past moments stay listed while the model (or the deleted entry) is remembered,
    /// so a client that asks late still learns when it cleared.
    /// </summary>
    public JsonArray Clearings()
    {
        lock (store.Gate)
        {
            var now = Ids.NowMs();
            PurgeRefreshed(now);
            var list = new JsonArray();
            var undeployLag = store.Config.UndeployLagMs;
            foreach (var m in store.Data.Models.Values.Where(m => m.State == "UNDEPLOYED" && m.LastUndeployed is not null && undeployLag > 0))
            {
                list.Add(new JsonObject
                {
                    ["kind"] = "undeploy_lag",
                    ["model_id"] = m.Id,
                    ["connector_id"] = m.ConnectorId,
                    ["clears_at_ms"] = m.LastUndeployed!.Value + undeployLag,
                    ["cleared"] = !InUndeployLag(m, now),
                });
            }
            foreach (var d in store.Data.RecentlyDeletedModels)
            {
                list.Add(new JsonObject
                {
                    ["kind"] = "refresh_lag",
                    ["model_id"] = d.ModelId,
                    ["connector_id"] = d.ConnectorId,
                    ["clears_at_ms"] = d.DeletedAt + store.Config.RefreshLagMs,
                    ["cleared"] = false,
                });
            }
            return list;
        }
    }

    // ---- search ----

    /// <summary>Forgets deleted models the model index has refreshed away (<c>refresh_lag_ms</c> after their delete).</summary>
    private void PurgeRefreshed(long now)
    {
        var lag = store.Config.RefreshLagMs;
        store.Data.RecentlyDeletedModels.RemoveAll(m => now - m.DeletedAt >= lag);
    }

    public IEnumerable<SearchDoc> SearchDocs(string kind, string? tenant)
    {
        lock (store.Gate)
        {
            bool Visible(string? t) => !multiTenancy || t == tenant;
            PurgeRefreshed(Ids.NowMs());
            return kind switch
            {
                "connectors" => store.Data.Connectors.Values.Where(c => Visible(c.Tenant)).Select(c => new SearchDoc(ConnectorIndex, c.Id, c.Version, 0, ConnectorSource(c))).ToList(),
                "models" => store.Data.Models.Values.Where(m => Visible(m.Tenant)).Select(m => new SearchDoc(ModelIndex, m.Id, m.Version, 0, ModelSource(m)))
                    .Concat(store.Data.RecentlyDeletedModels.Where(d => d.Source is not null && Visible(d.Tenant)).Select(d => new SearchDoc(ModelIndex, d.ModelId, 1, 0, (JsonObject)d.Source!.DeepClone())))
                    .ToList(),
                "model_groups" => store.Data.ModelGroups.Values.Where(g => Visible(g.Tenant)).Select(g => new SearchDoc(ModelGroupIndex, g.Id, g.Version, 0, GroupSource(g))).ToList(),
                "agents" => store.Data.Agents.Values.Where(a => Visible(a.Tenant)).Select(a => new SearchDoc(AgentIndex, a.Id, a.Version, 0, AgentSource(a))).ToList(),
                _ => [],
            };
        }
    }
}
