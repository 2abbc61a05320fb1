using System.Net;
using System.Net.Security;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowFramework.Engine.Auth;
using FlowFramework.TestSupport;

namespace FlowFramework.Engine.Tests.Auth;

public sealed class CertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-cert-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SecureString Secure(string text) => new NetworkCredential(string.Empty, text).SecurePassword;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Server_certificate_issued_by_the_bundle_authority_is_accepted()
    {
        using var ca = TestCertificates.Authority("Flow Test CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=localhost", "localhost");
        var trust = new CertificateAuthorityTrust(new X509Certificate2Collection(ca), "ca.pem");

        Assert.True(trust.Validate(new HttpRequestMessage(HttpMethod.Get, "https://localhost:9200/"), leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(trust.TakeRejection());
    }

    [Fact]
    public void Server_certificate_of_another_authority_is_refused_naming_subject_and_issuer()
    {
        using var ours = TestCertificates.Authority("Flow Test CA");
        using var theirs = TestCertificates.Authority("Somebody Else CA");
        using var leaf = TestCertificates.Leaf(theirs, "CN=localhost", "localhost");
        var trust = new CertificateAuthorityTrust(new X509Certificate2Collection(ours), "/etc/flow/ca.pem");

        Assert.False(trust.Validate(new HttpRequestMessage(HttpMethod.Get, "https://localhost:9200/"), leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));

        var text = trust.TakeRejection()!.Describe();
        Assert.Contains("'CN=localhost'", text);
        Assert.Contains("'CN=Somebody Else CA'", text);
        Assert.Contains("/etc/flow/ca.pem", text);
        Assert.Null(trust.TakeRejection());
    }

    [Fact]
    public void Name_mismatch_is_refused_even_from_the_right_authority()
    {
        using var ca = TestCertificates.Authority("Flow Test CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=other-host", "other-host");
        var trust = new CertificateAuthorityTrust(new X509Certificate2Collection(ca), "ca.pem");

        Assert.False(trust.Validate(new HttpRequestMessage(HttpMethod.Get, "https://localhost:9200/"), leaf, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Contains("host name 'localhost'", trust.TakeRejection()!.Describe());
    }

    [Fact]
    public void Authority_bundle_reads_every_pem_block()
    {
        using var a = TestCertificates.Authority("A");
        using var b = TestCertificates.Authority("B");
        var path = Write("bundle.pem", "# comment\n" + a.ExportCertificatePem() + "\n" + b.ExportCertificatePem() + "\n");

        var all = FlowCertificates.LoadAuthorities(path);

        Assert.Equal(["CN=A", "CN=B"], all.Cast<X509Certificate2>().Select(c => c.Subject).ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")]
    public void Unreadable_authority_bundle_names_the_file(string content)
    {
        var path = Write("bad-ca.pem", content);
        var ex = Assert.Throws<FlowAuthSetupException>(() => FlowCertificates.LoadAuthorities(path));
        Assert.Equal(FlowAuthSetupFailure.CertificateAuthorityUnreadable, ex.Failure);
        Assert.Equal(path, ex.Path);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Pfx_with_its_password_loads_with_the_private_key()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin,OU=ops");
        var path = Write("admin.pfx", leaf.Export(X509ContentType.Pkcs12, "pfx-pass-1"));

        using var loaded = FlowCertificates.LoadClientCertificate(path, null, Secure("pfx-pass-1"));

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(leaf.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void Pfx_with_a_wrong_password_names_the_file_not_the_password()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin");
        var path = Write("admin.pfx", leaf.Export(X509ContentType.Pkcs12, "right-pass"));

        var ex = Assert.Throws<FlowAuthSetupException>(() => FlowCertificates.LoadClientCertificate(path, null, Secure("wrong-pass-xyz")));

        Assert.Equal(FlowAuthSetupFailure.CertificateUnreadable, ex.Failure);
        Assert.Contains(path, ex.Message);
        Assert.DoesNotContain("wrong-pass-xyz", ex.ToString());
    }

    [Fact]
    public void Pem_certificate_with_a_separate_key_loads()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin");
        var cert = Write("admin.crt", leaf.ExportCertificatePem());
        var key = Write("admin.key", leaf.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        using var loaded = FlowCertificates.LoadClientCertificate(cert, key, null);

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(leaf.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void Pem_certificate_with_an_encrypted_key_loads_with_the_password()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin");
        var cert = Write("admin.crt", leaf.ExportCertificatePem());
        var key = Write("admin-enc.key", leaf.GetRSAPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("key-pass-2".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

        using var loaded = FlowCertificates.LoadClientCertificate(cert, key, Secure("key-pass-2"));

        Assert.True(loaded.HasPrivateKey);
        var wrong = Assert.Throws<FlowAuthSetupException>(() => FlowCertificates.LoadClientCertificate(cert, key, Secure("nope-3")));
        Assert.Equal(FlowAuthSetupFailure.CertificateKeyUnreadable, wrong.Failure);
        Assert.Equal(key, wrong.Path);
        Assert.Contains(key, wrong.Message);
        Assert.DoesNotContain("nope-3", wrong.ToString());
    }

    [Fact]
    public void Pem_file_holding_certificate_and_key_loads_alone()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin");
        var both = Write("admin.pem", leaf.ExportCertificatePem() + "\n" + leaf.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        using var loaded = FlowCertificates.LoadClientCertificate(both, null, null);

        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void Certificate_without_a_key_and_a_missing_file_name_the_file()
    {
        using var ca = TestCertificates.Authority("CA");
        using var leaf = TestCertificates.Leaf(ca, "CN=admin");
        var certOnly = Write("cert-only.cer", leaf.Export(X509ContentType.Cert));
        var missing = Path.Combine(_dir, "missing.pfx");

        var noKey = Assert.Throws<FlowAuthSetupException>(() => FlowCertificates.LoadClientCertificate(certOnly, null, null));
        var notThere = Assert.Throws<FlowAuthSetupException>(() => FlowCertificates.LoadClientCertificate(missing, null, null));

        Assert.Equal(FlowAuthSetupFailure.CertificateWithoutPrivateKey, noKey.Failure);
        Assert.Equal(certOnly, noKey.Path);
        Assert.Equal("CN=admin", noKey.CertificateSubject);
        Assert.Contains(certOnly, noKey.Message);
        Assert.Contains("private key", noKey.Message);
        Assert.Equal(FlowAuthSetupFailure.CertificateUnreadable, notThere.Failure);
        Assert.Equal(missing, notThere.Path);
        Assert.Contains(missing, notThere.Message);
        Assert.NotNull(notThere.Cause);
        // Facts only: the module words the advice, and only it names cmdlet parameters.
        Assert.All(new[] { noKey.Message, notThere.Message }, m => Assert.DoesNotContain("-Certificate", m));
    }
}
