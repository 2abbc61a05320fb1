using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowFramework.Tests;

/// <summary>A scripted HTTP server on a free loopback port that records every request it gets.</summary>
public sealed class FakeCluster : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<FakeRequest, FakeResponse> _respond;
    private readonly Task _loop;

    public FakeCluster(Func<FakeRequest, FakeResponse> respond)
    {
        _respond = respond;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public IReadOnlyList<FakeRequest> RequestList => Requests.ToArray();

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var raw = context.Request.RawUrl ?? "/";
        var queryAt = raw.IndexOf('?');
        var request = new FakeRequest(
            context.Request.HttpMethod,
            queryAt < 0 ? raw : raw[..queryAt],
            queryAt < 0 ? "" : raw[(queryAt + 1)..],
            context.Request.Headers["Authorization"],
            context.Request.Headers["x-tenant-id"],
            new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEnd());
        Requests.Enqueue(request);
        FakeResponse response;
        try
        {
            response = _respond(request);
        }
        catch (Exception ex)
        {
            response = new FakeResponse(500, "{\"error\":\"fake cluster: " + ex.Message.Replace("\"", "'") + "\"}");
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        foreach (var header in response.Headers)
        {
            context.Response.Headers[header.Key] = header.Value;
        }
        var bytes = Encoding.UTF8.GetBytes(response.Body);
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    private int _disposed;

    /// <summary>Stops listening (the port then refuses connections); safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) { return; }
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }

    public const string RootBody =
        "{\"name\":\"node-1\",\"cluster_name\":\"fake-cluster\",\"cluster_uuid\":\"abc\",\"version\":{\"distribution\":\"opensearch\",\"number\":\"3.1.0\"},\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}";
}

public sealed record FakeRequest(string Method, string Path, string Query, string? Authorization, string? TenantId, string Body = "")
{
    public override string ToString() => Query.Length == 0 ? $"{Method} {Path}" : $"{Method} {Path}?{Query}";
}

public sealed record FakeResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public FakeResponse(int status, string body) : this(status, body, new Dictionary<string, string>()) { }
}
