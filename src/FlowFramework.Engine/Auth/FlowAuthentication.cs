using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace FlowFramework.Engine
{
    /// <summary>
    /// How a connection signs in beyond basic auth, and whom it trusts. At most one of AWS SigV4 and a bearer token;
    /// a client certificate may go with basic auth (the security plugin accepts both).
    /// </summary>
    public sealed class FlowAuthentication
    {
        /// <summary>Signs every request with AWS SigV4 when set; needs <see cref="AwsRegion"/>.</summary>
        public FlowAwsCredentials? AwsCredentials { get; set; }

        public string? AwsRegion { get; set; }

        /// <summary><c>es</c> (managed domains) or <c>aoss</c> (Serverless).</summary>
        public string AwsService { get; set; } = "es";

        /// <summary>Sent as <c>Authorization: Bearer</c>; stays a SecureString until the header is built.</summary>
        public SecureString? BearerToken { get; set; }

        /// <summary>Presented in the TLS handshake; must hold its private key.</summary>
        public X509Certificate2? ClientCertificate { get; set; }

        /// <summary>When set, the server must chain to one of these instead of the machine store.</summary>
        public X509Certificate2Collection? CertificateAuthorities { get; set; }

        /// <summary>Where <see cref="CertificateAuthorities"/> came from, for messages.</summary>
        public string? CertificateAuthorityPath { get; set; }
    }
}
