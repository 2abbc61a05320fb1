using System.Text;
using System.Text.Json.Nodes;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>One parsed request: method, decoded path and segments, decoded query, body, caller and tenant.</summary>
internal sealed class SimRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string[] Segments { get; init; }
    public required Dictionary<string, string> Query { get; init; }
    public required byte[] Body { get; init; }
    public SimUser? User { get; init; }

    /// <summary>The tenant (first <c>x-tenant-id</c> value) with multi-tenancy on; always null with it off, as
    /// TenantAwareHelper#getTenantID ignores the header then.</summary>
    public string? Tenant { get; init; }

    public bool HasBody => Body.Length > 0 && Body.Any(b => b is not (byte)' ' and not (byte)'\n' and not (byte)'\r' and not (byte)'\t');

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Param(string key) => Query.TryGetValue(key, out var v) ? v : null;

    /// <summary>Parses the body as JSON; throws <see cref="BodyParseException"/> when it is not.</summary>
    public JsonNode? JsonBody()
    {
        if (!HasBody)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(Body, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new BodyParseException(ex.Message);
        }
    }

    /// <summary>Query string parsed like OpenSearch's RestUtils: '+' is a space, %XX decoded, the last value wins.</summary>
    public static Dictionary<string, string> ParseQuery(string? raw)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(raw))
        {
            return result;
        }
        foreach (var part in raw.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = Decode(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Decode(part[(eq + 1)..]);
            result[key] = value;
        }
        return result;
    }

    public static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}

internal sealed class BodyParseException(string message) : Exception(message);
