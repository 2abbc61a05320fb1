using System;
using System.Management.Automation;
using FlowFramework.Engine;
using FlowFramework.Connections;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>Checks a cluster with GET / and makes it the session's default connection.</summary>
    [Cmdlet(VerbsCommunications.Connect, "FlowCluster")]
    [OutputType(typeof(FlowConnection))]
    public sealed class ConnectFlowClusterCommand : FlowCmdletBase
    {
        [Parameter(Position = 0)]
        [AllowEmptyString]
        public string? Uri { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var text = MyInvocation.BoundParameters.ContainsKey(nameof(Uri)) ? Uri : DefaultAddress();
            if (!UriRules.TryParse(text, out var uri, out var problem))
            {
                ThrowTerminatingError(FlowErrors.InvalidUri(UriRules.Redact(text), problem));
                return;
            }

            if (Credential != null && uri!.Scheme == System.Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                WriteWarning(FlowErrors.PlainHttpCredentials(uri));
            }

            var connection = new FlowConnection(uri!, Credential, SkipCertificateCheck, TenantId, TimeoutSec);
            FlowClusterInfo info;
            try
            {
                info = RunEngine(ct => connection.Client.GetClusterInfoAsync(ct));
            }
            catch (FlowApiException ex) when (ex.Kind == FlowErrorKind.Forbidden)
            {
                // A 403 (not 401) means the credentials were accepted: the user only lacks cluster:monitor/main, as
                // flow_framework_read_access does on a real cluster. Workflow calls may still be allowed.
                ConnectionStore.SetDefault(connection);
                WriteWarning(FlowErrors.ConnectedWithoutClusterCheck(uri!, connection.UserName, ex));
                if (PassThru)
                {
                    WriteObject(connection);
                }
                return;
            }
            catch (FlowApiException ex)
            {
                connection.Dispose();
                ThrowTerminatingError(FlowErrors.ConnectFailed(ex, connection));
                return;
            }
            catch (OperationCanceledException)
            {
                connection.Dispose();
                return;
            }

            connection.RecordClusterInfo(info);
            ConnectionStore.SetDefault(connection);
            var what = string.IsNullOrEmpty(info.VersionNumber)
                ? "an answer without a version"
                : $"{info.Distribution ?? "OpenSearch"} {info.VersionNumber}";
            var cluster = string.IsNullOrEmpty(info.ClusterName) ? string.Empty : $", cluster '{info.ClusterName}'";
            WriteInformation(new HostInformationMessage { Message = $"Connected to {uri}: {what}{cluster}." }, new[] { "PSHOST" });
            if (PassThru)
            {
                WriteObject(connection);
            }
        }
    }
}
