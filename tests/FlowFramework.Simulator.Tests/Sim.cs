using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Hosting;

namespace FlowFramework.Simulator.Tests;

/// <summary>A simulator started in process on a free loopback port, with a client and JSON helpers.</summary>
public sealed class Sim : IAsyncDisposable
{
    public const string Wf = "/_plugins/_flow_framework/workflow";

    private Sim(SimulatorServer server, HttpClient client)
    {
        Server = server;
        Client = client;
    }

    public SimulatorServer Server { get; }
    public HttpClient Client { get; }

    /// <summary>Starts with fast deprovision pauses and the partial-failure state write done before the answer, unless
    /// the caller passes its own values (later options win).</summary>
    public static async Task<Sim> StartAsync(params string[] args)
    {
        var all = new List<string> { "--port", "0", "--step-pause-ms", "1", "--pass-pause-ms", "10", "--provision-delay-ms", "5", "--state-write-lag-ms", "0" };
        all.AddRange(args);
        var server = await SimulatorServer.StartAsync([.. all]);
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return new Sim(server, client);
    }

    public async Task<(int Status, JsonNode? Body, string Text)> SendAsync(string method, string path, object? body = null, string? user = null, string? tenant = null)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            var text = body is string s ? s : body is JsonNode n ? n.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body);
            req.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        if (user is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        }
        if (tenant is not null)
        {
            req.Headers.Add("x-tenant-id", tenant);
        }
        using var resp = await Client.SendAsync(req);
        var content = await resp.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try { json = content.Length > 0 ? JsonNode.Parse(content) : null; } catch (System.Text.Json.JsonException) { }
        return ((int)resp.StatusCode, json, content);
    }

    public Task<(int Status, JsonNode? Body, string Text)> GetAsync(string path, string? user = null, string? tenant = null) => SendAsync("GET", path, null, user, tenant);
    public Task<(int Status, JsonNode? Body, string Text)> PostAsync(string path, object? body = null, string? user = null, string? tenant = null) => SendAsync("POST", path, body, user, tenant);

    /// <summary>Creates a workflow from a template and returns its id (asserting 201).</summary>
    public async Task<string> CreateAsync(JsonNode template, string query = "", string? user = null, string? tenant = null)
    {
        var (status, body, text) = await PostAsync($"{Wf}{query}", template, user, tenant);
        Assert.True(status is 201 or 202, text);
        return body!["workflow_id"]!.GetValue<string>();
    }

    /// <summary>Polls the status until provisioning leaves IN_PROGRESS; returns the full state.</summary>
    public async Task<JsonObject> WaitProvisionedAsync(string id, string? user = null, string? tenant = null)
    {
        for (var i = 0; i < 400; i++)
        {
            var (status, body, text) = await GetAsync($"{Wf}/{id}/_status?all=true", user, tenant);
            Assert.Equal(200, status);
            var progress = body!["provisioning_progress"]!.GetValue<string>();
            if (progress is "DONE" or "FAILED")
            {
                return body.AsObject();
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"workflow {id} still provisioning");
    }

    public async Task<JsonObject> ProvisionAsync(JsonNode template, string? user = null, string? tenant = null)
    {
        var id = await CreateAsync(template, "", user, tenant);
        var (status, body, text) = await PostAsync($"{Wf}/{id}/_provision", null, user, tenant);
        Assert.True(status == 202, text);
        Assert.Equal(id, body!["workflow_id"]!.GetValue<string>());
        return await WaitProvisionedAsync(id, user, tenant);
    }

    public async Task ConfigAsync(object config)
    {
        var (status, _, text) = await SendAsync("PUT", "/_simulator/config", config);
        Assert.True(status == 200, text);
    }

    /// <summary>Status and body text of an answer, for exact comparisons.</summary>
    public static (int, string) Pick((int Status, JsonNode? Body, string Text) r) => (r.Status, r.Body?.ToJsonString() ?? r.Text);

    /// <summary>Arms a gate at a hold point (for one workflow, or all when <paramref name="workflowId"/> is null).</summary>
    public async Task ArmGateAsync(string name, string? workflowId = null)
    {
        var (status, _, text) = await PostAsync("/_simulator/gates", new JsonObject { ["name"] = name, ["workflow_id"] = workflowId });
        Assert.True(status == 200, text);
    }

    /// <summary>Waits until <paramref name="waiting"/> requests are held at the gate (the simulator answers 408 after 30 s).</summary>
    public async Task AwaitGateAsync(string name, int waiting = 1)
    {
        var (status, _, text) = await PostAsync($"/_simulator/gates/{name}/_await", new JsonObject { ["waiting"] = waiting });
        Assert.True(status == 200, text);
    }

    public async Task<int> ReleaseGateAsync(string name, string? workflowId = null)
    {
        var (status, body, text) = await PostAsync($"/_simulator/gates/{name}/_release", workflowId is null ? null : new JsonObject { ["workflow_id"] = workflowId });
        Assert.True(status == 200, text);
        return body!["released"]!.GetValue<int>();
    }

    public async Task<List<JsonObject>> RequestsAsync()
        => (await GetAsync("/_simulator/requests")).Body!.AsArray().Select(e => e!.AsObject()).ToList();

    /// <summary>Polls the request log until an entry matches (entries are added when the server is done with a request).</summary>
    public async Task<JsonObject> WaitForRequestAsync(Func<JsonObject, bool> match)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await RequestsAsync()).FirstOrDefault(match) is { } entry) { return entry; }
            await Task.Delay(50);
        }
        throw new TimeoutException("no such request in the log");
    }

    public static string Err(string message) => new JsonObject { ["error"] = message }.ToJsonString();

    public static string CoreErr(int status, string type, string reason)
        => new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["root_cause"] = new JsonArray(new JsonObject { ["type"] = type, ["reason"] = reason }),
                ["type"] = type,
                ["reason"] = reason,
            },
            ["status"] = status,
        }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
