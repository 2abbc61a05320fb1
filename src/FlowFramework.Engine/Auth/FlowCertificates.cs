using System;
using System.IO;
using System.Reflection;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FlowFramework.Engine
{
    /// <summary>Reads client certificates and certificate authority bundles; every failure names the file and what went wrong.</summary>
    public static class FlowCertificates
    {
        private const string PemCertificateBegin = "-----BEGIN CERTIFICATE-----";
        private const string PemCertificateEnd = "-----END CERTIFICATE-----";

        private delegate X509Certificate2 EncryptedPemLoader(string certificatePath, ReadOnlySpan<char> password, string? keyPath);

        /// <summary>
        /// A client certificate with its private key: a PKCS#12 file (.pfx/.p12, with <paramref name="password"/>), or
        /// a PEM certificate with its key in <paramref name="keyPath"/> or in the same file (an encrypted PKCS#8 key
        /// takes <paramref name="password"/>). PEM keys need the .NET 5+ runtime of PowerShell 7.
        /// </summary>
        public static X509Certificate2 LoadClientCertificate(string path, string? keyPath, SecureString? password)
        {
            var bytes = ReadFile(path, FlowAuthSetupFailure.CertificateUnreadable, "client certificate");
            if (keyPath is not null)
            {
                ReadFile(keyPath, FlowAuthSetupFailure.CertificateKeyUnreadable, "private key");
            }

            X509Certificate2 certificate;
            if (IsPem(bytes))
            {
                certificate = LoadPem(path, keyPath, password);
            }
            else
            {
                try
                {
                    certificate = password is null || password.Length == 0
                        ? new X509Certificate2(bytes, (string?)null, X509KeyStorageFlags.Exportable)
                        : new X509Certificate2(bytes, password, X509KeyStorageFlags.Exportable);
                }
                catch (CryptographicException ex)
                {
                    throw Failed(FlowAuthSetupFailure.CertificateUnreadable, "client certificate", path,
                        "it is not a PKCS#12 (.pfx) file this password opens, nor a PEM file (" + ex.Message + ")", ex);
                }
            }

            if (!certificate.HasPrivateKey)
            {
                var subject = certificate.Subject;
                certificate.Dispose();
                throw new FlowAuthSetupException(FlowAuthSetupFailure.CertificateWithoutPrivateKey,
                    "client certificate '" + path + "': the certificate '" + subject + "' comes without its private key.", path, certificateSubject: subject);
            }

            return certificate;
        }

        /// <summary>Every certificate of a PEM bundle (or one DER certificate).</summary>
        public static X509Certificate2Collection LoadAuthorities(string path)
        {
            var bytes = ReadFile(path, FlowAuthSetupFailure.CertificateAuthorityUnreadable, "certificate authority bundle");
            var collection = new X509Certificate2Collection();
            try
            {
                if (IsPem(bytes))
                {
                    var text = Encoding.ASCII.GetString(bytes);
                    var at = 0;
                    while ((at = text.IndexOf(PemCertificateBegin, at, StringComparison.Ordinal)) >= 0)
                    {
                        var start = at + PemCertificateBegin.Length;
                        var end = text.IndexOf(PemCertificateEnd, start, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            throw new FormatException("a certificate block has no END line");
                        }

                        collection.Add(new X509Certificate2(Convert.FromBase64String(text.Substring(start, end - start).Trim())));
                        at = end + PemCertificateEnd.Length;
                    }
                }
                else
                {
                    collection.Add(new X509Certificate2(bytes));
                }
            }
            catch (Exception ex) when (ex is FormatException || ex is CryptographicException || ex is ArgumentException)
            {
                throw Failed(FlowAuthSetupFailure.CertificateAuthorityUnreadable, "certificate authority bundle", path, ex.Message, ex);
            }

            if (collection.Count == 0)
            {
                throw Failed(FlowAuthSetupFailure.CertificateAuthorityUnreadable, "certificate authority bundle", path,
                    "it holds no certificate (no '" + PemCertificateBegin + "' block)", null);
            }

            return collection;
        }

        private static X509Certificate2 LoadPem(string path, string? keyPath, SecureString? password)
        {
            // X509Certificate2.CreateFromPemFile and CreateFromEncryptedPemFile exist from .NET 5 on; this assembly
            // targets netstandard2.0, so they are found at run time.
            var type = typeof(X509Certificate2);
            X509Certificate2 loaded;
            try
            {
                if (password is null || password.Length == 0)
                {
                    var plain = type.GetMethod("CreateFromPemFile", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(string) }, null)
                        ?? throw NotSupportedHere(path);
                    loaded = (X509Certificate2)plain.Invoke(null, new object?[] { path, keyPath })!;
                }
                else
                {
                    var encrypted = Array.Find(type.GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name == "CreateFromEncryptedPemFile")
                        ?? throw NotSupportedHere(path);
                    var load = (EncryptedPemLoader)Delegate.CreateDelegate(typeof(EncryptedPemLoader), encrypted);
                    var chars = Auth.SecureText.Chars(password);
                    try
                    {
                        loaded = load(path, chars, keyPath);
                    }
                    finally
                    {
                        Array.Clear(chars, 0, chars.Length);
                    }
                }
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw PemUnreadable(path, keyPath, ex.InnerException);
            }
            catch (Exception ex) when (ex is CryptographicException || ex is ArgumentException)
            {
                throw PemUnreadable(path, keyPath, ex);
            }

            // A key imported from PEM is ephemeral; TLS on Windows needs it in a PKCS#12 form.
            using (loaded)
            {
                return new X509Certificate2(loaded.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
            }
        }

        private static FlowAuthSetupException NotSupportedHere(string path) =>
            Failed(FlowAuthSetupFailure.CertificateUnreadable, "client certificate", path,
                "reading a PEM certificate with its key needs .NET 5 or later, and this runtime has no PEM reader", null);

        private static FlowAuthSetupException PemUnreadable(string path, string? keyPath, Exception ex) => keyPath is null
            ? Failed(FlowAuthSetupFailure.CertificateUnreadable, "client certificate", path, "the PEM certificate or its key could not be read (" + ex.Message + ")", ex)
            : Failed(FlowAuthSetupFailure.CertificateKeyUnreadable, "private key", keyPath, "the PEM key could not be read or does not belong to '" + path + "' (" + ex.Message + ")", ex);

        private static byte[] ReadFile(string path, FlowAuthSetupFailure failure, string what)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException || ex is SecurityException)
            {
                throw Failed(failure, what, path, ex.Message, ex);
            }

            if (bytes.Length == 0)
            {
                throw Failed(failure, what, path, "the file is empty", null);
            }

            return bytes;
        }

        private static bool IsPem(byte[] bytes) => Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN");

        private static FlowAuthSetupException Failed(FlowAuthSetupFailure failure, string what, string path, string cause, Exception? inner) =>
            new FlowAuthSetupException(failure, what + " '" + path + "': " + cause, path, cause, innerException: inner);
    }
}
