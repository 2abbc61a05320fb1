using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// The handler chain of one connection: the transport (or a test's handler) with the server trust and the
    /// client certificate, wrapped by the sign-in handler when the connection signs with SigV4 or a token.
    /// </summary>
    internal sealed class FlowHttpPipeline
    {
        private FlowHttpPipeline(HttpMessageHandler handler, bool ownsHandler, CertificateAuthorityTrust? trust)
        {
            Handler = handler;
            OwnsHandler = ownsHandler;
            Trust = trust;
        }

        internal HttpMessageHandler Handler { get; }

        /// <summary>False when the innermost handler is the caller's (tests), which the client must not dispose.</summary>
        internal bool OwnsHandler { get; }

        internal CertificateAuthorityTrust? Trust { get; }

        internal static FlowHttpPipeline Create(FlowClientOptions options)
        {
            var auth = options.Authentication;
            CertificateAuthorityTrust? trust = null;
            HttpMessageHandler transport;
            var owns = true;
            if (options.Handler is not null)
            {
                transport = options.Handler;
                owns = false;
            }
            else
            {
                var handler = new HttpClientHandler();
                if (auth?.CertificateAuthorities is { Count: > 0 } authorities)
                {
                    trust = new CertificateAuthorityTrust(authorities, auth.CertificateAuthorityPath ?? "the given certificate authority bundle");
                    handler.ServerCertificateCustomValidationCallback = trust.Validate;
                }
                else if (options.SkipCertificateCheck)
                {
                    handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
                }

                if (auth?.ClientCertificate is not null)
                {
                    handler.ClientCertificateOptions = ClientCertificateOption.Manual;
                    handler.ClientCertificates.Add(auth.ClientCertificate);
                }

                transport = handler;
            }

            if (auth is null || (auth.AwsCredentials is null && auth.BearerToken is null))
            {
                return new FlowHttpPipeline(transport, owns, trust);
            }

            if (auth.AwsCredentials is not null && auth.BearerToken is not null)
            {
                throw new ArgumentException("A connection signs with AWS SigV4 or with a bearer token, not both.", nameof(options));
            }

            AwsCredentialCache? aws = null;
            if (auth.AwsCredentials is not null)
            {
                if (string.IsNullOrWhiteSpace(auth.AwsRegion))
                {
                    throw new ArgumentException("AWS SigV4 needs a region.", nameof(options));
                }

                aws = new AwsCredentialCache(auth.AwsCredentials, options.TimeProvider ?? TimeProvider.System);
            }

            var bearer = auth.BearerToken is null ? null : new AuthenticationHeaderValue("Bearer", SecureText.Text(auth.BearerToken) ?? string.Empty);
            var outer = new AuthHandler(transport, bearer, aws, auth.AwsRegion?.Trim(), string.IsNullOrWhiteSpace(auth.AwsService) ? "es" : auth.AwsService.Trim(), options.TimeProvider ?? TimeProvider.System);
            // The sign-in handler is ours; it disposes the transport only when the transport is ours too.
            return new FlowHttpPipeline(owns ? outer : new NonDisposingHandler(outer), true, trust);
        }

        /// <summary>Keeps a test's handler alive when the client is disposed.</summary>
        private sealed class NonDisposingHandler : DelegatingHandler
        {
            internal NonDisposingHandler(HttpMessageHandler inner)
                : base(inner)
            {
            }

            protected override void Dispose(bool disposing)
            {
                // The inner chain ends in the caller's handler: leave it to the caller.
            }
        }
    }
}
