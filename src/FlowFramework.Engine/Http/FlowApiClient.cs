using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine.Internal;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The Flow Framework REST calls the module needs, over one <see cref="HttpClient"/>.
    /// Failures surface as <see cref="FlowApiException"/>; the caller's cancellation as <see cref="OperationCanceledException"/>.
    /// A request that gets no answer within <see cref="FlowClientOptions.RequestTimeout"/> is <see cref="FlowErrorKind.Timeout"/>,
    /// as are 408 and 504; 502, 503 and transport failures are <see cref="FlowErrorKind.Unavailable"/>.
    /// </summary>
    public sealed class FlowApiClient : IDisposable
    {
        private const string WorkflowPath = "/_plugins/_flow_framework/workflow/";

        private readonly HttpClient _http;
        private readonly string _baseUri;
        private readonly string _displayBase;
        private readonly TimeSpan _requestTimeout;
        private readonly TimeProvider _time;
        private readonly Action<FlowRequestRecord>? _observer;
        private readonly AuthenticationHeaderValue? _authorization;
        private readonly string? _tenantId;
        private readonly Auth.FlowHttpPipeline _pipeline;

        public FlowApiClient(FlowClientOptions options)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var baseUri = options.BaseUri ?? throw new ArgumentException("FlowClientOptions.BaseUri is required.", nameof(options));
            if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException("The cluster URI must be an absolute http or https URI, for example https://localhost:9200.", nameof(options));
            }

            if (options.RequestTimeout <= TimeSpan.Zero)
            {
                throw new ArgumentException("FlowClientOptions.RequestTimeout must be positive.", nameof(options));
            }

            // User info in the URI is dropped: credentials travel only in the Authorization header.
            var path = baseUri.AbsolutePath.TrimEnd('/');
            _displayBase = baseUri.Scheme + "://" + baseUri.Authority;
            _baseUri = _displayBase + path;
            _requestTimeout = options.RequestTimeout;
            _time = options.TimeProvider ?? TimeProvider.System;
            _observer = options.RequestObserver;
            _tenantId = string.IsNullOrEmpty(options.TenantId) ? null : options.TenantId;
            _authorization = options.Credential is null ? null : BuildBasicAuth(options.Credential);

            _pipeline = Auth.FlowHttpPipeline.Create(options);
            _http = new HttpClient(_pipeline.Handler, disposeHandler: _pipeline.OwnsHandler);

            _http.Timeout = Timeout.InfiniteTimeSpan;
        }

        /// <summary><c>GET /</c>: the cluster's name and version; also proves the credentials work.</summary>
        public async Task<FlowClusterInfo> GetClusterInfoAsync(CancellationToken ct)
        {
            var response = await SendAsync(HttpMethod.Get, "/", null, ct).ConfigureAwait(false);
            EnsureSuccess(response, null);
            return Read(response, null, ResponseReader.ReadClusterInfo);
        }

        /// <summary><c>GET .../workflow/{id}/_status</c>, with <c>all=true</c> when <paramref name="all"/> is set.</summary>
        public async Task<FlowWorkflowState> GetWorkflowStatusAsync(string workflowId, bool all, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var path = WorkflowPath + Uri.EscapeDataString(workflowId) + "/_status" + (all ? "?all=true" : string.Empty);
            var response = await SendAsync(HttpMethod.Get, path, workflowId, ct).ConfigureAwait(false);
            EnsureSuccess(response, workflowId);
            return Read(response, workflowId, body => ResponseReader.ReadWorkflowState(body, workflowId));
        }

        /// <summary>
        /// <c>POST .../workflow/{id}/_deprovision[?allow_delete=a,b]</c>. 200, 202 and the allow_delete-only 403
        /// are answers; everything else throws <see cref="FlowApiException"/>.
        /// </summary>
        public async Task<FlowDeprovisionResponse> DeprovisionAsync(string workflowId, IReadOnlyCollection<string> allowDelete, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var path = WorkflowPath + Uri.EscapeDataString(workflowId) + "/_deprovision";
            var allowed = (allowDelete ?? Array.Empty<string>())
                .Where(id => !string.IsNullOrWhiteSpace(id))
                .Select(id => id.Trim())
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            if (allowed.Length > 0)
            {
                path += "?allow_delete=" + string.Join(",", allowed.Select(Uri.EscapeDataString));
            }

            var response = await SendAsync(HttpMethod.Post, path, workflowId, ct).ConfigureAwait(false);
            var status = response.StatusCode;
            if (status == 200)
            {
                // The body is {"workflow_id": ...}; it is checked so a proxy's 200 page is not taken for success.
                Read(response, workflowId, body =>
                {
                    using var doc = JsonDocument.Parse(body);
                    return doc.RootElement.ValueKind == JsonValueKind.Object ? true : throw new JsonException("The body is not a JSON object.");
                });
                return new FlowDeprovisionResponse(FlowDeprovisionResponseKind.Completed, 200, null, null, null);
            }

            if (status == 202)
            {
                var message = ResponseReader.ReadErrorMessage(response.Body);
                var (failed, needsAllowDelete) = DeprovisionMessageParser.Parse(message);
                return new FlowDeprovisionResponse(FlowDeprovisionResponseKind.Partial, 202, message, failed, needsAllowDelete);
            }

            if (status == 403)
            {
                var message = ResponseReader.ReadErrorMessage(response.Body);
                if (DeprovisionMessageParser.IsAllowDeleteMessage(message))
                {
                    var (failed, needsAllowDelete) = DeprovisionMessageParser.Parse(message);
                    return new FlowDeprovisionResponse(FlowDeprovisionResponseKind.NeedsAllowDelete, 403, message, failed, needsAllowDelete);
                }
            }

            EnsureSuccess(response, workflowId);
            throw Failure(FlowErrorKind.InvalidResponse, response, workflowId, "The cluster answered the deprovision request with an unexpected HTTP " + status.ToString(CultureInfo.InvariantCulture) + ".");
        }

        public void Dispose() => _http.Dispose();

        private async Task<RawResponse> SendAsync(HttpMethod method, string pathAndQuery, string? workflowId, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var uri = new Uri(_baseUri + pathAndQuery, UriKind.Absolute);
            var shownPath = uri.PathAndQuery;
            var started = _time.GetTimestamp();
            using var timeout = _time.CreateCancellationTokenSource(_requestTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (_authorization is not null)
            {
                request.Headers.Authorization = _authorization;
            }

            if (_tenantId is not null)
            {
                request.Headers.TryAddWithoutValidation("x-tenant-id", _tenantId);
            }

            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent(string.Empty, Encoding.UTF8, "application/json");
            }

            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                var status = (int)response.StatusCode;
                Observe(method, shownPath, status, started, status >= 400 ? ResponseReader.ReadErrorMessage(body) : null);
                return new RawResponse(method.Method, shownPath, status, body, ReadRetryAfter(response));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Observe(method, shownPath, null, started, "cancelled");
                throw new OperationCanceledException("The request was cancelled.", ct);
            }
            catch (OperationCanceledException ex)
            {
                var seconds = _requestTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                Observe(method, shownPath, null, started, "no answer within " + seconds + " s");
                throw new FlowApiException(
                    FlowErrorKind.Timeout,
                    "The cluster at " + _displayBase + " did not answer " + method.Method + " " + shownPath + " within " + seconds
                    + " s. Check that the cluster is reachable and not overloaded, or raise the request timeout (Connect-FlowCluster -TimeoutSec).",
                    workflowId: workflowId,
                    innerException: ex);
            }
            catch (HttpRequestException ex) when (_pipeline.Trust?.TakeRejection() is { } rejection)
            {
                Observe(method, shownPath, null, started, "server certificate not trusted");
                throw new FlowApiException(FlowErrorKind.Tls, rejection.Describe(), workflowId: workflowId, innerException: ex);
            }
            catch (HttpRequestException ex)
            {
                var why = Describe(ex);
                Observe(method, shownPath, null, started, why);
                throw new FlowApiException(
                    FlowErrorKind.Unavailable,
                    "Could not reach the cluster at " + _displayBase + " (" + why + "). Check the URI, that the cluster is running, and the network or TLS settings (-SkipCertificateCheck for a self-signed certificate).",
                    workflowId: workflowId,
                    innerException: ex);
            }
            catch (InvalidOperationException ex)
            {
                // For example a body in a character set the runtime cannot decode.
                Observe(method, shownPath, null, started, ex.Message);
                throw new FlowApiException(
                    FlowErrorKind.InvalidResponse,
                    "The answer of the cluster at " + _displayBase + " to " + method.Method + " " + shownPath + " could not be read (" + ex.Message + ").",
                    workflowId: workflowId,
                    innerException: ex);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is System.Net.Sockets.SocketException)
            {
                Observe(method, shownPath, null, started, ex.Message);
                throw new FlowApiException(
                    FlowErrorKind.Unavailable,
                    "The connection to the cluster at " + _displayBase + " failed (" + ex.Message + "). Check that the cluster is running and try again.",
                    workflowId: workflowId,
                    innerException: ex);
            }
        }

        private void Observe(HttpMethod method, string path, int? status, long started, string? error) =>
            _observer?.Invoke(new FlowRequestRecord(method.Method, path, status, _time.GetElapsedTime(started), error));

        private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header is null)
            {
                return null;
            }

            if (header.Delta is TimeSpan delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header.Date is DateTimeOffset date)
            {
                var wait = date - _time.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }

            return null;
        }

        private static string Describe(HttpRequestException ex)
        {
            // The innermost message names the actual problem (connection refused, reset, name not resolved).
            Exception inner = ex;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            return inner == ex ? ex.Message : ex.Message + " " + inner.Message;
        }

        private T Read<T>(RawResponse response, string? workflowId, Func<string, T> read)
        {
            try
            {
                return read(response.Body);
            }
            catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new FlowApiException(
                    FlowErrorKind.InvalidResponse,
                    "The cluster answered " + response.Method + " " + response.Path + " with HTTP " + response.StatusCode.ToString(CultureInfo.InvariantCulture)
                    + " but the body is not the JSON expected (" + ex.Message + "). Check that " + _displayBase + " is an OpenSearch cluster with the Flow Framework plugin, not a proxy or another service.",
                    response.StatusCode,
                    workflowId: workflowId,
                    innerException: ex);
            }
        }

        private void EnsureSuccess(RawResponse response, string? workflowId)
        {
            var status = response.StatusCode;
            if (status >= 200 && status < 300)
            {
                return;
            }

            var kind = status switch
            {
                400 => FlowErrorKind.BadRequest,
                401 => FlowErrorKind.Authentication,
                403 => Auth.AwsErrorText.IsAuthenticationFailure(ResponseReader.ReadErrorMessage(response.Body)) ? FlowErrorKind.Authentication : FlowErrorKind.Forbidden,
                404 => FlowErrorKind.NotFound,
                408 => FlowErrorKind.Timeout,
                429 => FlowErrorKind.Throttled,
                502 => FlowErrorKind.Unavailable,
                503 => FlowErrorKind.Unavailable,
                504 => FlowErrorKind.Timeout,
                _ when status >= 500 => FlowErrorKind.ServerError,
                _ when status >= 400 => FlowErrorKind.BadRequest,
                _ => FlowErrorKind.InvalidResponse,
            };
            throw Failure(kind, response, workflowId, null);
        }

        private FlowApiException Failure(FlowErrorKind kind, RawResponse response, string? workflowId, string? detail)
        {
            var server = ResponseReader.ReadErrorMessage(response.Body);
            var http = "HTTP " + response.StatusCode.ToString(CultureInfo.InvariantCulture) + (server is null ? string.Empty : ": " + server);
            var target = workflowId is null ? string.Empty : " for workflow '" + WorkflowIdValidator.Abbreviate(workflowId) + "'";
            var retry = response.RetryAfter is TimeSpan ra ? " The server asked to retry after " + ra.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s." : string.Empty;
            var message = detail ?? kind switch
            {
                FlowErrorKind.NotFound => workflowId is null
                    ? "The cluster at " + _displayBase + " has no such endpoint (" + http + "). Check the URI and that the Flow Framework plugin is installed."
                    : "Workflow '" + WorkflowIdValidator.Abbreviate(workflowId) + "' was not found (" + http + "). Check the id; a workflow without a state document has nothing to deprovision.",
                FlowErrorKind.Authentication => "The cluster at " + _displayBase + " rejected the credentials (" + http + "). Connect again with a valid -Credential.",
                FlowErrorKind.Forbidden => "Access denied" + target + " (" + http + "). The user needs the flow_framework_full_access role (and, to deprovision, ML Commons and index delete permissions).",
                FlowErrorKind.Throttled => "The cluster is throttling requests" + target + " (" + http + ")." + retry + " Wait and try again, or run fewer workflows at once (-ThrottleLimit).",
                FlowErrorKind.Unavailable => "The cluster at " + _displayBase + " is unavailable (" + http + ")." + retry + " Try again when it is back.",
                FlowErrorKind.Timeout => "The cluster at " + _displayBase + " timed out" + target + " (" + http + "). Try again; the cluster may be overloaded.",
                FlowErrorKind.BadRequest => "The cluster refused the request" + target + " as invalid (" + http + ").",
                FlowErrorKind.ServerError => "The cluster failed to process the request" + target + " (" + http + "). Check the cluster logs, then try again.",
                _ => "The cluster answered" + target + " with " + http + ".",
            };
            if (detail is not null)
            {
                message += " (" + http + ")";
            }

            return new FlowApiException(kind, message, response.StatusCode, server, response.RetryAfter, workflowId);
        }

        private static AuthenticationHeaderValue BuildBasicAuth(NetworkCredential credential)
        {
            var user = credential.UserName ?? string.Empty;
            var secure = credential.SecurePassword;
            var passwordLength = secure?.Length ?? 0;
            var chars = new char[user.Length + 1 + passwordLength];
            byte[]? bytes = null;
            var pointer = IntPtr.Zero;
            try
            {
                user.CopyTo(0, chars, 0, user.Length);
                chars[user.Length] = ':';
                if (secure is not null && passwordLength > 0)
                {
                    pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                    Marshal.Copy(pointer, chars, user.Length + 1, passwordLength);
                }

                bytes = Encoding.UTF8.GetBytes(chars);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(bytes));
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }

                Array.Clear(chars, 0, chars.Length);
                if (bytes is not null)
                {
                    Array.Clear(bytes, 0, bytes.Length);
                }
            }
        }

        private sealed class RawResponse
        {
            internal RawResponse(string method, string path, int statusCode, string body, TimeSpan? retryAfter)
            {
                Method = method;
                Path = path;
                StatusCode = statusCode;
                Body = body;
                RetryAfter = retryAfter;
            }

            internal string Method { get; }

            internal string Path { get; }

            internal int StatusCode { get; }

            internal string Body { get; }

            internal TimeSpan? RetryAfter { get; }
        }
    }
}
