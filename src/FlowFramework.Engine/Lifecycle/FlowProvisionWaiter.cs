using System;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>Limits of waiting for one workflow's provisioning.</summary>
    public sealed class FlowWaitOptions
    {
        /// <summary>The whole wait.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(600);

        /// <summary>The first wait between two status reads.</summary>
        public TimeSpan FirstPoll { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>The longest wait between two status reads.</summary>
        public TimeSpan MaxPoll { get; set; } = TimeSpan.FromSeconds(5);

        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
    }

    /// <summary>How a wait ended.</summary>
    public enum FlowWaitOutcome
    {
        /// <summary>The state is COMPLETED.</summary>
        Completed,
        /// <summary>The state is FAILED; the status carries the server's error.</summary>
        Failed,
        /// <summary>The state is NOT_STARTED: nothing is provisioning, so there is nothing to wait for.</summary>
        NotProvisioning,
        /// <summary>Still PROVISIONING when the time limit ran out.</summary>
        TimedOut,
        /// <summary>The status could not be read (a failure that waiting cannot cure, or transient ones until the deadline).</summary>
        Error,
    }

    /// <summary>The end of one workflow's wait.</summary>
    public sealed class FlowWaitReport
    {
        internal FlowWaitReport(string workflowId, FlowWaitOutcome outcome, FlowWorkflowStatus? status, FlowApiException? error, int polls, TimeSpan elapsed)
        {
            WorkflowId = workflowId;
            Outcome = outcome;
            Status = status;
            Error = error;
            Polls = polls;
            Elapsed = elapsed;
        }

        public string WorkflowId { get; }

        public FlowWaitOutcome Outcome { get; }

        /// <summary>The last status read; null when none could be read.</summary>
        public FlowWorkflowStatus? Status { get; }

        /// <summary>The failure behind <see cref="FlowWaitOutcome.Error"/>, or the last transient one.</summary>
        public FlowApiException? Error { get; }

        /// <summary>Status reads sent.</summary>
        public int Polls { get; }

        public TimeSpan Elapsed { get; }
    }

    /// <summary>A status read while waiting, for progress and Verbose.</summary>
    public sealed class FlowWaitEvent
    {
        internal FlowWaitEvent(string workflowId, FlowWorkflowStatus? status, int polls, TimeSpan elapsed, TimeSpan nextPoll, FlowApiException? transientError)
        {
            WorkflowId = workflowId;
            Status = status;
            Polls = polls;
            Elapsed = elapsed;
            NextPoll = nextPoll;
            TransientError = transientError;
        }

        public string WorkflowId { get; }

        /// <summary>The status just read; null when the read failed transiently.</summary>
        public FlowWorkflowStatus? Status { get; }

        public int Polls { get; }

        public TimeSpan Elapsed { get; }

        /// <summary>The wait before the next read.</summary>
        public TimeSpan NextPoll { get; }

        /// <summary>Set when the read failed in a way worth waiting out (429, 502-504, no answer).</summary>
        public FlowApiException? TransientError { get; }
    }

    /// <summary>
    /// Waits for provisioning to end by reading the status (<c>all=true</c>) with growing pauses: COMPLETED and FAILED
    /// end it, NOT_STARTED means nothing is running, transient failures are waited out until the deadline, other
    /// failures end it at once.
    /// </summary>
    public sealed class FlowProvisionWaiter
    {
        private readonly FlowApiClient _client;
        private readonly FlowWaitOptions _options;

        public FlowProvisionWaiter(FlowApiClient client, FlowWaitOptions? options)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _options = options ?? new FlowWaitOptions();
            if (_options.Timeout <= TimeSpan.Zero || _options.FirstPoll <= TimeSpan.Zero || _options.MaxPoll < _options.FirstPoll)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "Timeout and FirstPoll must be positive and MaxPoll at least FirstPoll.");
            }
        }

        public async Task<FlowWaitReport> WaitAsync(string workflowId, Action<FlowWaitEvent>? onEvent, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var time = _options.TimeProvider ?? TimeProvider.System;
            var started = time.GetTimestamp();
            FlowWorkflowStatus? last = null;
            FlowApiException? lastError = null;
            for (var poll = 1; ; poll++)
            {
                FlowWorkflowStatus? status = null;
                try
                {
                    status = await _client.GetWorkflowStatusAsync(workflowId, true, ct).ConfigureAwait(false);
                    last = status;
                    lastError = null;
                }
                catch (FlowApiException ex) when (ex.IsTransient)
                {
                    lastError = ex;
                }
                catch (FlowApiException ex)
                {
                    return new FlowWaitReport(workflowId, FlowWaitOutcome.Error, last, ex, poll, time.GetElapsedTime(started));
                }

                var elapsed = time.GetElapsedTime(started);
                switch (status?.State)
                {
                    case "COMPLETED":
                        return new FlowWaitReport(workflowId, FlowWaitOutcome.Completed, status, null, poll, elapsed);
                    case "FAILED":
                        return new FlowWaitReport(workflowId, FlowWaitOutcome.Failed, status, null, poll, elapsed);
                    case "NOT_STARTED":
                        return new FlowWaitReport(workflowId, FlowWaitOutcome.NotProvisioning, status, null, poll, elapsed);
                }

                var remaining = _options.Timeout - elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    return lastError is null
                        ? new FlowWaitReport(workflowId, FlowWaitOutcome.TimedOut, last, null, poll, elapsed)
                        : new FlowWaitReport(workflowId, FlowWaitOutcome.Error, last, lastError, poll, elapsed);
                }

                var wait = PollSchedule.Next(poll, _options.FirstPoll, _options.MaxPoll, remaining);
                if (lastError?.RetryAfter is TimeSpan asked && asked > wait)
                {
                    wait = asked < remaining ? asked : remaining;
                }

                onEvent?.Invoke(new FlowWaitEvent(workflowId, status, poll, elapsed, wait, lastError));
                await time.Delay(wait, ct).ConfigureAwait(false);
            }
        }
    }
}
