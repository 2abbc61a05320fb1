using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;
using static System.FormattableString;

namespace FlowFramework.Simulator.Flow;

/// <summary>
/// DeprovisionWorkflowTransportAction (server-behaviour.md §4 and §10). It takes the tenant's deprovision slot, reads
/// the state, then runs the whole sequence on the node's <c>opensearch_deprovision_workflow</c> pool, where every step
/// is submitted to the same pool and waited for (ProcessNode#execute, <c>deprovisionFuture.get()</c> without timeout):
/// with as many deprovisions in flight as the pool has threads, no step can start and they wait forever. Nothing
/// cancels a running sequence when the client goes away; the tenant slot is released when the sequence answers.
/// After a partial failure the final state write is not awaited before the answer.
/// </summary>
internal sealed class DeprovisionWorkflow(WorkflowIndices indices, DeprovisionSteps steps, TenantSlots tenantSlots, ScalingExecutor pool, IHoldPoints holds)
{
    private sealed record Node(ResourceCreated Resource, string Step);

    /// <summary>A partial-failure state write that was issued but has not landed yet, per workflow. Writes to one
    /// document apply in the order they were issued (one primary shard), so a later deprovision of the same workflow
    /// sees it applied first; only reads in between can be stale.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PendingWrite> _pending = new(StringComparer.Ordinal);

    private sealed class PendingWrite(Action apply, CancellationToken nodeLife)
    {
        private int _done;

        // A node restart loses writes still in flight.
        public void ApplyOnce() { if (Interlocked.Exchange(ref _done, 1) == 0 && !nodeLife.IsCancellationRequested) { apply(); } }
    }

    /// <summary>Runs a deprovision to its end. Throws <see cref="NodeRestartException"/> when the node restarts first.</summary>
    public async Task<OpResult> ExecuteAsync(string id, string? tenant, SimUser? caller, string? allowDelete)
    {
        var max = indices.Store.Config.MaxDeprovisionsPerTenant;
        if (!tenantSlots.TryAcquire(tenant, max))
        {
            return OpResult.Flow(429, Invariant($"Exceeded max simultaneous deprovisioning requests: {max}"));
        }
        var life = pool.Life;
        var listener = new TaskCompletionSource<OpResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (life.Register(() => listener.TrySetException(new NodeRestartException())))
        {
            Start(id, tenant, caller, allowDelete, listener);
            var answer = await listener.Task.ConfigureAwait(false);
            // TenantAwareHelper#releaseDeprovisionListener: released as the listener answers (a restart clears them all).
            tenantSlots.Release(tenant);
            return answer;
        }
    }

    private void Start(string id, string? tenant, SimUser? caller, string? allowDelete, TaskCompletionSource<OpResult> listener)
    {
        // The state read (GetWorkflowStateAction) runs on the transport threads, not on the pool.
        var store = indices.Store;
        List<ResourceCreated> resources;
        List<string>? shared;
        if (_pending.TryRemove(id, out var earlier))
        {
            earlier.ApplyOnce();
        }
        lock (store.Gate)
        {
            if (!store.Data.States.TryGetValue(id, out var state))
            {
                listener.TrySetResult(OpResult.Flow(404, indices.MultiTenancy ? WorkflowIndices.MissingForAccessCheck(id) : $"Failed to get workflow state for workflow {id}"));
                return;
            }
            if (indices.MultiTenancy && state.Tenant != tenant)
            {
                listener.TrySetResult(OpResult.Flow(403, "No permission to access this resource"));
                return;
            }
            resources = [.. state.Resources];
            shared = state.SharedPrincipals is null ? null : [.. state.SharedPrincipals];
        }
        var allowed = (allowDelete ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        // An exception on the pool thread (an unknown step name) ends the sequence without calling the listener: that
        // request never answers and its tenant slot is never released, as upstream.
        _ = pool.Submit(async token =>
        {
            await SequenceAsync(id, tenant, caller, resources, shared, allowed, listener, token).ConfigureAwait(false);
            return true;
        });
    }

    private async Task SequenceAsync(string id, string? tenant, SimUser? caller, List<ResourceCreated> resources, List<string>? shared,
        HashSet<string> allowed, TaskCompletionSource<OpResult> listener, CancellationToken token)
    {
        var config = indices.Store.Config;
        var skipped = new List<ResourceCreated>();
        var sequence = new List<Node>();
        foreach (var r in resources)
        {
            var step = StepCatalogue.Find(r.StepName)?.DeprovisionStep
                ?? throw new FlowException($"Unable to find deprovision step for step: {r.StepName}", 400);
            if (StepCatalogue.AllowDeleteRequired.Contains(step) && !allowed.Contains(r.ResourceId))
            {
                skipped.Add(r);
                continue;
            }
            sequence.Add(new Node(r, step));
        }
        sequence.Reverse();
        await holds.WaitAsync(HoldPoint.DeprovisionStart, id, token).ConfigureAwait(false);

        // Each pass tries every remaining node; another pass follows only when this one deleted something.
        var remaining = sequence;
        while (remaining.Count > 0)
        {
            var survivors = new List<Node>();
            foreach (var node in remaining)
            {
                var result = await pool.Submit(_ => Task.FromResult(steps.Run(node.Step, node.Resource.ResourceId, tenant, caller))).ConfigureAwait(false);
                if (result.Ok)
                {
                    indices.RemoveResource(id, node.Resource);
                    await Task.Delay(config.StepPauseMs, token).ConfigureAwait(false);
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
            await Task.Delay(config.PassPauseMs, token).ConfigureAwait(false);
        }
        var answer = Finish(id, tenant, caller, shared, remaining.Select(n => n.Resource).ToList(), skipped, token);
        await holds.WaitAsync(HoldPoint.BeforeDeprovisionAnswer, id, token).ConfigureAwait(false);
        listener.TrySetResult(answer);
    }

    private OpResult Finish(string id, string? tenant, SimUser? caller, List<string>? shared, List<ResourceCreated> remaining,
        List<ResourceCreated> skipped, CancellationToken token)
    {
        var store = indices.Store;
        if (remaining.Count == 0 && skipped.Count == 0)
        {
            // Awaited before the answer: the state is reset (template still there) or deleted (template gone).
            lock (store.Gate)
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
            }
            return OpResult.Success(new JsonObject { ["workflow_id"] = id });
        }
        // The tried-and-failed ones (in the reversed order they ran), then the skipped ones; COMPLETED/DONE; error kept.
        List<ResourceCreated> stored = [.. remaining, .. skipped];
        var write = new PendingWrite(() => WritePartialState(id, stored), token);
        _pending[id] = write;
        _ = Afterwards.Run(holds, HoldPoint.BeforeStateWrite, id, store.Config.StateWriteLagMs, token, () =>
        {
            _pending.TryRemove(new KeyValuePair<string, PendingWrite>(id, write));
            write.ApplyOnce();
        });
        return OpResult.Flow(remaining.Count > 0 ? 202 : 403, PartialMessage(remaining, skipped));
    }

    private void WritePartialState(string id, List<ResourceCreated> stored)
    {
        var store = indices.Store;
        lock (store.Gate)
        {
            if (store.Data.States.TryGetValue(id, out var state))
            {
                state.State = "COMPLETED";
                state.Progress = "DONE";
                state.EndTime = Ids.NowMs();
                state.Resources = [.. stored];
                indices.Touch(state);
            }
        }
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
