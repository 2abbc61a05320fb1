using System;
using System.Management.Automation;
using FlowFramework.Connections;
using FlowFramework.Engine;

namespace FlowFramework.Commands
{
    /// <summary>
    /// Turns Connect-FlowCluster's sign-in parameters into the engine's <see cref="FlowAuthentication"/>. What cannot
    /// be set up is a <see cref="FlowAuthSetupException"/> of facts, worded by the error builder.
    /// </summary>
    internal static class ConnectAuthentication
    {
        internal static SignIn Build(ConnectFlowClusterCommand cmdlet, Uri uri)
        {
            var auth = new FlowAuthentication();
            var method = cmdlet.Credential is null ? SignIn.Methods.None : SignIn.Methods.Basic;
            var withBasic = cmdlet.Credential is null ? SignIn.Methods.Certificate : SignIn.Methods.CertificateAndBasic;
            string? region = null;
            string? service = null;
            string? source = null;

            if (ConnectParameterSets.IsAws(cmdlet.ParameterSetName))
            {
                (region, service) = Region(cmdlet, uri);
                auth.AwsRegion = region;
                auth.AwsService = service;
                auth.AwsCredentials = AwsCredentials(cmdlet);
                source = auth.AwsCredentials.Source;
                method = SignIn.Methods.AwsSigV4;
            }
            else if (cmdlet.Token is not null)
            {
                auth.BearerToken = cmdlet.Token;
                method = SignIn.Methods.Token;
            }
            else if (cmdlet.Certificate is not null)
            {
                if (!cmdlet.Certificate.HasPrivateKey)
                {
                    throw new FlowAuthSetupException(FlowAuthSetupFailure.CertificateWithoutPrivateKey,
                        $"The certificate '{cmdlet.Certificate.Subject}' has no private key.", certificateSubject: cmdlet.Certificate.Subject);
                }

                auth.ClientCertificate = cmdlet.Certificate;
                source = cmdlet.Certificate.Subject;
                method = withBasic;
            }
            else if (cmdlet.CertificatePath is not null)
            {
                var path = cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.CertificatePath);
                var keyPath = cmdlet.CertificateKeyPath is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(cmdlet.CertificateKeyPath);
                auth.ClientCertificate = FlowCertificates.LoadClientCertificate(path, keyPath, cmdlet.CertificatePassword);
                source = auth.ClientCertificate.Subject;
                method = withBasic;
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
        internal static bool TrustConflicts(ConnectFlowClusterCommand cmdlet) => cmdlet.SkipCertificateCheck && cmdlet.CertificateAuthorityPath is not null;

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
                    $"The host '{uri.Host}' names no AWS region.", host: uri.Host);
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
                    throw new FlowAuthSetupException(FlowAuthSetupFailure.AwsCredentialsInvalid, ex.Message,
                        givenType: typeof(PSCredential).FullName, innerException: ex);
                }
            }

            // Only these reach AWSSDK.Core, which the engine's load context then loads from the module's dependencies.
            if (given is not null)
            {
                return FlowAwsCredentials.FromSdkObject(given);
            }

            return cmdlet.AwsProfile is not null ? FlowAwsCredentials.FromProfile(cmdlet.AwsProfile) : FlowAwsCredentials.FromDefaultChain();
        }
    }
}
