using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FlowFramework.Soak;

/// <summary>The simulator as its own process, and plain HTTP to it for setup, control and inspection.</summary>
internal sealed partial class SimulatorHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private SimulatorHost(Process process, string url)
    {
        _process = process;
        Url = url;
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Url { get; }

    public static async Task<SimulatorHost> StartAsync(string simulatorDll, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(simulatorDll);
        foreach (var a in new[] { "--port", "0" }.Concat(arguments)) { info.ArgumentList.Add(a); }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the simulator");
        _ = process.StandardError.ReadToEndAsync();
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(ready.Token) is { } line)
            {
                if (Listening().Match(line) is { Success: true } m)
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new SimulatorHost(process, m.Groups[1].Value);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        process.Kill(true);
        throw new InvalidOperationException("the simulator did not say it was listening");
    }

    [GeneratedRegex(@"listening on (https?://\S+)")]
    private static partial Regex Listening();

    public async Task<(int Status, JsonNode? Body)> SendAsync(string method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        try { parsed = text.Length == 0 ? null : JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { }
        return ((int)response.StatusCode, parsed);
    }

    public Task<(int Status, JsonNode? Body)> GetAsync(string path) => SendAsync("GET", path);

    public async Task<JsonNode> ControlAsync(string method, string path, JsonNode? body = null)
    {
        var (status, answer) = await SendAsync(method, path, body);
        if (status != 200) { throw new InvalidOperationException($"{method} {path} answered {status}: {answer?.ToJsonString()}"); }
        return answer!;
    }

    public async Task<List<JsonObject>> RequestLogAsync() =>
        (await ControlAsync("GET", "/_simulator/requests")).AsArray().Select(e => e!.AsObject()).ToList();

    /// <summary>Waits until the deprovision pool is idle: no sequence (not even one whose client left) still runs.</summary>
    public async Task<bool> WaitPoolIdleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var pool = (await ControlAsync("GET", "/_simulator/pools"))["opensearch_deprovision_workflow"]!;
            if (pool["active"]!.GetValue<int>() == 0 && pool["queue"]!.GetValue<int>() == 0) { return true; }
            await Task.Delay(50);
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
