using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Waits for provisioning runs side by side for Wait-FlowWorkflow, Invoke-FlowProvision -Wait and New-FlowWorkflow
    /// -Wait: one progress activity per workflow (completed however the wait ends), and per workflow its output object
    /// and, unless it ended COMPLETED, one error. Everything is written on the pipeline thread.
    /// </summary>
    internal sealed class ProvisionWaits
    {
        private readonly FlowConnectedCmdletBase _cmdlet;
        private readonly FlowProvisionWaiter _waiter;
        private readonly List<Task> _running = new List<Task>();
        private int _nextActivityId = 1;

        internal ProvisionWaits(FlowConnectedCmdletBase cmdlet, TimeSpan timeout)
        {
            _cmdlet = cmdlet;
            _waiter = new FlowProvisionWaiter(cmdlet.ActiveConnection.Client, new FlowWaitOptions { Timeout = timeout });
        }

        /// <param name="output">Run in the background once the wait ends: the object to write for it (null for none).</param>
        internal void Start(string workflowId, Func<FlowWaitReport, CancellationToken, Task<object?>> output)
        {
            var activity = new Activity(_nextActivityId++, $"Waiting for workflow {workflowId} to provision");
            _cmdlet.WriteProgress(activity.Record("Reading the status"));
            _running.Add(_cmdlet.StartObserved(async ct =>
            {
                try
                {
                    var report = await _waiter.WaitAsync(workflowId, ev => _cmdlet.Dispatcher.Post(() => Report(activity, ev)), ct).ConfigureAwait(false);
                    object? result = null;
                    FlowApiException? readFailed = null;
                    try
                    {
                        result = await output(report, ct).ConfigureAwait(false);
                    }
                    catch (FlowApiException ex)
                    {
                        readFailed = ex;
                    }

                    _cmdlet.Dispatcher.Post(() =>
                    {
                        Complete(activity);
                        Write(report, result, readFailed);
                    });
                }
                catch (OperationCanceledException)
                {
                    _cmdlet.Dispatcher.Post(() => Complete(activity));
                }
                catch (Exception ex)
                {
                    _cmdlet.Dispatcher.Post(() =>
                    {
                        Complete(activity);
                        _cmdlet.WriteError(FlowErrors.Unexpected(workflowId, ex, "Waiting for"));
                    });
                }

                return true;
            }));
        }

        /// <summary>Pumps the waits' output on the pipeline thread until all have ended.</summary>
        internal void WaitAll() => _cmdlet.Dispatcher.RunUntil(Task.WhenAll(_running));

        private void Write(FlowWaitReport report, object? result, FlowApiException? readFailed)
        {
            if (result is not null)
            {
                _cmdlet.WriteObject(result);
            }

            if (FlowLifecycleErrors.FromWait(report, _cmdlet.ActiveConnection) is ErrorRecord error)
            {
                _cmdlet.WriteFailure(error, report.Error);
            }
            else if (readFailed is not null)
            {
                _cmdlet.WriteApiError(readFailed, report.WorkflowId);
            }
        }

        private void Report(Activity activity, FlowWaitEvent ev)
        {
            var elapsed = FormattableString.Invariant($"{ev.Elapsed.TotalSeconds:0.0} s");
            var next = FormattableString.Invariant($"next read in {ev.NextPoll.TotalSeconds:0.0} s");
            if (ev.TransientError is FlowApiException failed)
            {
                _cmdlet.WriteVerbose($"Workflow {ev.WorkflowId}: reading the status failed ({failed.Message}); {next}.");
                _cmdlet.WriteProgress(activity.Record($"{elapsed}: the status read failed; {next}"));
                return;
            }

            _cmdlet.WriteProgress(activity.Record(FormattableString.Invariant($"{ev.Status?.State ?? "?"}, {ev.Status?.Resources.Length ?? 0} resource(s) created, {elapsed}; {next}")));
        }

        private void Complete(Activity activity) => _cmdlet.WriteProgress(activity.Completed());
    }
}
