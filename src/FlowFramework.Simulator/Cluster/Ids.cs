using System.Security.Cryptography;
using System.Text;

namespace FlowFramework.Simulator.Cluster;

/// <summary>Document ids and timestamps as OpenSearch makes them.</summary>
internal static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly AsyncLocal<IdStream?> CurrentStream = new();

    /// <summary>Where <see cref="New"/> draws from in this flow of work: a seeded stream (a seeded simulator sets one per
    /// request, and each provisioning step derives its own), or null for random ids.</summary>
    public static IdStream? Stream
    {
        get => CurrentStream.Value;
        set => CurrentStream.Value = value;
    }

    /// <summary>A 20-character URL-safe base64 id like the ones OpenSearch generates: random, or the next of the
    /// current seeded <see cref="Stream"/>.</summary>
    public static string New()
    {
        if (Stream is { } stream) { return stream.Next(); }
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        return Encode(bytes);
    }

    /// <summary>The id a key stands for (the same key, the same id, in every process).</summary>
    public static string FromKey(string key) => Encode(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < 20; i++)
        {
            chars[i] = Alphabet[bytes[i] & 63];
        }
        return new string(chars);
    }

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

/// <summary>A seeded sequence of ids: the n-th id of a stream is fixed by its key and n, so work that makes its ids in
/// a fixed order (one request, one provisioning step) gets the same ids in every run with the same seed.</summary>
internal sealed class IdStream(string key)
{
    private int _drawn;

    public string Key => key;

    public string Next() => Ids.FromKey($"{key}#{Interlocked.Increment(ref _drawn)}");

    /// <summary>A stream of its own for a part of this work that runs beside the others (a provisioning step).</summary>
    public IdStream Derive(string part) => new($"{key}/{part}");
}
