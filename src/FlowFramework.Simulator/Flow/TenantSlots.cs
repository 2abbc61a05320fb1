namespace FlowFramework.Simulator.Flow;

/// <summary>TenantAwareHelper's per-tenant counters of simultaneous executions. A null tenant (multi-tenancy off) is
/// never throttled.</summary>
internal sealed class TenantSlots
{
    private readonly Dictionary<string, int> _active = new(StringComparer.Ordinal);

    public bool TryAcquire(string? tenant, int max)
    {
        if (tenant is null) { return true; }
        lock (_active)
        {
            var active = _active.GetValueOrDefault(tenant);
            if (active >= max) { return false; }
            _active[tenant] = active + 1;
            return true;
        }
    }

    public void Release(string? tenant)
    {
        if (tenant is null) { return; }
        lock (_active)
        {
            var active = _active.GetValueOrDefault(tenant) - 1;
            if (active <= 0) { _active.Remove(tenant); } else { _active[tenant] = active; }
        }
    }

    /// <summary>Forgets every slot (a node restart empties the static map).</summary>
    public void Clear()
    {
        lock (_active) { _active.Clear(); }
    }
}
