using System.Text.Json.Nodes;
using static System.FormattableString;

namespace FlowFramework.Simulator.Cluster;

/// <summary>The node went away under a request (a simulator reset stands for a restart): its connection is closed.</summary>
internal sealed class NodeRestartException() : Exception("the node restarted");

/// <summary>
/// OpenSearch's scaling executor (ScalingExecutorBuilder, OpenSearchExecutors#newScaling): up to <see cref="Max"/>
/// threads, and when all are busy a task waits in an unbounded queue instead of being rejected (queue_size -1).
/// A "thread" here is a slot a task holds from the moment it starts until it ends, including while it waits for other
/// tasks it submitted to the same executor; that is what makes a task that waits on its own executor deadlock once
/// every slot is held by such a waiter. Tasks start in submission order.
/// </summary>
internal sealed class ScalingExecutor(string name, int core, int max, string keepAlive)
{
    private readonly object _gate = new();
    private readonly Queue<Func<CancellationToken, Task>> _queue = new();
    private CancellationTokenSource _life = new();
    private int _busy;

    public string Name => name;

    public int Max => max;

    /// <summary>Cancelled when the node restarts: queued tasks are dropped and waits inside running ones end.</summary>
    public CancellationToken Life
    {
        get { lock (_gate) { return _life.Token; } }
    }

    /// <summary>Slots held by running tasks (OpenSearch's <c>active</c>).</summary>
    public int Active
    {
        get { lock (_gate) { return _busy; } }
    }

    /// <summary>Tasks waiting for a slot (OpenSearch's <c>queue</c>).</summary>
    public int Queued
    {
        get { lock (_gate) { return _queue.Count; } }
    }

    /// <summary>Runs <paramref name="work"/> on the executor; the task ends when the work ends, or is cancelled when the
    /// node restarts first.</summary>
    public Task<T> Submit<T>(Func<CancellationToken, Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken life;
        lock (_gate)
        {
            life = _life.Token;
            var registration = life.Register(() => done.TrySetCanceled(life));
            _ = done.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
            Func<CancellationToken, Task> item = async token =>
            {
                try
                {
                    done.TrySetResult(await work(token).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    done.TrySetCanceled(token);
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            };
            if (_busy < max)
            {
                _busy++;
                Start(item, life);
            }
            else
            {
                _queue.Enqueue(item);
            }
        }
        return done.Task;
    }

    private void Start(Func<CancellationToken, Task> item, CancellationToken life)
        => _ = Task.Run(async () =>
        {
            try
            {
                await item(life).ConfigureAwait(false);
            }
            finally
            {
                Finished(life);
            }
        });

    /// <summary>A task ended: its slot goes to the next queued task, if any.</summary>
    private void Finished(CancellationToken life)
    {
        lock (_gate)
        {
            if (life != _life.Token)
            {
                return; // a task of the node before the restart
            }
            if (_queue.Count > 0)
            {
                Start(_queue.Dequeue(), life);
            }
            else
            {
                _busy--;
            }
        }
    }

    /// <summary>A node restart: every queued and running task is abandoned and the executor starts empty.</summary>
    public void Restart()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            old = _life;
            _life = new CancellationTokenSource();
            _queue.Clear();
            _busy = 0;
        }
        old.Cancel();
    }

    /// <summary>The pool as <c>GET _nodes/thread_pool</c> shows it (ThreadPool.Info#toXContent for a scaling pool).</summary>
    public JsonObject Info() => new()
    {
        ["type"] = "scaling",
        ["core"] = core,
        ["max"] = max,
        ["keep_alive"] = keepAlive,
        ["queue_size"] = -1,
    };

    public override string ToString() => Invariant($"{name} (max {max}, active {Active}, queued {Queued})");
}
