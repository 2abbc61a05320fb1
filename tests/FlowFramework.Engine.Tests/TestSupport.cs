using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace FlowFramework.Engine.Tests;

/// <summary>A request as the fake server saw it.</summary>
internal sealed record SeenRequest(string Method, string AbsoluteUri, string OriginalString, string? Authorization, string? TenantId, DateTimeOffset At, string? Body = null);

/// <summary>
/// Scripts the cluster: one queue of answers per endpoint (deprovision, status, root); the last answer of a
/// queue repeats, so "202 forever" is one entry.
/// </summary>
internal sealed class FakeCluster : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>>> _scripts = new();
    private readonly Dictionary<string, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _last = new();
    /// <summary>Stamps each request (the run's fake clock in deprovision tests).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public List<SeenRequest> Deprovisions => Requests.Where(r => r.AbsoluteUri.Contains("/_deprovision")).ToList();

    public List<SeenRequest> StatusReads => Requests.Where(r => r.AbsoluteUri.Contains("/_status")).ToList();

    /// <summary>Everything but the once-per-connection read of the deprovision pool.</summary>
    public List<SeenRequest> WorkflowRequests => Requests.Where(r => !r.AbsoluteUri.Contains("/_nodes/thread_pool")).ToList();

    public List<SeenRequest> PoolReads => Requests.Where(r => r.AbsoluteUri.Contains("/_nodes/thread_pool")).ToList();

    /// <summary>Existence reads of resources: HEAD of an index, GET of a pipeline, connector, model or agent.</summary>
    public List<SeenRequest> ResourceReads => Requests.Where(r => Endpoint(new Uri(r.AbsoluteUri)) == "resource").ToList();

    /// <summary>The model searches (POST _plugins/_ml/models/_search: a connector's users).</summary>
    public List<SeenRequest> ModelSearches => To("model-search");

    public FakeCluster OnDeprovision(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("deprovision", answers);

    public FakeCluster OnStatus(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("status", answers);

    public FakeCluster OnRoot(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("root", answers);

    /// <summary>GET _nodes/thread_pool; unscripted, it fails (the engine then assumes the default pool).</summary>
    public FakeCluster OnPool(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("pool", answers);

    /// <summary>POST _plugins/_ml/models/_search; unscripted, it fails (the engine then cannot tell a connector's users).</summary>
    public FakeCluster OnModelSearch(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("model-search", answers);

    /// <summary>POST _plugins/_ml/agents/_search (the agents using a model).</summary>
    public FakeCluster OnAgentSearch(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("agent-search", answers);

    /// <summary>GET _ingest/pipeline and GET _search/pipeline (every pipeline), in the order they come.</summary>
    public FakeCluster OnPipelines(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("pipelines", answers);

    /// <summary>Existence reads (HEAD index, GET pipeline, connector, model, agent), in the order they come.</summary>
    public FakeCluster OnResource(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) => On("resource", answers);

    /// <summary>Requests to one endpoint: deprovision, status, search, state-search, model-search, provision, model-group, create, template or root.</summary>
    public List<SeenRequest> To(string endpoint) => Requests.Where(r => Endpoint(new Uri(r.AbsoluteUri)) == endpoint).ToList();

    public FakeCluster On(string endpoint, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers)
    {
        if (!_scripts.TryGetValue(endpoint, out var queue))
        {
            _scripts[endpoint] = queue = new();
        }

        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }

        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        Requests.Enqueue(new SeenRequest(
            request.Method.Method,
            uri.AbsoluteUri,
            uri.OriginalString,
            request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("x-tenant-id", out var tenant) ? tenant.Single() : null,
            Clock.GetUtcNow(),
            request.Content?.ReadAsStringAsync().GetAwaiter().GetResult()));
        var endpoint = Endpoint(uri);
        if (_scripts.TryGetValue(endpoint, out var queue) && queue.Count > 0)
        {
            _last[endpoint] = queue.Dequeue();
        }

        if (!_last.TryGetValue(endpoint, out var answer))
        {
            throw new InvalidOperationException("No answer scripted for " + endpoint);
        }

        return answer(request, cancellationToken);
    }

    private static string Endpoint(Uri uri)
    {
        var path = uri.AbsolutePath;
        bool Ends(string tail) => path.EndsWith(tail, StringComparison.Ordinal);
        return Ends("/_deprovision") ? "deprovision"
            : Ends("/_status") ? "status"
            : Ends("/workflow/state/_search") ? "state-search"
            : Ends("/workflow/_search") ? "search"
            : path == "/_plugins/_ml/models/_search" ? "model-search"
            : path == "/_plugins/_ml/agents/_search" ? "agent-search"
            : path == "/_ingest/pipeline" || path == "/_search/pipeline" ? "pipelines"
            : Ends("/_provision") ? "provision"
            : path.Contains("/_ml/model_groups/", StringComparison.Ordinal) ? "model-group"
            : Ends("/_flow_framework/workflow") ? "create"
            : path.Contains("/_flow_framework/workflow/", StringComparison.Ordinal) ? "template"
            : path == "/_nodes/thread_pool" ? "pool"
            : path == "/" ? "root"
            : "resource";
    }
}

internal static class Answer
{
    /// <summary>A search answer of <paramref name="index"/> with these hit ids (and the hit source given, if any).</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> SearchHits(string index, string? source, params string[] ids) =>
        Json(200, "{\"took\":1,\"timed_out\":false,\"hits\":{\"total\":{\"value\":" + ids.Length + ",\"relation\":\"eq\"},\"hits\":["
            + string.Join(",", ids.Select(id => "{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\"" + (source is null ? "" : ",\"_source\":" + source) + "}")) + "]}}");

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Json(int status, string body, Action<HttpResponseMessage>? tweak = null) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            tweak?.Invoke(response);
            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Error(int status, string message, Action<HttpResponseMessage>? tweak = null) =>
        Json(status, "{\"error\":" + System.Text.Json.JsonSerializer.Serialize(message) + "}", tweak);

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Ok(string workflowId) =>
        Json(200, "{\"workflow_id\":\"" + workflowId + "\"}");

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>Never answers; ends only when the request's token is cancelled.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang(TaskCompletionSource? started = null) =>
        async (_, ct) =>
        {
            started?.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

    /// <summary>A GET _nodes/thread_pool body: one node per pool max given.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Pool(params int[] maxPerNode) =>
        Json(200, "{\"_nodes\":{\"total\":" + maxPerNode.Length + "},\"cluster_name\":\"c\",\"nodes\":{"
            + string.Join(",", maxPerNode.Select((max, i) => "\"node" + i + "\":{\"name\":\"n" + i + "\",\"thread_pool\":{\"generic\":{\"type\":\"scaling\",\"core\":4,\"max\":128},"
                + "\"opensearch_deprovision_workflow\":{\"type\":\"scaling\",\"core\":1,\"max\":" + max + ",\"keep_alive\":\"1m\",\"queue_size\":-1}}}"))
            + "}}");

    public static Action<HttpResponseMessage> RetryAfterSeconds(int seconds) =>
        r => r.Headers.TryAddWithoutValidation("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A fake clock that remembers the timers created, so a test can jump to exactly when each one is due.</summary>
/// <summary>A whole deprovision run on a <see cref="SteppingClock"/> against a fake cluster, with the events it raised.</summary>
internal static class SteppedRun
{
    public static async Task<(FlowDeprovisionReport Report, List<FlowDeprovisionEvent> Events, DateTimeOffset Start, FlowDeprovisionOptions Options)> DeprovisionAsync(
        FakeCluster cluster, string state, Action<FlowDeprovisionOptions>? configure = null)
    {
        var clock = new SteppingClock();
        cluster.Clock = clock;
        var events = new List<FlowDeprovisionEvent>();
        var options = new FlowDeprovisionOptions { TimeProvider = clock, RandomSeed = 7 };
        configure?.Invoke(options);
        var start = clock.GetUtcNow();
        var report = await clock.Drive(new FlowDeprovisioner(Fixture.Client(cluster), options).RunAsync(FlowDeprovisionPlan.Create(Fixture.ParseState(state), null), events.Add, CancellationToken.None), maxTimers: 5000);
        return (report, events, start, options);
    }
}

internal sealed class SteppingClock : FakeTimeProvider
{
    private readonly SemaphoreSlim _created = new(0);
    private readonly ConcurrentQueue<TimeSpan> _dues = new();

    public SteppingClock() : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public List<TimeSpan> TimersCreated { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Record(dueTime);
        // A CancellationTokenSource on a TimeProvider creates its timer idle and arms it with Change.
        return new RecordingTimer(timer, this);
    }

    private void Record(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
        {
            lock (TimersCreated)
            {
                TimersCreated.Add(dueTime);
            }

            _dues.Enqueue(dueTime);
            _created.Release();
        }
    }

    private sealed class RecordingTimer(ITimer inner, SteppingClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Record(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Runs the task to completion, advancing the clock to each timer as soon as it is created.</summary>
    public async Task<T> Drive<T>(Task<T> task, int maxTimers = 1000)
    {
        for (var i = 0; i < maxTimers; i++)
        {
            var timer = _created.WaitAsync();
            var done = await Task.WhenAny(task, timer, Task.Delay(TimeSpan.FromSeconds(10)));
            if (done == task)
            {
                return await task;
            }

            if (done != timer)
            {
                throw new TimeoutException("The engine neither finished nor waited on the clock within 10 s of real time.");
            }

            _dues.TryDequeue(out var due);
            Advance(due);
        }

        throw new InvalidOperationException("Too many timers.");
    }

    /// <summary>Waits (in real time, briefly) until the engine has created a timer, without advancing the clock.</summary>
    public async Task<TimeSpan> WaitForTimer()
    {
        if (!await _created.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("No timer was created.");
        }

        _dues.TryDequeue(out var due);
        return due;
    }
}

internal static class Fixture
{
    public const string WorkflowId = "8xL8bowB8y25Tqfenm50";

    public static FlowApiClient Client(FakeCluster cluster, Action<FlowClientOptions>? configure = null)
    {
        var options = new FlowClientOptions { BaseUri = new Uri("https://search.example:9200"), Handler = cluster };
        configure?.Invoke(options);
        return new FlowApiClient(options);
    }

    public static string Resource(string step, string stepId, string type, string id) =>
        "{\"workflow_step_name\":\"" + step + "\",\"workflow_step_id\":\"" + stepId + "\",\"resource_type\":\"" + type + "\",\"resource_id\":\"" + id + "\"}";

    public static string State(string workflowId, params string[] resources) =>
        "{\"workflow_id\":\"" + workflowId + "\",\"state\":\"COMPLETED\",\"provisioning_progress\":\"DONE\",\"provision_start_time\":1710435961112,\"provision_end_time\":1710435968966"
        + (resources.Length == 0 ? string.Empty : ",\"resources_created\":[" + string.Join(",", resources) + "]") + "}";

    public static string EmptyState(string workflowId) => "{\"workflow_id\":\"" + workflowId + "\",\"state\":\"NOT_STARTED\",\"provisioning_progress\":\"NOT_STARTED\"}";

    // The demo's workflow: connector -> remote model (deployed) -> ingest pipeline -> index, plus a model group.
    public static readonly string Group = Resource("register_model_group", "model_group", "model_group_id", "GRP0bowB8y25Tqfenm50");
    public static readonly string Connector = Resource("create_connector", "create_connector_1", "connector_id", "NdjCQYwBLmvn802B0IwE");
    public static readonly string Model = Resource("register_remote_model", "register_model_2", "model_id", "N9jCQYwBLmvn802B0oyh");
    public static readonly string Deploy = Resource("deploy_model", "register_model_2", "model_id", "N9jCQYwBLmvn802B0oyh");
    public static readonly string Pipeline = Resource("create_ingest_pipeline", "create_ingest_pipeline", "pipeline_id", "nlp-ingest-pipeline");
    public static readonly string IndexEntry = Resource("create_index", "create_index", "index_name", "my-nlp-index");

    public static FlowWorkflowStatus ParseState(string json) => ResponseReader.ReadWorkflowState(json, WorkflowId);
}

/// <summary>
/// "Ctrl+C stops within a second" (architecture.md §4). Cancellation reaches every wait at once; what the clock sees on
/// top is a thread that a loaded 2-core machine keeps off a core, hence a margin. Anything that waited for the delay
/// or the request it was cancelled in (seconds to minutes) still fails.
/// </summary>
internal static class StopContract
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LoadedMachineMargin = TimeSpan.FromSeconds(2);
}
