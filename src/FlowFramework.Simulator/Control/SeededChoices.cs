using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FlowFramework.Simulator.Control;

/// <summary>
/// What a request is, for the choices the seed makes about it: its method, path and body (as a SHA-256 digest), and
/// which arrival of that same request it is (1 for the first since the seed was set or the node restarted).
/// </summary>
internal readonly record struct RequestKey(string Method, string Path, string BodyDigest, int Arrival)
{
    public string Text => $"{Method} {Path} {BodyDigest} #{Arrival}";
}

/// <summary>
/// The simulator's seed and the choices it makes from it. A rate-based fault's decision for a request is a pure
/// function of the seed, the rule and the request's <see cref="RequestKey"/> (<see cref="Roll"/>), never of which
/// other requests arrived in between; so two runs with the same seed fault the same requests of each workflow however
/// concurrent requests of other workflows interleave. With an explicit seed (<c>--seed</c>, or <c>seed</c> in
/// <c>PUT /_simulator/config</c>) the ids the node makes are derived from it as well (<see cref="Cluster.Ids"/>);
/// without one the seed is drawn at start (still shown by <c>GET /_simulator/config</c>) and ids are random.
/// </summary>
internal sealed class SeededChoices
{
    private readonly object _gate = new();
    private readonly Dictionary<UInt128, int> _arrivals = [];
    private long _seed;
    private bool _explicit;
    private int _seedings;
    private int _unseededArrivals;

    public SeededChoices(long? seed)
    {
        _seed = seed ?? Random.Shared.Next();
        _explicit = seed is not null;
        _seedings = _explicit ? 1 : 0;
    }

    public long Seed { get { lock (_gate) { return _seed; } } }

    /// <summary>The seed was given (ids are derived from it), not drawn at start.</summary>
    public bool Explicit { get { lock (_gate) { return _explicit; } } }

    /// <summary>Sets the seed and starts counting arrivals afresh, as a simulator started with <c>--seed</c> does.</summary>
    public void Reseed(long seed)
    {
        lock (_gate)
        {
            _seed = seed;
            _explicit = true;
            _seedings++;
            _arrivals.Clear();
        }
    }

    /// <summary>A node restart: arrivals count from 1 again; the seed stays.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _arrivals.Clear();
            _seedings = _explicit ? 1 : 0;
        }
    }

    /// <summary>What the ids a request makes are named from, or null when ids are random (no seed was given). Besides
    /// the seed and the request's key it holds how often the seed was set since the node started, so a request repeated
    /// after a re-seed never makes an id that is already taken (a restart empties the node, and counts from 1 again).</summary>
    public string? IdStreamKey(RequestKey request)
    {
        lock (_gate) { return _explicit ? $"{_seed}|{_seedings}|{request.Text}" : null; }
    }

    /// <summary>
    /// Counts a request's arrival and answers its key. With an explicit seed the count is per distinct request (what makes
    /// the choices independent of interleaving); without one it is the node's running count of requests, so nothing
    /// grows with the number of distinct requests on a long-lived node and a rate fault still varies between repeats.
    /// </summary>
    public RequestKey Arrive(string method, string path, ReadOnlySpan<byte> body)
    {
        var digest = body.IsEmpty ? "-" : Convert.ToHexStringLower(SHA256.HashData(body))[..32];
        int arrival;
        lock (_gate)
        {
            if (_explicit)
            {
                var id = Digest128($"{method} {path} {digest}");
                arrival = _arrivals.GetValueOrDefault(id) + 1;
                _arrivals[id] = arrival;
            }
            else
            {
                arrival = ++_unseededArrivals;
            }
        }
        return new RequestKey(method, path, digest, arrival);
    }

    /// <summary>A number in [0, 1) fixed by the seed, the rule and the request: the rule hits when it is below its rate.
    /// A stable hash (SHA-256), never <see cref="string.GetHashCode()"/>, which differs from process to process.</summary>
    public static double Roll(long seed, string rule, RequestKey request)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"fault|{seed}|{rule}|{request.Text}"), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);
    }

    private static UInt128 Digest128(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }
}
