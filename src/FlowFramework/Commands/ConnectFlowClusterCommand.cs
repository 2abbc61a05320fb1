using System;
using System.Management.Automation;
using FlowFramework.Engine;
using FlowFramework.Connections;
using FlowFramework.Errors;

namespace FlowFramework.Commands
{
    /// <summary>Checks a cluster with GET / and makes it the session's default connection.</summary>
    [Cmdlet(VerbsCommunications.Connect, "FlowCluster", DefaultParameterSetName = ConnectParameterSets.Default)]
    [OutputType(typeof(FlowConnection))]
    public sealed class ConnectFlowClusterCommand : FlowCmdletBase
    {
        [Parameter(Position = 0)]
        [AllowEmptyString]
        public string? Uri { get; set; }

        [Parameter(ParameterSetName = ConnectParameterSets.Default)]
        [Parameter(ParameterSetName = ConnectParameterSets.Certificate)]
        [Parameter(ParameterSetName = ConnectParameterSets.CertificateFile)]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter(ParameterSetName = ConnectParameterSets.Aws)]
        [Parameter(ParameterSetName = ConnectParameterSets.AwsCredential)]
        [ValidatePattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
        public string? AwsRegion { get; set; }

        [Parameter(ParameterSetName = ConnectParameterSets.Aws)]
        [Parameter(ParameterSetName = ConnectParameterSets.AwsCredential)]
        [ValidateSet("es", "aoss")]
        public string AwsService { get; set; } = "es";

        [Parameter(ParameterSetName = ConnectParameterSets.Aws)]
        [ValidateNotNullOrEmpty]
        public string? AwsProfile { get; set; }

        /// <summary>An Amazon.Runtime.AWSCredentials object or a PSCredential; typed object so loading the module never needs AWSSDK.Core.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ConnectParameterSets.AwsCredential)]
        [ValidateNotNull]
        public object? AwsCredential { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ConnectParameterSets.Certificate)]
        [ValidateNotNull]
        public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ConnectParameterSets.CertificateFile)]
        [ValidateNotNullOrEmpty]
        public string? CertificatePath { get; set; }

        [Parameter(ParameterSetName = ConnectParameterSets.CertificateFile)]
        [ValidateNotNullOrEmpty]
        public string? CertificateKeyPath { get; set; }

        [Parameter(ParameterSetName = ConnectParameterSets.CertificateFile)]
        public System.Security.SecureString? CertificatePassword { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ConnectParameterSets.Token)]
        [ValidateNotNull]
        public System.Security.SecureString? Token { get; set; }

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

            if ((Credential != null || Token != null) && uri!.Scheme == System.Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                WriteWarning(FlowErrors.PlainHttpCredentials(uri));
            }

            if (ConnectAuthentication.TrustConflicts(this))
            {
                ThrowTerminatingError(FlowErrors.ConflictingTrust(CertificateAuthorityPath!));
                return;
            }

            SignIn signIn;
            try
            {
                signIn = ConnectAuthentication.Build(this, uri!);
            }
            catch (FlowAuthSetupException ex)
            {
                ThrowTerminatingError(FlowErrors.FromSetup(ex, uri!));
                return;
            }

            var connection = new FlowConnection(uri!, Credential, SkipCertificateCheck, TenantId, TimeoutSec) { SignIn = signIn };
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
                WriteWarning(FlowErrors.ConnectedWithoutClusterCheck(connection, ex));
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
