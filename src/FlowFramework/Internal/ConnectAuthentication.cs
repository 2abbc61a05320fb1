using System;
using System.Management.Automation;
using FlowFramework.Commands;
using FlowFramework.Engine;

namespace FlowFramework.Internal
{
    /// <summary>How one connection signs in, as Connect-FlowCluster set it up; shown on FlowConnection, used by its client.</summary>
    internal sealed class SignIn
    {
        internal static readonly SignIn Basic = new SignIn("Basic", null);
        internal static readonly SignIn None = new SignIn("None", null);

        internal SignIn(string method, FlowAuthentication? authentication, string? awsRegion = null, string? awsService = null, string? source = null)
        {
            Method = method;
            Authentication = authentication;
            AwsRegion = awsRegion;
            AwsService = awsService;
            Source = source;
        }

        /// <summary>None, Basic, AwsSigV4, Certificate, Certificate+Basic or Token; with a CA bundle, "+CA" follows.</summary>
        internal string Method { get; }

        internal FlowAuthentication? Authentication { get; }

        internal string? AwsRegion { get; }

        internal string? AwsService { get; }

        /// <summary>Where AWS credentials or the client certificate came from, for messages (never a secret).</summary>
        internal string? Source { get; }

        internal bool IsAws => Authentication?.AwsCredentials is not null;

        internal bool IsToken => Authentication?.BearerToken is not null;

        internal bool HasClientCertificate => Authentication?.ClientCertificate is not null;
    }

    /// <summary>Turns Connect-FlowCluster's sign-in parameters into the engine's <see cref="FlowAuthentication"/>.</summary>
    internal static class ConnectAuthentication
    {
        internal static SignIn Build(ConnectFlowClusterCommand cmdlet, Uri uri)
        {
            var set = cmdlet.ParameterSetName;
            var auth = new FlowAuthentication();
            var method = cmdlet.Credential is null ? "None" : "Basic";
            string? region = null;
            string? service = null;
            string? source = null;

            if (ConnectParameterSets.IsAws(set))
            {
                (region, service) = Region(cmdlet, uri);
                auth.AwsRegion = region;
                auth.AwsService = service;
                auth.AwsCredentials = AwsCredentials(cmdlet);
                source = auth.AwsCredentials.Source;
                method = "AwsSigV4";
            }
            else if (cmdlet.Token is not null)
            {
                auth.BearerToken = cmdlet.Token;
                method = "Token";
            }
            else if (cmdlet.Certificate is not null)
            {
                if (!cmdlet.Certificate.HasPrivateKey)
                {
                    throw new FlowAuthSetupException(FlowAuthSetupFailure.CertificateUnreadable,
                        $"The certificate '{cmdlet.Certificate.Subject}' (thumbprint {cmdlet.Certificate.Thumbprint}) has no private key, so it cannot sign in. Pass a certificate with its key, or -CertificatePath with -CertificateKeyPath.");
                }
                auth.ClientCertificate = cmdlet.Certificate;
                source = cmdlet.Certificate.Subject;
                method = cmdlet.Credential is null ? "Certificate" : "Certificate+Basic";
            }
            else if (cmdlet.CertificatePath is not null)
            {
                var path = cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.CertificatePath);
                var keyPath = cmdlet.CertificateKeyPath is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.CertificateKeyPath);
                auth.ClientCertificate = FlowCertificates.LoadClientCertificate(path, keyPath, cmdlet.CertificatePassword);
                source = auth.ClientCertificate.Subject;
                method = cmdlet.Credential is null ? "Certificate" : "Certificate+Basic";
            }

            if (cmdlet.CertificateAuthorityPath is not null)
            {
                var caPath = cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.CertificateAuthorityPath);
                auth.CertificateAuthorities = FlowCertificates.LoadAuthorities(caPath);
                auth.CertificateAuthorityPath = caPath;
            }

            var needsEngineAuth = auth.AwsCredentials is not null || auth.BearerToken is not null || auth.ClientCertificate is not null || auth.CertificateAuthorities is not null;
            return new SignIn(method, needsEngineAuth ? auth : null, region, service, source);
        }

        /// <summary>The one contradiction parameter sets cannot express: trusting any certificate and only a CA's.</summary>
        internal static ErrorRecord? Conflict(ConnectFlowClusterCommand cmdlet) =>
            cmdlet.SkipCertificateCheck && cmdlet.CertificateAuthorityPath is not null
                ? FlowErrors.Create(FlowErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, cmdlet.CertificateAuthorityPath,
                    "-SkipCertificateCheck and -CertificateAuthorityPath contradict each other: one accepts any server certificate, the other only those issued by the given certificate authorities.",
                    "Use -CertificateAuthorityPath (the careful choice) or -SkipCertificateCheck, not both.")
                : null;

        private static (string Region, string Service) Region(ConnectFlowClusterCommand cmdlet, Uri uri)
        {
            var fromHost = AwsEndpoint.TryParse(uri.Host, out var hostRegion, out var hostService);
            var service = cmdlet.MyInvocation.BoundParameters.ContainsKey(nameof(ConnectFlowClusterCommand.AwsService))
                ? cmdlet.AwsService
                : fromHost ? hostService : "es";
            var region = !string.IsNullOrEmpty(cmdlet.AwsRegion) ? cmdlet.AwsRegion! : fromHost ? hostRegion : null;
            if (region is null)
            {
                throw new FlowAuthSetupException(FlowAuthSetupFailure.AwsRegionUnknown,
                    $"The AWS region to sign for is not known: the host '{uri.Host}' is not an *.<region>.es.amazonaws.com or *.<region>.aoss.amazonaws.com endpoint.");
            }
            return (region, service);
        }

        private static FlowAwsCredentials AwsCredentials(ConnectFlowClusterCommand cmdlet)
        {
            var given = cmdlet.AwsCredential is PSObject wrapped ? wrapped.BaseObject : cmdlet.AwsCredential;
            if (given is PSCredential keys)
            {
                // Plain keys need no SDK: AWSSDK.Core stays unloaded.
                try
                {
                    return FlowAwsCredentials.FromKeys(keys.UserName, keys.Password);
                }
                catch (ArgumentException ex)
                {
                    throw new FlowAuthSetupException(FlowAuthSetupFailure.AwsCredentialsInvalid,
                        "-AwsCredential as a PSCredential needs the access key id as user name and the secret access key as password: " + ex.Message, innerException: ex);
                }
            }

            AwsSdkLoader.EnsureLoaded();
            if (given is not null)
            {
                return FlowAwsCredentials.FromSdkObject(given);
            }
            return cmdlet.AwsProfile is not null ? FlowAwsCredentials.FromProfile(cmdlet.AwsProfile) : FlowAwsCredentials.FromDefaultChain();
        }
    }
}
