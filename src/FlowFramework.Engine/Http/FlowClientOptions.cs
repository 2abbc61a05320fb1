using System;
using System.Net;
using System.Net.Http;

namespace FlowFramework.Engine
{
    /// <summary>How to reach one cluster.</summary>
    public sealed class FlowClientOptions
    {
        /// <summary>http(s)://host:port, optionally with a path prefix.</summary>
        public Uri BaseUri { get; set; } = new Uri("http://localhost:9200");

        /// <summary>Basic-auth credential; the password stays a SecureString until the header is built.</summary>
        public NetworkCredential? Credential { get; set; }

        public bool SkipCertificateCheck { get; set; }

        /// <summary>AWS SigV4, bearer token, client certificate, private CA (Auth/FlowAuthentication.cs); null for basic auth only.</summary>
        public FlowAuthentication? Authentication { get; set; }

        /// <summary>Sent as <c>x-tenant-id</c> when set.</summary>
        public string? TenantId { get; set; }

        /// <summary>Per request, not per run.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Called after every request, failed ones included, on the thread that made it.</summary>
        public Action<FlowRequestRecord>? RequestObserver { get; set; }

        /// <summary>Replaces the default handler (tests); <see cref="SkipCertificateCheck"/> is then not applied.</summary>
        public HttpMessageHandler? Handler { get; set; }

        /// <summary>Clock for the per-request timeout, request timings and HTTP-date Retry-After values.</summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
    }
}
