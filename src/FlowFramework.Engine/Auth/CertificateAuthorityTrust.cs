using System;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// Validates the server against the certificate authorities of one PEM bundle instead of the machine store.
    /// netstandard2.0 has no custom root trust, so the chain is built with the bundle as extra store and its
    /// root must be one of the bundle's certificates. The last rejection is kept so the failure can name the
    /// server certificate's subject and issuer.
    /// </summary>
    internal sealed class CertificateAuthorityTrust
    {
        private readonly X509Certificate2Collection _authorities;
        private readonly string _bundleName;
        private TlsRejection? _lastRejection;

        internal CertificateAuthorityTrust(X509Certificate2Collection authorities, string bundleName)
        {
            _authorities = authorities;
            _bundleName = bundleName;
        }

        /// <summary>The last rejection, once: a later failure of another kind is not blamed on it.</summary>
        internal TlsRejection? TakeRejection() => Interlocked.Exchange(ref _lastRejection, null);

        internal bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            var host = request.RequestUri?.Host ?? "the server";
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return Reject(new TlsRejection(null, null, host + " sent no certificate."));
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return Reject(new TlsRejection(certificate.Subject, certificate.Issuer,
                    "the certificate is not issued for the host name '" + host + "'."));
            }

            using var custom = new X509Chain();
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            custom.ChainPolicy.ExtraStore.AddRange(_authorities);
            if (chain is not null)
            {
                // Intermediates the server sent along.
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (!custom.Build(certificate))
            {
                var why = string.Join("; ", custom.ChainStatus
                    .Where(s => s.Status != X509ChainStatusFlags.UntrustedRoot && s.Status != X509ChainStatusFlags.NoError)
                    .Select(s => s.StatusInformation.Trim())
                    .Where(s => s.Length > 0));
                return Reject(new TlsRejection(certificate.Subject, certificate.Issuer,
                    "its chain is not valid (" + (why.Length == 0 ? "unknown reason" : why) + ")."));
            }

            var root = custom.ChainElements[custom.ChainElements.Count - 1].Certificate;
            var trusted = _authorities.Cast<X509Certificate2>().Any(a => a.RawData.SequenceEqual(root.RawData));
            if (!trusted)
            {
                return Reject(new TlsRejection(certificate.Subject, certificate.Issuer,
                    "it does not chain to a certificate authority in " + _bundleName + "."));
            }

            return true;
        }

        private bool Reject(TlsRejection rejection)
        {
            Volatile.Write(ref _lastRejection, rejection);
            return false;
        }
    }

    /// <summary>Why a server certificate was refused, with its subject and issuer (public data, safe to show).</summary>
    internal sealed class TlsRejection
    {
        internal TlsRejection(string? subject, string? issuer, string reason)
        {
            Subject = subject;
            Issuer = issuer;
            Reason = reason;
        }

        internal string? Subject { get; }

        internal string? Issuer { get; }

        internal string Reason { get; }

        internal string Describe() => Subject is null
            ? Reason
            : "the server certificate '" + Subject + "' issued by '" + Issuer + "' is not trusted: " + Reason;
    }
}
