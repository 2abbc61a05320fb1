using System;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Sends one request through its transient faults: Polly's retry strategy re-sends it and waits (on the run's
    /// clock, cancellable), <see cref="RetryDecision"/> says whether and for how long. When the decision stops, the
    /// last failure is thrown to the caller, which decides the same way and reports why.
    /// </summary>
    internal sealed class TransientRetry
    {
        private static readonly ResiliencePropertyKey<RetryVerdict> Planned = new ResiliencePropertyKey<RetryVerdict>("FlowFramework.PlannedRetry");
        private readonly ResiliencePipeline _pipeline;

        /// <param name="isRetryable">Which failures are worth another request.</param>
        /// <param name="decide">The decision after a retryable failure of the request just sent.</param>
        /// <param name="onRetry">Called before each wait with the failure and the planned wait.</param>
        internal TransientRetry(TimeProvider time, int maxAttempts, Func<FlowApiException, bool> isRetryable, Func<FlowApiException, Verdict> decide, Action<FlowApiException, TimeSpan> onRetry)
        {
            _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(maxAttempts - 1, 1),
                    ShouldHandle = args => new ValueTask<bool>(
                        args.Outcome.Exception is FlowApiException ex && isRetryable(ex) && Plan(args.Context, decide(ex))),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(args.Context.Properties.GetValue(Planned, null!).Delay),
                    OnRetry = args =>
                    {
                        onRetry((FlowApiException)args.Outcome.Exception!, args.RetryDelay);
                        return default;
                    },
                })
                .Build();
        }

        internal async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken ct) =>
            await _pipeline.ExecuteAsync(async token => await request(token).ConfigureAwait(false), ct).ConfigureAwait(false);

        private static bool Plan(ResilienceContext context, Verdict verdict)
        {
            if (verdict is RetryVerdict retry)
            {
                context.Properties.Set(Planned, retry);
                return true;
            }

            return false;
        }
    }
}
