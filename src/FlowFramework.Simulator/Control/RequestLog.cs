using System.Text.Json.Nodes;
using FlowFramework.Simulator.Http;

namespace FlowFramework.Simulator.Control;

/// <summary>One handled request as <c>GET /_simulator/requests</c> reports it. Times are epoch milliseconds (fractional):
/// <see cref="StartMs"/> when the request arrived, <see cref="EndMs"/> when the server finished with it (for a request
/// whose client went away, when the server's work ended, not when the client left).</summary>
internal sealed class RequestLogEntry
{
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public string Query { get; init; } = "";
    public int Status { get; set; }
    public double StartMs { get; init; }
    public double EndMs { get; set; }
    public string? User { get; set; }
    public string? Tenant { get; init; }

    /// <summary>When the client closed the connection before the answer was written, else null.</summary>
    public double? DisconnectedMs { get; set; }

    /// <summary>When the answer was handed over (its headers went out; for a slow body, its last byte): no client can
    /// have read the answer earlier, so <c>[start_ms, answered_ms]</c> lies inside the client's own wait for it, and
    /// overlaps computed from it never exceed what the client had in flight. Null when no answer was sent.</summary>
    public double? AnsweredMs { get; set; }

    /// <summary>The simulator dropped the connection on purpose (a reset fault): no answer goes out.</summary>
    public bool Aborted { get; set; }

    /// <summary>The path exactly as the client sent it, still percent-encoded (Path is decoded, except %2F).</summary>
    public string RawPath { get; init; } = "";

    /// <summary>The injected fault that answered instead of the node (429, 503, 500, reset, slow, malformed), else null.</summary>
    public string? Fault { get; set; }

    /// <summary>Which arrival of the same method, path and body this is (from 1, since the seed was set or the node
    /// restarted): with the seed, what a rate fault's decision and seeded ids depend on.</summary>
    public int Arrival { get; init; }

    public JsonObject ToJson() => new()
    {
        ["method"] = Method,
        ["path"] = Path,
        ["query"] = Query,
        ["status"] = Status,
        ["start_ms"] = StartMs,
        ["end_ms"] = EndMs,
        ["user"] = User,
        ["tenant"] = Tenant,
        ["client_disconnected"] = DisconnectedMs is not null,
        ["disconnected_ms"] = DisconnectedMs,
        ["answered_ms"] = AnsweredMs,
        ["raw_path"] = RawPath,
        ["fault"] = Fault,
        ["arrival"] = Arrival,
    };
}

/// <summary>The log of handled requests (the control surface's own requests are not logged). Bounded, so a long
/// benchmark cannot exhaust memory: the oldest entries go first.</summary>
internal sealed class RequestLog
{
    private static readonly string[] SecretWords = ["password", "secret", "token", "credential", "key", "auth"];
    private readonly List<RequestLogEntry> _entries = [];

    public static double EpochMs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerMillisecond;

    public void Add(RequestLogEntry e)
    {
        lock (_entries)
        {
            if (_entries.Count >= 100_000) { _entries.RemoveRange(0, 10_000); }
            _entries.Add(e);
        }
    }

    public void Clear()
    {
        lock (_entries) { _entries.Clear(); }
    }

    /// <summary>The query string without parameters whose name suggests a credential.</summary>
    public static string SafeQuery(string raw)
        => string.Join('&', raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !SecretWords.Any(w => SimRequest.Decode(p.Split('=')[0]).Contains(w, StringComparison.OrdinalIgnoreCase))));

    public JsonArray ToJson()
    {
        lock (_entries)
        {
            var a = new JsonArray();
            foreach (var e in _entries) { a.Add(e.ToJson()); }
            return a;
        }
    }
}
