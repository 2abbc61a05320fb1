using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using static System.FormattableString;

namespace FlowFramework.Simulator.Flow;

/// <summary>DeprovisionWorkflowTransportAction (server-behaviour.md §4): reads the state, builds the sequence of
/// deprovision steps in reverse of <c>resources_created</c> (skipping what needs allow_delete), retries passes while one
/// makes progress, and writes the final state.</summary>
internal sealed class DeprovisionWorkflow(WorkflowIndices indices, DeprovisionSteps steps, TenantSlots tenantSlots)
{
    private readonly SemaphoreSlim _pool = new(4, 4);

    /// <summary>Takes the tenant's deprovision slot, runs the deprovision and releases the slot when it ends.</summary>
    public async Task<OpResult> ExecuteAsync(string id, string? tenant, SimUser? caller, string? allowDelete, CancellationToken ct)
    {
        var max = indices.Store.Config.MaxDeprovisionsPerTenant;
        if (!tenantSlots.TryAcquire(tenant, max))
        {
            return OpResult.Flow(429, Invariant($"Exceeded max simultaneous deprovisioning requests: {max}"));
        }
        try
        {
            return await RunAsync(id, tenant, caller, allowDelete, ct).ConfigureAwait(false);
        }
        finally
        {
            tenantSlots.Release(tenant);
        }
    }

    private async Task<OpResult> RunAsync(string id, string? tenant, SimUser? caller, string? allowDelete, CancellationToken ct)
    {
        var store = indices.Store;
        List<ResourceCreated> resources;
        List<string>? shared;
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var state))
            {
                return OpResult.Flow(404, indices.MultiTenancy ? WorkflowIndices.MissingForAccessCheck(id) : $"Failed to get workflow state for workflow {id}");
            }
            if (indices.MultiTenancy && state.Tenant != tenant)
            {
                return OpResult.Flow(403, "No permission to access this resource");
            }
            resources = [.. state.Resources];
            shared = state.SharedPrincipals is null ? null : [.. state.SharedPrincipals];
        }
        var allowed = (allowDelete ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        await _pool.WaitAsync(ct).ConfigureAwait(false);
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
                }
                if (StepCatalogue.AllowDeleteRequired.Contains(step) && !allowed.Contains(r.ResourceId))
                {
                    skipped.Add(r);
                    continue;
                }
                sequence.Add((r, step!));
            }
            sequence.Reverse();

            var remaining = sequence;
            while (remaining.Count > 0)
            {
                var survivors = new List<(ResourceCreated Resource, string Step)>();
                foreach (var node in remaining)
                {
                    if (steps.Run(node.Step, node.Resource.ResourceId, tenant, caller).Ok)
                    {
                        indices.RemoveResource(id, node.Resource);
                        await Task.Delay(store.Config.StepPauseMs, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        survivors.Add(node);
                    }
                }
                if (survivors.Count == remaining.Count)
                {
                    break;
                }
                remaining = survivors;
                await Task.Delay(store.Config.PassPauseMs, ct).ConfigureAwait(false);
            }
            return Finish(id, tenant, caller, shared, remaining.Select(r => r.Resource).ToList(), skipped);
        }
        finally
        {
            _pool.Release();
        }
    }

    private OpResult Finish(string id, string? tenant, SimUser? caller, List<string>? shared, List<ResourceCreated> remaining, List<ResourceCreated> skipped)
    {
        var store = indices.Store;
        lock (store.Gate)
        {
            if (remaining.Count == 0 && skipped.Count == 0)
            {
                if (store.Data.Templates.ContainsKey(id))
                {
                    var fresh = indices.NewState(id, tenant, caller?.ToJson(), shared);
                    if (store.Data.States.TryGetValue(id, out var old)) { fresh.Version = old.Version + 1; }
                    store.Data.States[id] = fresh;
                }
                else
                {
                    store.Data.States.Remove(id);
                }
                store.Commit();
                return OpResult.Success(new JsonObject { ["workflow_id"] = id });
            }
            if (store.Data.States.TryGetValue(id, out var state))
            {
                state.State = "COMPLETED";
                state.Progress = "DONE";
                state.EndTime = Ids.NowMs();
                state.Resources = [.. remaining, .. skipped];
                indices.Touch(state);
            }
        }
        return OpResult.Flow(remaining.Count > 0 ? 202 : 403, PartialMessage(remaining, skipped));
    }

    /// <summary>"Failed to deprovision some resources: [..]." then "These resources require the allow_delete parameter
    /// to deprovision: [..]."; items are "type id", de-duplicated.</summary>
    private static string PartialMessage(List<ResourceCreated> remaining, List<ResourceCreated> skipped)
    {
        static string Items(List<ResourceCreated> list)
            => $"[{string.Join(", ", list.Select(r => $"{StepCatalogue.Find(r.StepName)?.ResourceType ?? r.ResourceType} {r.ResourceId}").Distinct())}]";
        var parts = new List<string>();
        if (remaining.Count > 0) { parts.Add($"Failed to deprovision some resources: {Items(remaining)}."); }
        if (skipped.Count > 0) { parts.Add($"These resources require the allow_delete parameter to deprovision: {Items(skipped)}."); }
        return string.Join(' ', parts);
    }
}
