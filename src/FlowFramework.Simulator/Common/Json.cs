using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Common;

/// <summary>Reading JSON values the way the server's parsers see them, and building small JSON pieces.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonArray Array(IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }
        return array;
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

    /// <summary>An integer from a JSON number or numeric string, else null.</summary>
    public static int? AsInt(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
        JsonValue v when v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
