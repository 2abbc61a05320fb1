using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Security;

/// <summary>What a role lets a user do, at the granularity the simulator needs.</summary>
internal enum Permission
{
    FlowRead,
    FlowWrite,
    MlRead,
    MlWrite,
    IndexRead,
    IndexWrite,

    /// <summary><c>cluster:monitor/*</c> (the <c>cluster_monitor</c> action group): <c>GET /</c> and <c>GET _nodes</c>.</summary>
    ClusterMonitor,

    /// <summary><c>cluster:admin/settings/update</c>: only <c>all_access</c> among the modelled roles.</summary>
    ClusterSettings,
}

/// <summary>A basic-auth user with security-plugin roles (security's config/roles.yml).</summary>
internal sealed record SimUser(string Name, string Password, IReadOnlyList<string> Roles, IReadOnlyList<string> BackendRoles)
{
    public static SimUser ParseFlag(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[0].Length == 0)
        {
            throw new ArgumentException("--user needs NAME:PASSWORD:ROLE[+ROLE...]");
        }
        return new SimUser(parts[0], parts[1], parts[2].Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), []);
    }

    public static IEnumerable<SimUser> ParseFile(string path)
    {
        var array = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new ArgumentException($"{path} must hold a JSON array of users");
        foreach (var node in array)
        {
            if (node is not JsonObject u || Json.Str(u["name"]) is not { Length: > 0 } name)
            {
                throw new ArgumentException($"{path}: every user needs a name");
            }
            var roles = (u["roles"] as JsonArray)?.Select(r => Json.Str(r) ?? "").Where(r => r.Length > 0).ToList() ?? [];
            var backend = (u["backend_roles"] as JsonArray)?.Select(r => Json.Str(r) ?? "").Where(r => r.Length > 0).ToList() ?? [];
            yield return new SimUser(name, Json.Str(u["password"]) ?? "", roles, backend);
        }
    }

    public bool IsAdmin => Roles.Contains("all_access");

    public bool Can(Permission p) => Roles.Any(r => RoleGrants(r, p));

    private static bool RoleGrants(string role, Permission p) => role switch
    {
        "all_access" => true,
        _ when p == Permission.ClusterSettings => false,
        // Both full-access roles list the cluster_monitor action group (cluster:monitor/*); the read-only ones do not.
        "flow_framework_full_access" => p is Permission.FlowRead or Permission.FlowWrite or Permission.ClusterMonitor,
        "flow_framework_read_access" => p is Permission.FlowRead,
        "ml_full_access" => p is Permission.MlRead or Permission.MlWrite or Permission.ClusterMonitor,
        "ml_read_access" => p is Permission.MlRead,
        "readall" => p is Permission.FlowRead or Permission.MlRead or Permission.IndexRead,
        "index_full_access" => p is Permission.IndexRead or Permission.IndexWrite,
        _ => false,
    };

    /// <summary>common-utils' User#toXContent: every key, in its order, nulls written as null.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["backend_roles"] = Json.Array(BackendRoles),
        ["roles"] = Json.Array(Roles),
        ["user_requested_tenant"] = null,
        ["user_requested_tenant_access"] = null,
        ["custom_attribute_names"] = new JsonArray(),
    };

    public string Describe() => $"User [name={Name}, backend_roles=[{string.Join(", ", BackendRoles)}], requestedTenant=null]";
}
