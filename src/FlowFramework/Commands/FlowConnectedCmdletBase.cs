using System.Management.Automation;
using FlowFramework.Connections;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>
    /// The cmdlets that talk to a cluster: the -Connection parameter and its defaults (the session's connection,
    /// then $env:OPENSEARCH_URL, then http://localhost:9200).
    /// </summary>
    public abstract class FlowConnectedCmdletBase : FlowCmdletBase
    {
        /// <summary>The invocation's connection, resolved once in BeginProcessing.</summary>
        internal FlowConnection ActiveConnection { get; private set; } = null!;

        [Parameter]
        [ValidateNotNull]
        public FlowConnection? Connection { get; set; }

        protected override void BeginProcessing()
        {
            ActiveConnection = Connection ?? ConnectionStore.Default ?? CreateImplicitConnection();
        }

        /// <summary>One failed item: its error, and the pipeline goes on; the end of the command when the connection itself is unusable.</summary>
        internal void WriteApiError(Engine.FlowApiException ex, object? target) => WriteFailure(FlowErrors.FromApiException(ex, target, ActiveConnection), ex);

        /// <summary>Writes the error worded for <paramref name="ex"/>; ends the command instead when the connection is unusable.</summary>
        internal void WriteFailure(System.Management.Automation.ErrorRecord record, Engine.FlowApiException? ex)
        {
            if (ex is not null && FlowErrors.IsConnectionFatal(ex))
            {
                StopCurrentInvocation();
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }

        private FlowConnection CreateImplicitConnection()
        {
            var text = DefaultAddress();
            if (!UriRules.TryParse(text, out var uri, out var problem))
            {
                ThrowTerminatingError(FlowErrors.InvalidEnvironmentUri(EnvironmentUrlVariable, UriRules.Redact(text), problem));
            }
            return ConnectionStore.Implicit(uri!);
        }
    }
}
