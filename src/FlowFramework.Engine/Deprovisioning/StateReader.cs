using System;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Reads a workflow's status before planning, riding out the same transient failures (429, 502-504, timeouts,
    /// resets) that the deprovision loop rides out: a runbook should not give up on a workflow because one status
    /// read met a busy cluster. Same delays (exponential with jitter, capped, at least Retry-After), same limits.
    /// </summary>
    internal sealed class StateReader
    {
        private readonly FlowApiClient _client;
        private readonly FlowDeprovisionOptions _options;
        private readonly Random _random;

        internal StateReader(FlowApiClient client, FlowDeprovisionOptions options)
        {
            _client = client;
            _options = options;
            _random = options.RandomSeed is int seed ? new Random(seed) : new Random();
        }

        internal async Task<FlowWorkflowState> ReadAsync(string workflowId, Action<FlowDeprovisionEvent>? onEvent, CancellationToken ct)
        {
            var time = _options.TimeProvider ?? TimeProvider.System;
            var started = time.GetTimestamp();
            var attempt = 0;
            FlowApiException? last = null;
            TimeSpan nextDelay = TimeSpan.Zero;

            var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    ShouldHandle = args =>
                    {
                        if (args.Outcome.Exception is not FlowApiException { IsTransient: true } ex || attempt >= _options.MaxAttempts)
                        {
                            return new ValueTask<bool>(false);
                        }

                        nextDelay = RetryDelay.AtLeast(RetryDelay.Backoff(_options, attempt, _random), ex.RetryAfter);
                        return new ValueTask<bool>(time.GetElapsedTime(started) + nextDelay <= _options.Timeout);
                    },
                    DelayGenerator = _ => new ValueTask<TimeSpan?>(nextDelay),
                    OnRetry = _ =>
                    {
                        onEvent?.Invoke(new FlowDeprovisionEvent(workflowId, FlowDeprovisionEventKind.RetryScheduled, 0, 0, nextDelay,
                            "Workflow " + workflowId + ": reading the status failed (" + last?.Message + "); trying again in " + DeprovisionRun.Seconds(nextDelay) + "."));
                        return default;
                    },
                })
                .Build();

            return await pipeline.ExecuteAsync(async token =>
            {
                attempt++;
                try
                {
                    return await _client.GetWorkflowStatusAsync(workflowId, true, token).ConfigureAwait(false);
                }
                catch (FlowApiException ex)
                {
                    last = ex;
                    throw;
                }
            }, ct).ConfigureAwait(false);
        }
    }
}
