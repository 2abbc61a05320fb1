using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Lets background work hand Write* calls to the pipeline thread. The pipeline thread runs
    /// <see cref="RunUntil"/>, executing posted actions until the awaited task has finished.
    /// </summary>
    internal sealed class PipelineDispatcher : IDisposable
    {
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();

        /// <summary>Queues work for the pipeline thread; callable from any thread.</summary>
        internal void Post(Action action)
        {
            try
            {
                _queue.Add(action);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is ObjectDisposedException)
            {
                // The invocation is over (stopped or disposed) and nobody is left to write to.
            }
        }

        /// <summary>Runs posted actions on the calling (pipeline) thread until <paramref name="task"/> completes.</summary>
        internal void RunUntil(Task task)
        {
            task.ContinueWith(_ => Post(() => { }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            while (!task.IsCompleted || _queue.Count > 0)
            {
                if (_queue.TryTake(out var action, Timeout.Infinite))
                {
                    action();
                }
            }
        }

        /// <summary>Runs whatever is queued now, without waiting.</summary>
        internal void Drain()
        {
            while (_queue.TryTake(out var action))
            {
                action();
            }
        }

        internal T Run<T>(Task<T> task)
        {
            RunUntil(task);
            return task.GetAwaiter().GetResult();
        }

        public void Dispose() => _queue.Dispose();
    }
}
