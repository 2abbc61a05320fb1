using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>The ML Commons search APIs (RestMLSearch*Action) over each ML index and its mapping.</summary>
internal sealed partial class MlService
{
    /// <summary>The ML search APIs (RestMLSearch*Action): a query over one ML index with its mapping.</summary>
    public OpResult Search(string kind, JsonNode? query, string? tenant)
    {
        List<SearchDoc> docs;
        lock (store.Gate)
        {
            bool Visible(string? t) => !multiTenancy || t == tenant;
            PurgeRefreshed(Ids.NowMs());
            docs = kind switch
            {
                "connectors" => store.Data.Connectors.Values.Where(c => Visible(c.Tenant)).Select(c => new SearchDoc(ConnectorIndex, c.Id, c.Version, 0, ConnectorSource(c))).ToList(),
                "models" => store.Data.Models.Values.Where(m => Visible(m.Tenant)).Select(m => new SearchDoc(ModelIndex, m.Id, m.Version, 0, ModelSource(m)))
                    .Concat(store.Data.RecentlyDeletedModels.Where(d => d.Source is not null && Visible(d.Tenant)).Select(d => new SearchDoc(ModelIndex, d.ModelId, 1, 0, (JsonObject)d.Source!.DeepClone())))
                    .ToList(),
                "model_groups" => store.Data.ModelGroups.Values.Where(g => Visible(g.Tenant)).Select(g => new SearchDoc(ModelGroupIndex, g.Id, g.Version, 0, GroupSource(g))).ToList(),
                _ => AgentSearchDocs(Visible),
            };
        }
        var (index, mapping) = kind switch
        {
            "connectors" => (ConnectorIndex, IndexMapping.Connectors),
            "models" => (ModelIndex, IndexMapping.Models),
            "model_groups" => (ModelGroupIndex, IndexMapping.ModelGroups),
            _ => (AgentIndex, IndexMapping.Agents),
        };
        return SearchDsl.Search(query, new SearchRequest(index, mapping, docs, Versions: false));
    }

    /// <summary>What a search of the agent index sees (call under the store's gate): the agents, and the deleted ones not refreshed away yet.</summary>
    private List<SearchDoc> AgentSearchDocs(Func<string?, bool> visible)
    {
        PurgeRefreshed(Ids.NowMs());
        return store.Data.Agents.Values.Where(a => visible(a.Tenant)).Select(a => new SearchDoc(AgentIndex, a.Id, a.Version, 0, AgentSource(a)))
            .Concat(store.Data.RecentlyDeletedAgents.Where(d => visible(d.Tenant)).Select(d => new SearchDoc(AgentIndex, d.AgentId, 1, 0, (JsonObject)d.Source.DeepClone())))
            .ToList();
    }

    /// <summary>Forgets deleted models and agents their index has refreshed away (<c>refresh_lag_ms</c> after their delete).</summary>
    private void PurgeRefreshed(long now)
    {
        var lag = store.Config.RefreshLagMs;
        store.Data.RecentlyDeletedModels.RemoveAll(m => now - m.DeletedAt >= lag);
        store.Data.RecentlyDeletedAgents.RemoveAll(a => now - a.DeletedAt >= lag);
    }
}
