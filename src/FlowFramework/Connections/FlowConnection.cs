using System;
using System.Management.Automation;
using System.Net;
using System.Threading;
using FlowFramework.Engine;
using FlowFramework.Connections;

namespace FlowFramework
{
    /// <summary>
    /// Where and how to reach one OpenSearch cluster. The credential is kept inside and is never shown:
    /// no public property, ToString or serializer sees the password.
    /// </summary>
    public sealed class FlowConnection : IDisposable
    {
        private readonly object _gate = new object();
        private FlowApiClient? _client;

        internal FlowConnection(Uri uri, PSCredential? credential, bool skipCertificateCheck, string? tenantId, int timeoutSec)
        {
            Uri = uri;
            Credential = credential;
            SkipCertificateCheck = skipCertificateCheck;
            TenantId = string.IsNullOrEmpty(tenantId) ? null : tenantId;
            TimeoutSec = timeoutSec;
        }

        public Uri Uri { get; }

        public string? UserName => Credential?.UserName;

        public string? TenantId { get; }

        public bool SkipCertificateCheck { get; }

        public int TimeoutSec { get; }

        public string? ClusterName { get; private set; }

        public string? Version { get; private set; }

        public string? Distribution { get; private set; }

        internal PSCredential? Credential { get; }

        /// <summary>How the connection signs in (Commands/ConnectAuthentication.cs); set once by Connect-FlowCluster.</summary>
        internal SignIn SignIn
        {
            get => _signIn ?? (Credential is null ? SignIn.None : SignIn.Basic);
            set => _signIn = value;
        }

        private SignIn? _signIn;

        /// <summary>None, Basic, AwsSigV4, Certificate, Certificate+Basic or Token.</summary>
        public string Authentication => SignIn.Method;

        /// <summary>The region and service SigV4 signs for; null for other sign-ins.</summary>
        public string? AwsRegion => SignIn.AwsRegion;

        public string? AwsService => SignIn.AwsService;

        /// <summary>The CA bundle the server is checked against instead of the machine store, when one was given.</summary>
        public string? CertificateAuthorityPath => SignIn.Authentication?.CertificateAuthorityPath;

        public override string ToString() => Uri.ToString();

        internal void RecordClusterInfo(FlowClusterInfo info)
        {
            ClusterName = info.ClusterName;
            Version = info.VersionNumber;
            Distribution = info.Distribution;
        }

        /// <summary>One HTTP client for the life of the connection; requests are reported to whichever cmdlet runs them.</summary>
        internal FlowApiClient Client
        {
            get
            {
                lock (_gate)
                {
                    return _client ??= new FlowApiClient(new FlowClientOptions
                    {
                        BaseUri = Uri,
                        Credential = Credential is null ? null : new NetworkCredential(Credential.UserName, Credential.Password),
                        SkipCertificateCheck = SkipCertificateCheck,
                        Authentication = SignIn.Authentication,
                        TenantId = TenantId,
                        RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
                        RequestObserver = RequestReporter.Report,
                    });
                }
            }
        }

        public void Dispose()
        {
            FlowApiClient? client;
            lock (_gate)
            {
                client = _client;
                _client = null;
            }
            client?.Dispose();
        }
    }
}
