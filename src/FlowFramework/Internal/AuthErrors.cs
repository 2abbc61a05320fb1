using System;
using System.Management.Automation;
using FlowFramework.Engine;

namespace FlowFramework.Internal
{
    /// <summary>
    /// The errors of signing in: setup failures before any request, rejected SigV4 signatures, tokens and client
    /// certificates, untrusted server certificates. Messages name regions, services, sources, subjects and files,
    /// never a key, token, signature or password.
    /// </summary>
    internal static class AuthErrors
    {
        internal const string TlsError = "FlowTlsError";
        internal const string AwsCredentialNotFound = "FlowAwsCredentialNotFound";
        internal const string InvalidAwsCredential = "FlowInvalidAwsCredential";
        internal const string AwsRegionRequired = "FlowAwsRegionRequired";
        internal const string CertificateUnreadable = "FlowCertificateUnreadable";
        internal const string CertificateAuthorityUnreadable = "FlowCertificateAuthorityUnreadable";

        internal static ErrorRecord FromSetup(FlowAuthSetupException ex, Uri uri)
        {
            var target = (object?)ex.Path ?? uri.ToString();
            switch (ex.Failure)
            {
                case FlowAuthSetupFailure.AwsCredentialsNotFound:
                    return FlowErrors.Create(AwsCredentialNotFound, ErrorCategory.AuthenticationError, target, ex.Message,
                        "Give credentials in one of those places, name a profile with -AwsProfile, or pass -AwsCredential (Get-AWSCredential, or a PSCredential of access key id and secret access key).", ex);
                case FlowAuthSetupFailure.AwsCredentialsInvalid:
                    return FlowErrors.Create(InvalidAwsCredential, ErrorCategory.InvalidArgument, target, ex.Message,
                        "Pass -AwsCredential an Amazon.Runtime.AWSCredentials object or [pscredential]::new($accessKeyId, $secretAccessKey).", ex);
                case FlowAuthSetupFailure.AwsRegionUnknown:
                    return FlowErrors.Create(AwsRegionRequired, ErrorCategory.InvalidArgument, target, ex.Message,
                        "Pass -AwsRegion with the region of the domain or collection, for example -AwsRegion us-east-1.", ex);
                case FlowAuthSetupFailure.CertificateAuthorityUnreadable:
                    return FlowErrors.Create(CertificateAuthorityUnreadable, ErrorCategory.ReadError, target, ex.Message,
                        "Pass -CertificateAuthorityPath a readable PEM file holding the certificate of the CA that issued the cluster's certificate.", ex);
                default:
                    return FlowErrors.Create(CertificateUnreadable, ErrorCategory.ReadError, target, ex.Message,
                        "Pass -Certificate a certificate with its private key, or -CertificatePath a .pfx (with -CertificatePassword) or a PEM certificate with -CertificateKeyPath (and -CertificatePassword for an encrypted key).", ex);
            }
        }

        /// <summary>The error for failures that depend on how the connection signs in; null where the general builder serves.</summary>
        internal static ErrorRecord? TryCreate(FlowApiException ex, object? target, FlowConnection connection)
        {
            var server = string.IsNullOrEmpty(ex.ServerMessage) ? string.Empty : $" The server said: {ex.ServerMessage}";
            var status = ex.StatusCode is int code ? $" (HTTP {code})" : string.Empty;
            var where = connection.Uri.ToString();
            var signIn = connection.SignIn;
            if (ex.Kind == FlowErrorKind.Tls)
            {
                return FlowErrors.Create(TlsError, ErrorCategory.SecurityError, target, $"The TLS connection to {where} was refused: {ex.Message}",
                    "Pass -CertificateAuthorityPath the PEM bundle of the CA that issued the cluster's certificate (the issuer named above), and connect with the host name the certificate was issued for.", ex);
            }

            if (ex.Kind == FlowErrorKind.Authentication && signIn.IsAws)
            {
                return FlowErrors.Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                    $"{where} rejected the AWS SigV4 signature for region '{signIn.AwsRegion}' and service '{signIn.AwsService}' with credentials from {signIn.Source}{status}.{server}",
                    $"Check the region (-AwsRegion: the domain's own region, here '{signIn.AwsRegion}'), the service (-AwsService es for a managed domain, aoss for Serverless), this machine's clock (AWS allows 5 minutes of skew), and the credentials source ({signIn.Source}): wrong, deactivated or expired keys fail here. Then run Connect-FlowCluster again.", ex);
            }

            if (ex.Kind == FlowErrorKind.Authentication && signIn.IsToken)
            {
                return FlowErrors.Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                    $"{where} rejected the bearer token{status}.{server}",
                    "Get a new token (it may have expired, be signed with another key, or name a subject the cluster does not know) and run Connect-FlowCluster -Token again.", ex);
            }

            if (ex.Kind == FlowErrorKind.Authentication && signIn.HasClientCertificate)
            {
                return FlowErrors.Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                    $"{where} did not accept the client certificate '{signIn.Source}'{(connection.UserName is null ? string.Empty : $" nor user '{connection.UserName}'")}{status}.{server}",
                    "Check that the certificate is issued by a CA the cluster trusts, that the cluster's clientcert authentication domain is enabled, and that the certificate's subject maps to a user; then run Connect-FlowCluster again.", ex);
            }

            if (ex.Kind == FlowErrorKind.Forbidden && signIn.IsAws)
            {
                return FlowErrors.Create(FlowErrorIds.AccessDenied, ErrorCategory.PermissionDenied, target,
                    $"Access to {(target is string id && id != where ? $"workflow '{id}' on " : string.Empty)}{where} was denied to the AWS credentials from {signIn.Source}{status}.{server}",
                    "Allow the IAM principal es:ESHttpGet and es:ESHttpPost on the domain (or, on Serverless, a data access policy and aoss:APIAccessAll), and with fine-grained access control map it to a role with flow_framework_full_access.", ex);
            }

            return null;
        }
    }
}
