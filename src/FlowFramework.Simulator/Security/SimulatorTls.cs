using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FlowFramework.Simulator.Security;

/// <summary>Kestrel's TLS settings for --tls: the CA-issued server certificate, --write-ca, and --client-ca.</summary>
internal static class SimulatorTls
{
    public static X509Certificate2 ServerCertificate(SecurityOptions security)
    {
        var (server, authority) = SimulatorPki.CreateServerCertificate();
        if (security.WriteCaPath is { } path)
        {
            SimulatorPki.WriteAuthority(authority, path);
        }
        authority.Dispose();
        return server;
    }

    public static void Configure(HttpsConnectionAdapterOptions https, X509Certificate2 certificate, SecurityOptions security)
    {
        https.ServerCertificate = certificate;
        if (security.ClientAuthorities is { } authorities)
        {
            // clientauth_mode OPTIONAL: a certificate is asked for; one from another CA fails the handshake.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (client, _, _) => SimulatorPki.IsTrustedClient(client, authorities);
        }
    }
}
