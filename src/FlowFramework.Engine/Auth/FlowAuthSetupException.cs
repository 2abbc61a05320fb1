using System;

namespace FlowFramework.Engine
{
    /// <summary>What kept a connection's sign-in from being set up, before any request was sent.</summary>
    public enum FlowAuthSetupFailure
    {
        /// <summary>The AWS default chain, or the named profile, gave no credentials.</summary>
        AwsCredentialsNotFound,
        /// <summary>-AwsCredential was neither an AWSCredentials object nor keys.</summary>
        AwsCredentialsInvalid,
        /// <summary>No region was given and the host does not name one.</summary>
        AwsRegionUnknown,
        /// <summary>A client certificate (or its key) could not be read or has no private key.</summary>
        CertificateUnreadable,
        /// <summary>The certificate authority bundle could not be read or holds no certificate.</summary>
        CertificateAuthorityUnreadable,
    }

    /// <summary>A sign-in that cannot be set up. The message names the file or the places searched, never a secret.</summary>
    public sealed class FlowAuthSetupException : Exception
    {
        public FlowAuthSetupException(FlowAuthSetupFailure failure, string message, string? path = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Failure = failure;
            Path = path;
        }

        public FlowAuthSetupFailure Failure { get; }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }
    }
}
