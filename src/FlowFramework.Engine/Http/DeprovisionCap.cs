using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.RateLimiting;

namespace FlowFramework.Engine
{
    /// <summary>
    /// How many deprovisions one connection may have in flight. Each <c>_deprovision</c> runs its sequence on the node's
    /// <c>opensearch_deprovision_workflow</c> pool and blocks a thread there while its steps queue on the same pool, so
    /// with as many requests in flight as the pool has threads no step ever runs (server-behaviour.md §10). The pool's
    /// max is read once (<c>GET _nodes/thread_pool</c>, the smallest over the nodes); when it cannot be read, the
    /// server's default of 4 is assumed.
    /// </summary>
    public sealed class FlowDeprovisionLimit
    {
        /// <summary>The server's default pool max, assumed when the pool cannot be read.</summary>
        public const int DefaultPoolMax = 4;

        internal FlowDeprovisionLimit(int poolMax, bool read, FlowApiException? readError)
        {
            PoolMax = poolMax;
            Read = read;
            ReadError = readError;
        }

        /// <summary>The smallest deprovision pool max over the nodes (or the assumed default).</summary>
        public int PoolMax { get; }

        /// <summary>Deprovisions allowed in flight on this connection: one fewer than the pool has threads.</summary>
        public int Allowed => Math.Max(PoolMax - 1, 1);

        /// <summary>Whether <see cref="PoolMax"/> was read from the cluster (false: assumed).</summary>
        public bool Read { get; }

        /// <summary>Why the pool could not be read (403 for users without cluster monitor rights), if it could not.</summary>
        public FlowApiException? ReadError { get; }
    }

    /// <summary>The connection's limit on deprovisions in flight: Polly's concurrency limiter, sized once from the pool.</summary>
    internal sealed class DeprovisionCap
    {
        private readonly object _gate = new object();
        private readonly Func<CancellationToken, Task<string>> _readPool;
        private readonly TimeProvider _time;
        private Task<(FlowDeprovisionLimit Limit, ResiliencePipeline Limiter)>? _sized;

        internal DeprovisionCap(Func<CancellationToken, Task<string>> readPool, TimeProvider time)
        {
            _readPool = readPool;
            _time = time;
        }

        internal async Task<FlowDeprovisionLimit> GetLimitAsync(CancellationToken ct) => (await SizedAsync(ct).ConfigureAwait(false)).Limit;

        /// <summary>
        /// Runs one deprovision request once a slot is free; waiting for the slot honours <paramref name="ct"/>.
        /// A request that ends without an answer (the caller cancelled it, or its time limit ran out) is still running on
        /// the server, which never cancels a deprovision (server-behaviour.md §10): its slot stays taken for
        /// <paramref name="serverMayRunFor"/> more, so the requests sent meanwhile cannot fill the pool with it. The
        /// caller gets its answer (or failure) at once; only the slot waits.
        /// </summary>
        internal async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> request, TimeSpan serverMayRunFor, CancellationToken ct)
        {
            var limiter = (await SizedAsync(ct).ConfigureAwait(false)).Limiter;
            var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var slot = limiter.ExecuteAsync(
                async token =>
                {
                    try
                    {
                        outcome.TrySetResult(await request(token).ConfigureAwait(false));
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        outcome.TrySetCanceled(token);
                        await HoldAsync(serverMayRunFor).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        outcome.TrySetException(ex);
                        if (ex is FlowApiException { Kind: FlowErrorKind.Timeout, StatusCode: null })
                        {
                            await HoldAsync(serverMayRunFor).ConfigureAwait(false);
                        }
                    }
                },
                ct).AsTask();

            // Waiting for the slot was cancelled (or failed): the request was never sent.
            _ = slot.ContinueWith(
                done =>
                {
                    if (done.IsCanceled)
                    {
                        outcome.TrySetCanceled(ct);
                    }
                    else if (done.Exception is AggregateException failure)
                    {
                        outcome.TrySetException(failure.InnerExceptions);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return await outcome.Task.ConfigureAwait(false);
        }

        /// <summary>Keeps the slot of an unanswered request, whatever the caller does next.</summary>
        private Task HoldAsync(TimeSpan serverMayRunFor) =>
            serverMayRunFor > TimeSpan.Zero ? _time.Delay(serverMayRunFor, CancellationToken.None) : Task.CompletedTask;

        /// <summary>The smallest <c>opensearch_deprovision_workflow.max</c> over the nodes of a <c>GET _nodes/thread_pool</c> body; null when none says.</summary>
        internal static int? SmallestPoolMax(string body)
        {
            using var doc = JsonDocument.Parse(body);
            int? smallest = null;
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
            {
                foreach (var node in nodes.EnumerateObject())
                {
                    if (node.Value.ValueKind == JsonValueKind.Object
                        && node.Value.TryGetProperty("thread_pool", out var pools) && pools.ValueKind == JsonValueKind.Object
                        && pools.TryGetProperty("opensearch_deprovision_workflow", out var pool) && pool.ValueKind == JsonValueKind.Object
                        && pool.TryGetProperty("max", out var max)
                        && (max.ValueKind == JsonValueKind.Number ? max.TryGetInt32(out var n) : int.TryParse(max.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out n))
                        && n > 0)
                    {
                        smallest = smallest is int s ? Math.Min(s, n) : n;
                    }
                }
            }

            return smallest;
        }

        private Task<(FlowDeprovisionLimit Limit, ResiliencePipeline Limiter)> SizedAsync(CancellationToken ct)
        {
            Task<(FlowDeprovisionLimit Limit, ResiliencePipeline Limiter)> sized;
            lock (_gate)
            {
                // Read once per connection, not on behalf of one caller: its cancellation must not spoil the others'.
                sized = _sized ??= SizeAsync();
            }

            return sized.WaitAsync(System.Threading.Timeout.InfiniteTimeSpan, _time, ct);
        }

        private async Task<(FlowDeprovisionLimit Limit, ResiliencePipeline Limiter)> SizeAsync()
        {
            FlowDeprovisionLimit limit;
            try
            {
                var body = await _readPool(CancellationToken.None).ConfigureAwait(false);
                var max = SmallestPoolMax(body);
                limit = new FlowDeprovisionLimit(max ?? FlowDeprovisionLimit.DefaultPoolMax, max is not null, null);
            }
            catch (FlowApiException ex)
            {
                limit = new FlowDeprovisionLimit(FlowDeprovisionLimit.DefaultPoolMax, false, ex);
            }
            catch (JsonException)
            {
                limit = new FlowDeprovisionLimit(FlowDeprovisionLimit.DefaultPoolMax, false, null);
            }

            var limiter = new ResiliencePipelineBuilder()
                .AddConcurrencyLimiter(limit.Allowed, int.MaxValue)
                .Build();
            return (limit, limiter);
        }
    }
}
