using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons models: register, get, deploy, undeploy and delete (TransportRegisterModelAction, GetModelTransportAction, TransportDeployModelAction, TransportUndeployModelsAction, DeleteModelTransportAction).</summary>
internal sealed partial class MlService
{
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
                store.Data.MlIndices.Add(ModelGroupIndex);
            }
            else if (!store.Data.ModelGroups.TryGetValue(groupId, out group))
            {
                return OpResult.StatusError(404, "Failed to find model group");
            }
            group.LatestVersion++;
            var id = Ids.New();
            var now = Ids.NowMs();
            store.Data.MlIndices.Add(ModelIndex);
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
        => GetDocument(caller, "models/get", ModelIndex, "Fail to find model", store.Data.Models, id, $"Failed to find model with the provided model id: {id}", tenant, doc => doc.Tenant, ModelSource);

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
        var deployed = Afterwards.Run(holds, HoldPoint.DeployComplete, id, store.Config.DeployLagMs, _life.Token, () => CompleteDeploy(id));
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

    /// <summary>DeleteModelTransportAction: a model whose document is in a deployed or deploying state is refused with 400;
    /// with safe delete on, one that an agent or pipeline uses with 409 (MlSafeDelete.cs).</summary>
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
            if (SafeDeleteRefusal(id) is { } inUse)
            {
                return inUse;
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

    /// <summary>A node restart: deployments in progress never complete.</summary>
    public void Restart()
    {
        var old = Interlocked.Exchange(ref _life, new CancellationTokenSource());
        old.Cancel();
    }
}
