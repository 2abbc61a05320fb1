using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Runs one catalog listing for a cmdlet: objects are written as each page arrives, a progress record counts them
    /// (completed in finally), notices become one warning each, a failed id is one error, and rejected credentials
    /// end the command.
    /// </summary>
    internal sealed class CatalogReader
    {
        private readonly FlowConnectedCmdletBase _cmdlet;
        private readonly int _activityId;
        private readonly string _activity;
        private readonly string _what;
        private int _written;

        /// <param name="what">What is listed, for a failure of the whole listing ("workflow templates").</param>
        internal CatalogReader(FlowConnectedCmdletBase cmdlet, int activityId, string activity, string what)
        {
            _what = what;
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = activity;
        }

        internal void Run(Func<FlowWorkflowCatalog, Action<object>, Action<string, FlowApiException>, Action<FlowCatalogNotice>, CancellationToken, Task> listing)
        {
            var catalog = new FlowWorkflowCatalog(_cmdlet.ActiveConnection.Client);
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Searching"));
            try
            {
                _cmdlet.RunEngine<bool>(async ct =>
                {
                    await listing(
                        catalog,
                        found => _cmdlet.Dispatcher.Post(() => Write(found)),
                        (id, ex) => _cmdlet.Dispatcher.Post(() => _cmdlet.WriteApiError(ex, id)),
                        notice => _cmdlet.Dispatcher.Post(() => _cmdlet.WriteWarning(FlowLifecycleErrors.CatalogNotice(notice))),
                        ct).ConfigureAwait(false);
                    return true;
                });
            }
            catch (OperationCanceledException)
            {
            }
            catch (FlowApiException ex)
            {
                _cmdlet.WriteFailure(FlowLifecycleErrors.SearchFailed(ex, _what, _cmdlet.ActiveConnection), ex);
            }
            finally
            {
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        private void Write(object found)
        {
            _cmdlet.WriteObject(found);
            if (++_written % 50 == 0)
            {
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, FormattableString.Invariant($"{_written} so far")));
            }
        }
    }
}
