namespace FlowFramework.Internal
{
    /// <summary>
    /// Connect-FlowCluster's parameter sets: one per way of signing in (basic or none, AWS SigV4 from the default
    /// chain or a profile, AWS SigV4 with given credentials, a client certificate object, a client certificate file,
    /// a bearer token), each in two forms: trusting the machine store (where -SkipCertificateCheck may be added) or
    /// a certificate authority bundle. So nothing contradictory binds.
    /// </summary>
    internal static class ConnectParameterSets
    {
        internal const string Default = "Default";
        internal const string Trust = "Trust";
        internal const string Aws = "Aws";
        internal const string AwsTrust = "AwsTrust";
        internal const string AwsCredential = "AwsCredential";
        internal const string AwsCredentialTrust = "AwsCredentialTrust";
        internal const string Certificate = "Certificate";
        internal const string CertificateTrust = "CertificateTrust";
        internal const string CertificateFile = "CertificateFile";
        internal const string CertificateFileTrust = "CertificateFileTrust";
        internal const string Token = "Token";
        internal const string TokenTrust = "TokenTrust";

        internal static bool IsAws(string set) => set.StartsWith(Aws, System.StringComparison.Ordinal);

        internal static bool IsTrust(string set) => set.EndsWith(Trust, System.StringComparison.Ordinal);
    }
}
