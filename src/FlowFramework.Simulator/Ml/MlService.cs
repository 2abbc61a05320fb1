using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using FlowFramework.Simulator.Common;
using static System.FormattableString;

namespace FlowFramework.Simulator.Ml;

/// <summary>ML Commons: connectors, models, model groups and agents, with the dependency rules of §5.</summary>
internal sealed partial class MlService(ClusterStore store, bool multiTenancy, IHoldPoints holds, ClusterSettings settings)
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

    private bool IndexExists(string index) => store.Data.MlIndices.Contains(index);

    /// <summary>The shape every ML Commons Get*TransportAction shares: permission, index, document, tenant, source.</summary>
    private OpResult GetDocument<TDoc>(SimUser? caller, string action, string index, string noIndexText, Dictionary<string, TDoc> docs,
        string id, string missingText, string? tenant, Func<TDoc, string?> tenantOf, Func<TDoc, JsonObject> source)
    {
        if (Deny(caller, Permission.MlRead, action) is { } d) { return d; }
        lock (store.Gate)
        {
            if (!IndexExists(index)) { return OpResult.StatusError(404, noIndexText); }
            if (!docs.TryGetValue(id, out var doc)) { return OpResult.StatusError(404, missingText); }
            if (TenantMismatch(tenantOf(doc), tenant)) { return NoTenantAccess(); }
            return OpResult.Success(source(doc));
        }
    }

    private static OpResult NoTenantAccess() => OpResult.StatusError(403, "You don't have permission to access this resource");
}
