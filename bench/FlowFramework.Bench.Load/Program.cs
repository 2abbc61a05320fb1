using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowFramework.Bench.Load;

/// <summary>
/// Load client of the benchmark. Commands (one JSON object on stdout each):
///   status      --url U --id ID [--clients 8] [--seconds 5]       GET _status as fast as N keep-alive clients go
///   prepare     --url U --template FILE [--count 10] [--parallel 8] [--offset 0]  create + provision copies of a template
///                                                                 ("__N__" becomes offset + the copy's number), wait until COMPLETED
///   deprovision --url U --ids FILE [--clients 3]                  POST _deprovision of each prepared workflow once
/// </summary>
internal static class Program
{
    private const string Workflows = "/_plugins/_flow_framework/workflow";

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: FlowFramework.Bench.Load status|prepare|deprovision --url URL [options]");
            return 2;
        }

        var options = Options.Parse(args.Skip(1).ToArray());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(options.Text("url")),
            Timeout = TimeSpan.FromSeconds(options.Number("timeout-seconds", 120)),
        };
        JsonObject result = args[0] switch
        {
            "status" => await StatusAsync(http, options.Text("id"), (int)options.Number("clients", 8), options.Number("seconds", 5)),
            "prepare" => await PrepareAsync(http, await File.ReadAllTextAsync(options.Text("template")), (int)options.Number("count", 10), (int)options.Number("parallel", 8), (int)options.Number("offset", 0)),
            "deprovision" => await DeprovisionAsync(http, (await File.ReadAllLinesAsync(options.Text("ids"))).Where(l => l.Trim().Length > 0).ToList(), (int)options.Number("clients", 3)),
            _ => throw new ArgumentException("unknown command " + args[0]),
        };
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>N clients each send GET _status back to back for the given time.</summary>
    private static async Task<JsonObject> StatusAsync(HttpClient http, string id, int clients, double seconds)
    {
        var path = $"{Workflows}/{Uri.EscapeDataString(id)}/_status";
        // Warm the connections and the server's code paths first; the measured window starts after.
        foreach (var warm in await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => http.GetAsync(path))))
        {
            warm.Dispose();
        }
        var latencies = new List<double>[clients];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>();
            while (clock.Elapsed < until)
            {
                var sent = clock.Elapsed;
                using var response = await http.GetAsync(path).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) { mine.Add((clock.Elapsed - sent).TotalMilliseconds); }
                else { Interlocked.Increment(ref errors); }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return Summary(all, elapsed, errors, "requests");
    }

    /// <summary>Creates and provisions copies of a template; answers their ids once every one is COMPLETED.</summary>
    private static async Task<JsonObject> PrepareAsync(HttpClient http, string template, int count, int parallel, int offset)
    {
        var ids = new string[count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (n, ct) =>
        {
            var body = template.Replace("__N__", (offset + n).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var created = await http.PostAsync($"{Workflows}?provision=true", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await created.Content.ReadAsStringAsync(ct);
            if (created.StatusCode != HttpStatusCode.Accepted && created.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"create {n}: HTTP {(int)created.StatusCode} {text}");
            }

            var id = JsonNode.Parse(text)!["workflow_id"]!.GetValue<string>();
            for (var poll = 0; ; poll++)
            {
                using var status = await http.GetAsync($"{Workflows}/{id}/_status", ct);
                var state = JsonNode.Parse(await status.Content.ReadAsStringAsync(ct))?["state"]?.GetValue<string>();
                if (state == "COMPLETED") { break; }
                if (state != "PROVISIONING" || poll > 6000) { throw new InvalidOperationException($"provisioning {id} ended in {state}"); }
                await Task.Delay(5, ct);
            }

            ids[n] = id;
        });
        return new JsonObject
        {
            ["workflows"] = count,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["workflow_ids"] = new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
        };
    }

    /// <summary>N clients deprovision the prepared workflows, each once, taking the next id as they finish.</summary>
    private static async Task<JsonObject> DeprovisionAsync(HttpClient http, List<string> ids, int clients)
    {
        var next = -1;
        var latencies = new List<double>[clients];
        var other = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>();
            for (var i = Interlocked.Increment(ref next); i < ids.Count; i = Interlocked.Increment(ref next))
            {
                var sent = clock.Elapsed;
                using var response = await http.PostAsync($"{Workflows}/{Uri.EscapeDataString(ids[i])}/_deprovision", new StringContent(string.Empty, Encoding.UTF8, "application/json")).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                mine.Add((clock.Elapsed - sent).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) { Interlocked.Increment(ref other); }
            }
        }));
        return Summary(latencies.SelectMany(l => l).ToList(), clock.Elapsed.TotalSeconds, other, "workflows");
    }

    private static JsonObject Summary(List<double> latencies, double seconds, int errors, string unit)
    {
        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        return new JsonObject
        {
            [unit] = latencies.Count,
            ["seconds"] = Math.Round(seconds, 3),
            ["per_second"] = Math.Round(latencies.Count / seconds, 1),
            ["p50_ms"] = Math.Round(Percentile(0.50), 2),
            ["p99_ms"] = Math.Round(Percentile(0.99), 2),
            ["errors"] = errors,
        };
    }

    private sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        internal static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) { throw new ArgumentException("expected --name value, got " + args[i]); }
                options._values[args[i][2..]] = args[i + 1];
            }

            return options;
        }

        internal string Text(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException("--" + name + " is required");

        internal double Number(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
