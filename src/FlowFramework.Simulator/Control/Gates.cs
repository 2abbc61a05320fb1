using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;

namespace FlowFramework.Simulator.Control;

/// <summary>Gates armed through <c>/_simulator/gates</c>: work that reaches an armed hold point (for the gate's workflow,
/// or any workflow when the gate names none) waits there until the gate is released. Tests use them instead of sleeps.</summary>
internal sealed class Gates : IHoldPoints
{
    private sealed class Gate(string name, string? workflowId)
    {
        public string Name { get; } = name;
        public string? WorkflowId { get; } = workflowId;
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<(string? WorkflowId, double SinceMs)> Waiting { get; } = [];

        public bool Holds(string point, string? workflowId) => Name == point && (WorkflowId is null || WorkflowId == workflowId);
    }

    private readonly object _lock = new();
    private readonly List<Gate> _gates = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsArmed(string point, string? workflowId)
    {
        lock (_lock) { return _gates.Any(g => g.Holds(point, workflowId)); }
    }

    public async Task WaitAsync(string point, string? workflowId, CancellationToken ct)
    {
        Gate? gate;
        (string?, double) waiter = (workflowId, RequestLog.EpochMs());
        lock (_lock)
        {
            gate = _gates.FirstOrDefault(g => g.Holds(point, workflowId));
            if (gate is null) { return; }
            gate.Waiting.Add(waiter);
            Changed();
        }
        try
        {
            await gate.Released.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                gate.Waiting.Remove(waiter);
                Changed();
            }
        }
    }

    /// <summary>Arms a gate at a hold point; returns an error text for an unknown point.</summary>
    public string? Arm(string name, string? workflowId)
    {
        if (!HoldPoint.All.Contains(name))
        {
            return $"unknown hold point [{name}], expected one of [{string.Join(", ", HoldPoint.All)}]";
        }
        lock (_lock)
        {
            if (!_gates.Any(g => g.Name == name && g.WorkflowId == workflowId))
            {
                _gates.Add(new Gate(name, workflowId));
                Changed();
            }
        }
        return null;
    }

    /// <summary>Releases (and disarms) the gates at <paramref name="name"/>, only the one for the workflow when given;
    /// returns how many waiters went on.</summary>
    public int Release(string? name, string? workflowId)
    {
        List<Gate> released;
        lock (_lock)
        {
            released = _gates.Where(g => (name is null || g.Name == name) && (workflowId is null || g.WorkflowId == workflowId)).ToList();
            _gates.RemoveAll(released.Contains);
            Changed();
        }
        foreach (var g in released) { g.Released.TrySetResult(); }
        return released.Sum(g => g.Waiting.Count);
    }

    /// <summary>Waits until at least <paramref name="count"/> waiters are held at <paramref name="name"/>.</summary>
    public async Task<bool> AwaitWaitersAsync(string name, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_gates.Where(g => g.Name == name).Sum(g => g.Waiting.Count) >= count) { return true; }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    public JsonArray ToJson()
    {
        lock (_lock)
        {
            var a = new JsonArray();
            foreach (var g in _gates)
            {
                var waiting = new JsonArray();
                foreach (var (wf, since) in g.Waiting) { waiting.Add(new JsonObject { ["workflow_id"] = wf, ["since_ms"] = since }); }
                a.Add(new JsonObject { ["name"] = g.Name, ["workflow_id"] = g.WorkflowId, ["waiting"] = waiting });
            }
            return a;
        }
    }

    private void Changed()
    {
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
