using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Http;

/// <summary>JSON helpers and the error body shapes that OpenSearch and its plugins send.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    public static JsonArray Array(IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }
        return array;
    }

    public static JsonObject Obj(params (string Key, JsonNode? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields)
        {
            o[k] = v;
        }
        return o;
    }

    /// <summary>Flow Framework's own error body: <c>{"error":"message"}</c>.</summary>
    public static JsonObject FlowError(string message) => new() { ["error"] = message };

    /// <summary>Core's error body with one root cause.</summary>
    public static JsonObject CoreError(int status, string type, string reason, params (string Key, string Value)[] extra)
    {
        JsonObject Cause()
        {
            var c = new JsonObject { ["type"] = type, ["reason"] = reason };
            foreach (var (k, v) in extra)
            {
                c[k] = v;
            }
            return c;
        }
        var error = Cause();
        var body = new JsonObject
        {
            ["error"] = new JsonObject(),
            ["status"] = status,
        };
        var rootCauses = new JsonArray { Cause() };
        var errorObject = new JsonObject { ["root_cause"] = rootCauses };
        foreach (var kv in error)
        {
            errorObject[kv.Key] = kv.Value?.DeepClone();
        }
        body["error"] = errorObject;
        return body;
    }

    public static string? Str(JsonNode? node)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue<string>(out var s))
            {
                return s;
            }
            return v.ToJsonString();
        }
        return node?.ToJsonString();
    }

    /// <summary>Reads a JSON value as the string the server would see (numbers and booleans as text).</summary>
    public static string? AsText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static bool IsTrue(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => string.Equals(s, "true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}

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
