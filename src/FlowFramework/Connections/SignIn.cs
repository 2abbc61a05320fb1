using FlowFramework.Engine;

namespace FlowFramework.Connections
{
    /// <summary>How one connection signs in, as Connect-FlowCluster set it up: shown on FlowConnection, used by its client and its errors.</summary>
    internal sealed class SignIn
    {
        internal static readonly SignIn Basic = new SignIn(Methods.Basic, null);
        internal static readonly SignIn None = new SignIn(Methods.None, null);

        internal SignIn(string method, FlowAuthentication? authentication, string? awsRegion = null, string? awsService = null, string? source = null)
        {
            Method = method;
            Authentication = authentication;
            AwsRegion = awsRegion;
            AwsService = awsService;
            Source = source;
        }

        /// <summary>The values of <see cref="FlowConnection.Authentication"/>.</summary>
        internal static class Methods
        {
            internal const string None = "None";
            internal const string Basic = "Basic";
            internal const string AwsSigV4 = "AwsSigV4";
            internal const string Certificate = "Certificate";
            internal const string CertificateAndBasic = "Certificate+Basic";
            internal const string Token = "Token";
        }

        /// <summary>One of <see cref="Methods"/>.</summary>
        internal string Method { get; }

        /// <summary>What the engine needs beyond basic auth; null when basic auth (or nothing) is all.</summary>
        internal FlowAuthentication? Authentication { get; }

        internal string? AwsRegion { get; }

        internal string? AwsService { get; }

        /// <summary>Where AWS credentials came from, or the client certificate's subject, for messages (never a secret).</summary>
        internal string? Source { get; }

        internal bool IsAws => Authentication?.AwsCredentials is not null;

        internal bool IsToken => Authentication?.BearerToken is not null;

        internal bool HasClientCertificate => Authentication?.ClientCertificate is not null;
    }
}
