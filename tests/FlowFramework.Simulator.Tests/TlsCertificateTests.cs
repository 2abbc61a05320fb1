using System.Security.Cryptography.X509Certificates;
using FlowFramework.Simulator.Security;
using FlowFramework.TestSupport;

namespace FlowFramework.Simulator.Tests;

/// <summary>--tls with its own CA (--write-ca) and client certificates (--client-ca) signing in as their CN.</summary>
public sealed class TlsCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-sim-tls").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Tls_writes_the_ca_that_issued_its_certificate()
    {
        var caPath = Path.Combine(_dir, "sim-ca.pem");
        await using var sim = await Sim.StartAsync("--tls", "--write-ca", caPath);
        var ca = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(string.Concat(File.ReadAllLines(caPath).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        X509Certificate2? served = null;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => { served = X509CertificateLoader.LoadCertificate(cert!.RawData); return true; } };
        using var http = new HttpClient(handler);
        await http.GetAsync(sim.Server.BaseAddress);

        Assert.Equal(SimulatorPki.CaSubject, ca.Subject);
        Assert.Equal(ca.Subject, served!.Issuer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(served));
    }

    [Fact]
    public async Task Client_certificates_of_the_client_ca_sign_in_as_their_cn()
    {
        using var ca = TestCertificates.Authority("Client CA");
        using var other = TestCertificates.Authority("Other CA");
        var caPath = Path.Combine(_dir, "client-ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        await using var sim = await Sim.StartAsync("--tls", "--client-ca", caPath, "--user", "admin:pw:all_access");

        Assert.Equal(200, await StatusWithCertificate(sim, TestCertificates.Leaf(ca, "CN=admin,OU=ops", clientAuth: true)));
        Assert.Equal(403, await StatusWithCertificate(sim, TestCertificates.Leaf(ca, "CN=nobody", clientAuth: true)));   // authenticated, no roles
        Assert.Equal(401, await StatusWithCertificate(sim, null));
        await Assert.ThrowsAsync<HttpRequestException>(() => StatusWithCertificate(sim, TestCertificates.Leaf(other, "CN=admin", clientAuth: true)));
        Assert.Contains("\"user\":\"admin\"", (await sim.GetAsync("/_simulator/requests")).Text);
    }

    private static async Task<int> StatusWithCertificate(Sim sim, X509Certificate2? certificate)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, ClientCertificateOptions = ClientCertificateOption.Manual };
        if (certificate is not null)
        {
            handler.ClientCertificates.Add(certificate);
        }
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync(sim.Server.BaseAddress);
        return (int)response.StatusCode;
    }
}
