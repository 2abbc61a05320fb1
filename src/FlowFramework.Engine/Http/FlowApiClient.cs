using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Timeout;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The Flow Framework REST calls the module needs, over one <see cref="HttpClient"/>.
    /// Failures surface as <see cref="FlowApiException"/> (facts, no advice); the caller's cancellation as
    /// <see cref="OperationCanceledException"/>. A request that gets no answer within its time limit (Polly's timeout
    /// strategy, on the client's clock) is <see cref="FlowErrorKind.Timeout"/>, as are 408 and 504; 502, 503 and
    /// transport failures are <see cref="FlowErrorKind.Unavailable"/>; a server certificate the connection's certificate
    /// authority bundle does not vouch for is <see cref="FlowErrorKind.Tls"/>. How requests sign in is the handler
    /// chain's business (Auth/FlowHttpPipeline.cs).
    /// </summary>
    public sealed partial class FlowApiClient : IDisposable
    {
        private const string WorkflowPath = "/_plugins/_flow_framework/workflow/";
        private static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new ResiliencePropertyKey<TimeSpan>("FlowFramework.RequestTimeout");

        private readonly HttpClient _http;
        private readonly string _baseUri;
        private readonly string _cluster;
        private readonly TimeSpan _requestTimeout;
        private readonly TimeProvider _time;
        private readonly ResiliencePipeline _timeout;
        private readonly Action<FlowRequestRecord>? _observer;
        private readonly AuthenticationHeaderValue? _authorization;
        private readonly string? _tenantId;
        private readonly DeprovisionCap _cap;
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
            _cluster = baseUri.Scheme + "://" + baseUri.Authority;
            _baseUri = _cluster + baseUri.AbsolutePath.TrimEnd('/');
            _requestTimeout = options.RequestTimeout;
            _time = options.TimeProvider ?? TimeProvider.System;
            _observer = options.RequestObserver;
            _tenantId = string.IsNullOrEmpty(options.TenantId) ? null : options.TenantId;
            _authorization = options.Credential is null ? null : BuildBasicAuth(options.Credential);
            _timeout = new ResiliencePipelineBuilder { TimeProvider = _time }
                .AddTimeout(new TimeoutStrategyOptions
                {
                    TimeoutGenerator = args => new ValueTask<TimeSpan>(args.Context.Properties.GetValue(TimeoutKey, _requestTimeout)),
                })
                .Build();

            _pipeline = Auth.FlowHttpPipeline.Create(options);
            _http = new HttpClient(_pipeline.Handler, disposeHandler: _pipeline.OwnsHandler);
            _http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            _cap = new DeprovisionCap(ReadThreadPoolAsync, _time);
        }

        /// <summary>The per-request time limit of this connection.</summary>
        public TimeSpan RequestTimeout => _requestTimeout;

        /// <summary><c>GET /</c>: the cluster's name and version; also proves the credentials work.</summary>
        public async Task<FlowClusterInfo> GetClusterInfoAsync(CancellationToken ct)
        {
            var response = await SendAsync(HttpMethod.Get, "/", null, null, ct).ConfigureAwait(false);
            EnsureSuccess(response, null);
            return Read(response, null, ResponseReader.ReadClusterInfo);
        }

        /// <summary>How many deprovisions this connection lets be in flight (the pool is read once, on first use).</summary>
        public Task<FlowDeprovisionLimit> GetDeprovisionLimitAsync(CancellationToken ct) => _cap.GetLimitAsync(ct);

        /// <summary><c>GET .../workflow/{id}/_status</c>, with <c>all=true</c> when <paramref name="all"/> is set.</summary>
        public async Task<FlowWorkflowStatus> GetWorkflowStatusAsync(string workflowId, bool all, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var path = WorkflowPath + Uri.EscapeDataString(workflowId) + "/_status" + (all ? "?all=true" : string.Empty);
            var response = await SendAsync(HttpMethod.Get, path, workflowId, null, ct).ConfigureAwait(false);
            EnsureSuccess(response, workflowId);
            return Read(response, workflowId, body => ResponseReader.ReadWorkflowState(body, workflowId));
        }

        /// <summary>
        /// <c>POST .../workflow/{id}/_deprovision[?allow_delete=a,b]</c>. 200, 202 and the allow_delete-only 403
        /// are answers; everything else throws <see cref="FlowApiException"/>. <paramref name="timeout"/> replaces the
        /// connection's per-request limit for this request.
        /// </summary>
        public async Task<FlowDeprovisionResponse> DeprovisionAsync(string workflowId, IReadOnlyCollection<string> allowDelete, CancellationToken ct, TimeSpan? timeout = null)
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

            // Never more in flight on this connection than the server's deprovision pool can take (DeprovisionCap), counting
            // requests the client gave up on for as long as the server may still be running them.
            var response = await _cap.RunAsync(token => SendAsync(HttpMethod.Post, path, workflowId, timeout, token), timeout ?? _requestTimeout, ct).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case 200:
                    // The body is {"workflow_id": ...}; it is checked so a proxy's 200 page is not taken for success.
                    Read(response, workflowId, body =>
                    {
                        using var doc = JsonDocument.Parse(body);
                        return doc.RootElement.ValueKind == JsonValueKind.Object ? true : throw new JsonException("The body is not a JSON object.");
                    });
                    return new FlowDeprovisionResponse(FlowDeprovisionResponseKind.Completed, 200, null, null, null);
                case 202:
                    return Partial(FlowDeprovisionResponseKind.Partial, response);
                case 403 when DeprovisionMessageParser.IsAllowDeleteMessage(ResponseReader.ReadErrorMessage(response.Body)):
                    return Partial(FlowDeprovisionResponseKind.NeedsAllowDelete, response);
            }

            EnsureSuccess(response, workflowId);
            throw Failure(FlowErrorKind.InvalidResponse, response, workflowId, "an answer a deprovision never gives");
        }

        /// <summary>
        /// Whether a resource a workflow created still exists: HEAD the index, GET the pipeline, connector, model or agent.
        /// Only a 404 says it is gone; a denied or failed read says nothing (never guess).
        /// </summary>
        internal async Task<ResourceCheck> CheckResourceAsync(FlowResource resource, CancellationToken ct, ReadPacer? pacer = null)
        {
            var reads = ResourceCheck.ReadsFor(resource);
            foreach (var (method, path) in reads)
            {
                RawResponse response;
                try
                {
                    await Pace(pacer, ct).ConfigureAwait(false);
                    response = await SendAsync(method, path, resource.WorkflowId, null, ct).ConfigureAwait(false);
                }
                catch (FlowApiException ex)
                {
                    return ResourceCheck.Unreadable(ResourceCheck.Describe(ex), ex.RetryAfter, ex.IsTransient);
                }

                if (response.StatusCode >= 200 && response.StatusCode < 300)
                {
                    return ResourceCheck.Exists(ResourceCheck.ReadModelState(response.Body));
                }

                if (response.StatusCode != 404)
                {
                    return ResourceCheck.Unreadable(FormattableString.Invariant($"HTTP {response.StatusCode}"), response.RetryAfter, ResourceCheck.IsTransientStatus(response.StatusCode));
                }
            }

            return reads.Count == 0 ? ResourceCheck.Unknown : ResourceCheck.Missing(string.Join(" and ", reads.Select(r => r.Method.Method + " " + r.Path)));
        }

        /// <summary>
        /// The models using a connector, as ML Commons' connector delete finds them: the model search with a <c>match</c>
        /// on <c>connector_id</c> (<c>POST _plugins/_ml/models/_search</c>). A search that is denied or fails says nothing.
        /// </summary>
        internal async Task<ConnectorUsers> FindConnectorUsersAsync(string workflowId, string connectorId, CancellationToken ct, ReadPacer? pacer = null)
        {
            var query = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["size"] = 100,
                ["_source"] = new[] { "model_state" },
                ["query"] = new Dictionary<string, object> { ["match"] = new Dictionary<string, string> { ["connector_id"] = connectorId } },
            });
            RawResponse response;
            try
            {
                await Pace(pacer, ct).ConfigureAwait(false);
                response = await SendAsync(HttpMethod.Post, "/_plugins/_ml/models/_search", workflowId, null, ct, query).ConfigureAwait(false);
            }
            catch (FlowApiException ex)
            {
                return new ConnectorUsers(null, ResourceCheck.Describe(ex), ex.RetryAfter, ex.IsTransient);
            }

            if (response.StatusCode != 200)
            {
                return new ConnectorUsers(null, FormattableString.Invariant($"HTTP {response.StatusCode}"), response.RetryAfter, ResourceCheck.IsTransientStatus(response.StatusCode));
            }

            try
            {
                return new ConnectorUsers(SearchReader.ReadHits(response.Body).Select(hit => hit.Id).ToList());
            }
            catch (JsonException)
            {
                return new ConnectorUsers(null, "an answer that is not a search result");
            }
        }

        public void Dispose() => _http.Dispose();

        private async Task<string> ReadThreadPoolAsync(CancellationToken ct)
        {
            var response = await SendAsync(HttpMethod.Get, "/_nodes/thread_pool", null, null, ct).ConfigureAwait(false);
            EnsureSuccess(response, null);
            return response.Body;
        }

        private static FlowDeprovisionResponse Partial(FlowDeprovisionResponseKind kind, RawResponse response)
        {
            var message = ResponseReader.ReadErrorMessage(response.Body);
            var (failed, needsAllowDelete) = DeprovisionMessageParser.Parse(message);
            return new FlowDeprovisionResponse(kind, response.StatusCode, message, failed, needsAllowDelete);
        }

        private async Task<RawResponse> SendAsync(HttpMethod method, string pathAndQuery, string? workflowId, TimeSpan? timeout, CancellationToken ct, string? body = null)
        {
            ct.ThrowIfCancellationRequested();
            var uri = new Uri(_baseUri + pathAndQuery, UriKind.Absolute);
            var operation = method.Method + " " + uri.PathAndQuery;
            var limit = timeout ?? _requestTimeout;
            var started = _time.GetTimestamp();
            var context = ResilienceContextPool.Shared.Get(ct);
            context.Properties.Set(TimeoutKey, limit);
            try
            {
                var response = await _timeout.ExecuteAsync(ctx => SendOnceAsync(method, uri, body, ctx.CancellationToken), context).ConfigureAwait(false);
                Observe(method, uri, response.StatusCode, started, response.StatusCode >= 400 ? ResponseReader.ReadErrorMessage(response.Body) : null);
                return response;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Observe(method, uri, null, started, "cancelled");
                throw new OperationCanceledException("The request was cancelled.", ct);
            }
            catch (TimeoutRejectedException ex)
            {
                var seconds = Seconds(limit);
                Observe(method, uri, null, started, $"no answer within {seconds} s");
                throw new FlowApiException(FlowErrorKind.Timeout, $"{operation} at {_cluster}: no answer within {seconds} s.",
                    workflowId: workflowId, operation: operation, cluster: _cluster, timeout: limit, innerException: ex);
            }
            catch (OperationCanceledException ex)
            {
                // The handler gave up on its own (an HttpClient-style timeout), not the caller: no answer either.
                var seconds = Seconds(limit);
                Observe(method, uri, null, started, $"no answer ({ex.Message})");
                throw new FlowApiException(FlowErrorKind.Timeout, $"{operation} at {_cluster}: no answer ({ex.Message}).",
                    workflowId: workflowId, operation: operation, cluster: _cluster, cause: ex.Message, innerException: ex);
            }
            catch (HttpRequestException ex) when (_pipeline.Trust?.TakeRejection() is { } rejection)
            {
                throw TransportFailure(FlowErrorKind.Tls, method, uri, started, workflowId, rejection.Describe(), ex);
            }
            catch (HttpRequestException ex)
            {
                throw TransportFailure(FlowErrorKind.Unavailable, method, uri, started, workflowId, Innermost(ex), ex);
            }
            catch (InvalidOperationException ex)
            {
                // For example a body in a character set the runtime cannot decode.
                throw TransportFailure(FlowErrorKind.InvalidResponse, method, uri, started, workflowId, ex.Message, ex);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is System.Net.Sockets.SocketException)
            {
                throw TransportFailure(FlowErrorKind.Unavailable, method, uri, started, workflowId, ex.Message, ex);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private async ValueTask<RawResponse> SendOnceAsync(HttpMethod method, Uri uri, string? body, CancellationToken ct)
        {
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

            if (method == HttpMethod.Post || body is not null)
            {
                request.Content = new StringContent(body ?? string.Empty, Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var text = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return new RawResponse(method.Method + " " + uri.PathAndQuery, (int)response.StatusCode, text, ReadRetryAfter(response));
        }

        private FlowApiException TransportFailure(FlowErrorKind kind, HttpMethod method, Uri uri, long started, string? workflowId, string cause, Exception inner)
        {
            Observe(method, uri, null, started, cause);
            var operation = method.Method + " " + uri.PathAndQuery;
            return new FlowApiException(kind, $"{operation} at {_cluster} failed: {cause}",
                workflowId: workflowId, operation: operation, cluster: _cluster, cause: cause, innerException: inner);
        }

        private void Observe(HttpMethod method, Uri uri, int? status, long started, string? error) =>
            _observer?.Invoke(new FlowRequestRecord(method.Method, uri.PathAndQuery, status, _time.GetElapsedTime(started), error));

        private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            var wait = header?.Delta ?? (header?.Date is DateTimeOffset date ? date - _time.GetUtcNow() : (TimeSpan?)null);
            return wait is TimeSpan w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        /// <summary>The outer and the innermost message: the innermost names the actual problem (refused, reset, certificate).</summary>
        private static string Innermost(HttpRequestException ex)
        {
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
                throw Failure(FlowErrorKind.InvalidResponse, response, workflowId, "a body that is not the JSON expected (" + ex.Message + ")", ex);
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

        /// <summary>An answer that is a failure: the request, the status, the server's text and its Retry-After.</summary>
        private FlowApiException Failure(FlowErrorKind kind, RawResponse response, string? workflowId, string? problem, Exception? inner = null)
        {
            var server = ResponseReader.ReadErrorMessage(response.Body);
            var text = FormattableString.Invariant($"{response.Operation} at {_cluster} -> HTTP {response.StatusCode}")
                + (problem is null ? string.Empty : " with " + problem)
                + (server is null || problem is not null ? string.Empty : ": " + server)
                + (response.RetryAfter is TimeSpan ra ? $" (retry after {Seconds(ra)} s)" : string.Empty);
            return new FlowApiException(kind, text + ".", response.StatusCode, server, response.RetryAfter, workflowId,
                response.Operation, _cluster, cause: problem is null ? null : inner?.Message, innerException: inner);
        }

        private static string Seconds(TimeSpan t) => FormattableString.Invariant($"{t.TotalSeconds:0.###}");

        private static AuthenticationHeaderValue BuildBasicAuth(NetworkCredential credential)
        {
            var user = credential.UserName ?? string.Empty;
            var password = credential.SecurePassword is { Length: > 0 } secure ? Auth.SecureText.Chars(secure) : Array.Empty<char>();
            var chars = new char[user.Length + 1 + password.Length];
            byte[]? bytes = null;
            try
            {
                user.CopyTo(0, chars, 0, user.Length);
                chars[user.Length] = ':';
                password.CopyTo(chars, user.Length + 1);
                bytes = Encoding.UTF8.GetBytes(chars);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(bytes));
            }
            finally
            {
                Array.Clear(password, 0, password.Length);
                Array.Clear(chars, 0, chars.Length);
                if (bytes is not null)
                {
                    Array.Clear(bytes, 0, bytes.Length);
                }
            }
        }

        private sealed class RawResponse
        {
            internal RawResponse(string operation, int statusCode, string body, TimeSpan? retryAfter)
            {
                Operation = operation;
                StatusCode = statusCode;
                Body = body;
                RetryAfter = retryAfter;
            }

            /// <summary>Method and path as sent.</summary>
            internal string Operation { get; }

            internal int StatusCode { get; }

            internal string Body { get; }

            internal TimeSpan? RetryAfter { get; }
        }
    }
}
