using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Hosting;

/// <summary>Run-time tunables of the node's timing; readable and writable through <c>/_simulator/config</c>.</summary>
internal sealed class SimConfig
{
    private readonly object _gate = new();
    private int _undeployLagMs;
    private int _refreshLagMs;
    private int _deployLagMs;
    private int _stateWriteLagMs = 50;
    private int _provisionDelayMs = 60;
    private int _stepPauseMs = 100;
    private int _passPauseMs = 1000;
    private int _latencyMs;
    private int _maxDeprovisionsPerTenant = 1;

    /// <summary>After <c>_undeploy</c> the model still counts as deployed for a delete for this long.</summary>
    public int UndeployLagMs { get => Volatile.Read(ref _undeployLagMs); set => Volatile.Write(ref _undeployLagMs, Math.Max(0, value)); }

    /// <summary>After a model delete its connector still counts as used for this long.</summary>
    public int RefreshLagMs { get => Volatile.Read(ref _refreshLagMs); set => Volatile.Write(ref _refreshLagMs, Math.Max(0, value)); }

    /// <summary>A deployment stays DEPLOYING for this long before it completes.</summary>
    public int DeployLagMs { get => Volatile.Read(ref _deployLagMs); set => Volatile.Write(ref _deployLagMs, Math.Max(0, value)); }

    /// <summary>After a partial deprovision has answered, its final state write lands this much later.</summary>
    public int StateWriteLagMs { get => Volatile.Read(ref _stateWriteLagMs); set => Volatile.Write(ref _stateWriteLagMs, Math.Max(0, value)); }

    public int ProvisionDelayMs { get => Volatile.Read(ref _provisionDelayMs); set => Volatile.Write(ref _provisionDelayMs, Math.Max(0, value)); }
    public int StepPauseMs { get => Volatile.Read(ref _stepPauseMs); set => Volatile.Write(ref _stepPauseMs, Math.Max(0, value)); }
    public int PassPauseMs { get => Volatile.Read(ref _passPauseMs); set => Volatile.Write(ref _passPauseMs, Math.Max(0, value)); }
    public int LatencyMs { get => Volatile.Read(ref _latencyMs); set => Volatile.Write(ref _latencyMs, Math.Max(0, value)); }
    public int MaxDeprovisionsPerTenant { get => Volatile.Read(ref _maxDeprovisionsPerTenant); set => Volatile.Write(ref _maxDeprovisionsPerTenant, Math.Clamp(value, 1, 40)); }

    public JsonObject ToJson() => new()
    {
        ["undeploy_lag_ms"] = UndeployLagMs,
        ["refresh_lag_ms"] = RefreshLagMs,
        ["deploy_lag_ms"] = DeployLagMs,
        ["state_write_lag_ms"] = StateWriteLagMs,
        ["provision_delay_ms"] = ProvisionDelayMs,
        ["step_pause_ms"] = StepPauseMs,
        ["pass_pause_ms"] = PassPauseMs,
        ["latency_ms"] = LatencyMs,
        ["max_deprovisions_per_tenant"] = MaxDeprovisionsPerTenant,
    };

    /// <summary>Applies the keys present in <paramref name="update"/>; returns an error text for an unknown key or bad value.</summary>
    public string? Apply(JsonObject update)
    {
        lock (_gate)
        {
            foreach (var (key, value) in update)
            {
                if (Json.AsInt(value) is not { } n)
                {
                    return $"[{key}] must be an integer";
                }
                switch (key)
                {
                    case "undeploy_lag_ms": UndeployLagMs = n; break;
                    case "refresh_lag_ms": RefreshLagMs = n; break;
                    case "deploy_lag_ms": DeployLagMs = n; break;
                    case "state_write_lag_ms": StateWriteLagMs = n; break;
                    case "provision_delay_ms": ProvisionDelayMs = n; break;
                    case "step_pause_ms": StepPauseMs = n; break;
                    case "pass_pause_ms": PassPauseMs = n; break;
                    case "latency_ms": LatencyMs = n; break;
                    case "max_deprovisions_per_tenant": MaxDeprovisionsPerTenant = n; break;
                    default: return $"unknown setting [{key}]";
                }
            }
        }
        return null;
    }
}
