using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// Puts the connection's sign-in on each request just before it leaves: a bearer token, or an AWS SigV4
    /// signature over the request as it will be sent (method, encoded path, query, host, body hash, date, token).
    /// </summary>
    internal sealed class AuthHandler : DelegatingHandler
    {
        internal const string ContentSha256Header = "x-amz-content-sha256";
        internal const string DateHeader = "x-amz-date";
        internal const string SecurityTokenHeader = "x-amz-security-token";

        private readonly AuthenticationHeaderValue? _bearer;
        private readonly AwsCredentialCache? _aws;
        private readonly string? _region;
        private readonly string? _service;
        private readonly TimeProvider _time;

        internal AuthHandler(HttpMessageHandler inner, AuthenticationHeaderValue? bearer, AwsCredentialCache? aws, string? region, string? service, TimeProvider time)
            : base(inner)
        {
            _bearer = bearer;
            _aws = aws;
            _region = region;
            _service = service;
            _time = time;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_bearer is not null)
            {
                request.Headers.Authorization = _bearer;
            }

            if (_aws is not null)
            {
                await SignAsync(request, cancellationToken).ConfigureAwait(false);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        private async Task SignAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var keys = await _aws!.GetAsync(ct).ConfigureAwait(false);
            var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var payloadHash = SigV4Signer.PayloadHash(body);
            var uri = request.RequestUri!;
            var host = uri.IsDefaultPort ? uri.Host : FormattableString.Invariant($"{uri.Host}:{uri.Port}");
            var now = _time.GetUtcNow();
            var amzDate = now.UtcDateTime.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);

            request.Headers.Host = host;
            request.Headers.Remove(ContentSha256Header);
            request.Headers.Remove(DateHeader);
            request.Headers.Remove(SecurityTokenHeader);
            request.Headers.TryAddWithoutValidation(ContentSha256Header, payloadHash);
            request.Headers.TryAddWithoutValidation(DateHeader, amzDate);
            var signed = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("host", host),
                new KeyValuePair<string, string>(ContentSha256Header, payloadHash),
                new KeyValuePair<string, string>(DateHeader, amzDate),
            };
            if (keys.SessionToken is not null)
            {
                request.Headers.TryAddWithoutValidation(SecurityTokenHeader, keys.SessionToken);
                signed.Add(new KeyValuePair<string, string>(SecurityTokenHeader, keys.SessionToken));
            }

            var query = uri.Query.Length > 0 ? uri.Query.Substring(1) : null;
            var signature = SigV4Signer.Sign(request.Method.Method, uri.AbsolutePath, query, signed, payloadHash,
                keys.AccessKeyId, keys.SecretAccessKey, _region!, _service!, now);
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        }
    }
}
