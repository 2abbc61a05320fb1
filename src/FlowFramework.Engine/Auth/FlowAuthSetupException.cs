using System;
using System.Collections.Generic;

namespace FlowFramework.Engine
{
    /// <summary>What kept a connection's sign-in from being set up, before any request was sent.</summary>
    public enum FlowAuthSetupFailure
    {
        /// <summary>The AWS default chain, or the named profile, gave no credentials (<see cref="FlowAuthSetupException.Searched"/>).</summary>
        AwsCredentialsNotFound,
        /// <summary>The object given as AWS credentials is neither an AWSCredentials object nor keys (<see cref="FlowAuthSetupException.GivenType"/>).</summary>
        AwsCredentialsInvalid,
        /// <summary>No region was given and the host does not name one (<see cref="FlowAuthSetupException.Host"/>).</summary>
        AwsRegionUnknown,
        /// <summary>The client certificate file could not be read or opened.</summary>
        CertificateUnreadable,
        /// <summary>The private key file of a PEM certificate could not be read or opened.</summary>
        CertificateKeyUnreadable,
        /// <summary>The certificate comes without its private key (<see cref="FlowAuthSetupException.CertificateSubject"/>).</summary>
        CertificateWithoutPrivateKey,
        /// <summary>The certificate authority bundle could not be read or holds no certificate.</summary>
        CertificateAuthorityUnreadable,
    }

    /// <summary>
    /// A sign-in that cannot be set up, as facts: the failure, the file, the certificate subject, the profile, the
    /// places searched, and what the runtime or the AWS SDK reported. Never a key, token or password; the module
    /// words the sentence the user reads.
    /// </summary>
    public sealed class FlowAuthSetupException : Exception
    {
        public FlowAuthSetupException(
            FlowAuthSetupFailure failure,
            string message,
            string? path = null,
            string? cause = null,
            string? certificateSubject = null,
            string? profileName = null,
            IReadOnlyList<string>? searched = null,
            string? host = null,
            string? givenType = null,
            Exception? innerException = null)
            : base(message, innerException)
        {
            Failure = failure;
            Path = path;
            Cause = cause;
            CertificateSubject = certificateSubject;
            ProfileName = profileName;
            Searched = searched ?? Array.Empty<string>();
            Host = host;
            GivenType = givenType;
        }

        public FlowAuthSetupFailure Failure { get; }

        /// <summary>The file concerned, when there is one.</summary>
        public string? Path { get; }

        /// <summary>What the runtime, the file or the AWS SDK reported, when something did.</summary>
        public string? Cause { get; }

        /// <summary>The subject of the certificate concerned.</summary>
        public string? CertificateSubject { get; }

        /// <summary>The AWS profile asked for; null for the default chain.</summary>
        public string? ProfileName { get; }

        /// <summary>Where AWS credentials were looked for, in order.</summary>
        public IReadOnlyList<string> Searched { get; }

        /// <summary>The host whose name did not give an AWS region.</summary>
        public string? Host { get; }

        /// <summary>The type of the object given as AWS credentials.</summary>
        public string? GivenType { get; }
    }
}
