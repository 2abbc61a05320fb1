namespace FlowFramework.Commands
{
    /// <summary>
    /// Connect-FlowCluster's parameter sets: one per way of signing in (basic or none, AWS SigV4 from the default
    /// chain or a profile, AWS SigV4 with given credentials, a client certificate object, a client certificate file,
    /// a bearer token), so that no two ways bind together. How the server is trusted (-CertificateAuthorityPath or
    /// -SkipCertificateCheck) goes with every way; asking for both is refused before anything is sent. (Trust as a
    /// second dimension of sets made "-CertificateAuthorityPath alone" ambiguous between basic and AWS.)
    /// </summary>
    internal static class ConnectParameterSets
    {
        internal const string Default = "Default";
        internal const string Aws = "Aws";
        internal const string AwsCredential = "AwsCredential";
        internal const string Certificate = "Certificate";
        internal const string CertificateFile = "CertificateFile";
        internal const string Token = "Token";

        internal static bool IsAws(string set) => set == Aws || set == AwsCredential;
    }
}
