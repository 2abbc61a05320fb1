using System.Security.Cryptography;

namespace FlowFramework.Simulator.Cluster;

/// <summary>Document ids and timestamps as OpenSearch makes them.</summary>
internal static class Ids
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>A 20-character URL-safe base64 id like the ones OpenSearch generates.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < 20; i++)
        {
            chars[i] = Alphabet[bytes[i] & 63];
        }
        return new string(chars);
    }

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
