using System.Text.Json.Nodes;
using FlowFramework.Simulator.Common;

namespace FlowFramework.Simulator.Cluster;

/// <summary>
/// Core's dynamic cluster settings (<c>PUT/GET _cluster/settings</c>: RestClusterUpdateSettingsAction, SettingsUpdater,
/// AbstractScopedSettings#updateDynamicSettings), for the settings the simulator models. Persistent settings are kept
/// with the cluster state; transient ones are lost on a restart. A transient value wins over a persistent one, which wins
/// over the default.
/// </summary>
internal sealed class ClusterSettings(ClusterStore store)
{
    /// <summary>ML Commons' <c>ML_COMMONS_SAFE_DELETE_WITH_USAGE_CHECK</c> (MLCommonsSettings): boolean, default false, dynamic.</summary>
    public const string SafeDeleteModel = "plugins.ml_commons.safe_delete_model";

    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal) { [SafeDeleteModel] = "false" };

    /// <summary>Whether a model delete checks its agents and pipelines first.</summary>
    public bool SafeDelete => Effective(SafeDeleteModel) == "true";

    private string Effective(string key)
    {
        lock (store.Gate)
        {
            return store.Data.TransientSettings.TryGetValue(key, out var t) ? t
                : store.Data.PersistentSettings.TryGetValue(key, out var p) ? p
                : Defaults[key];
        }
    }

    /// <summary>
    /// <c>PUT _cluster/settings</c> with <c>persistent</c> and/or <c>transient</c> objects, keys flat
    /// (<c>"a.b.c": v</c>) or nested (<c>{"a": {"b": {"c": v}}}</c>); a null value resets the setting. Both scopes are
    /// checked before anything changes, transient first (SettingsUpdater#updateSettings).
    /// </summary>
    public OpResult Update(JsonObject? body)
    {
        var transientSpec = Flatten(body?["transient"]);
        var persistentSpec = Flatten(body?["persistent"]);
        if (transientSpec.Count == 0 && persistentSpec.Count == 0)
        {
            return OpResult.Core(400, "action_request_validation_exception", "Validation Failed: 1: no settings to update;");
        }
        foreach (var (scope, spec) in new[] { ("transient", transientSpec), ("persistent", persistentSpec) })
        {
            foreach (var (key, value) in spec)
            {
                if (!Defaults.ContainsKey(key))
                {
                    // SettingsException carries no status of its own, so it answers 500.
                    return OpResult.Core(500, "settings_exception", $"{scope} setting [{key}], not recognized");
                }
                if (value is not null && value is not ("true" or "false"))
                {
                    return OpResult.Core(400, "illegal_argument_exception", $"Failed to parse value [{value}] as only [true] or [false] are allowed.");
                }
            }
        }
        lock (store.Gate)
        {
            Apply(store.Data.TransientSettings, transientSpec);
            Apply(store.Data.PersistentSettings, persistentSpec);
            store.Commit();
        }
        return OpResult.Success(new JsonObject
        {
            ["acknowledged"] = true,
            ["persistent"] = Nest(persistentSpec.Where(kv => kv.Value is not null)),
            ["transient"] = Nest(transientSpec.Where(kv => kv.Value is not null)),
        });
    }

    /// <summary><c>GET _cluster/settings</c>: the persistent and transient settings, nested unless <paramref name="flat"/>;
    /// with <paramref name="includeDefaults"/> also the defaults of those not set.</summary>
    public OpResult Get(bool flat, bool includeDefaults)
    {
        lock (store.Gate)
        {
            JsonObject Shape(IEnumerable<KeyValuePair<string, string?>> settings) =>
                flat ? new JsonObject(settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) : Nest(settings);
            var result = new JsonObject
            {
                ["persistent"] = Shape(store.Data.PersistentSettings.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))),
                ["transient"] = Shape(store.Data.TransientSettings.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))),
            };
            if (includeDefaults)
            {
                result["defaults"] = Shape(Defaults.Where(kv => !store.Data.PersistentSettings.ContainsKey(kv.Key) && !store.Data.TransientSettings.ContainsKey(kv.Key))
                    .Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)));
            }
            return OpResult.Success(result);
        }
    }

    private static void Apply(Dictionary<string, string> target, List<KeyValuePair<string, string?>> spec)
    {
        foreach (var (key, value) in spec)
        {
            if (value is null) { target.Remove(key); } else { target[key] = value; }
        }
    }

    /// <summary>Settings.Builder#loadFromMap: nested objects become dotted keys, values their string form, null a reset.</summary>
    private static List<KeyValuePair<string, string?>> Flatten(JsonNode? node)
    {
        var list = new List<KeyValuePair<string, string?>>();
        void Walk(string prefix, JsonNode? value)
        {
            if (value is JsonObject o)
            {
                foreach (var (k, v) in o) { Walk(prefix.Length == 0 ? k : prefix + "." + k, v); }
            }
            else if (prefix.Length > 0)
            {
                list.Add(KeyValuePair.Create(prefix, value is null ? null : Json.AsText(value) ?? value.ToJsonString()));
            }
        }
        if (node is JsonObject)
        {
            Walk("", node);
        }
        return list;
    }

    /// <summary>Settings#toXContent without flat_settings: dotted keys as nested objects, values as strings.</summary>
    private static JsonObject Nest(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var parts = key.Split('.');
            var at = root;
            foreach (var part in parts[..^1])
            {
                if (at[part] is not JsonObject next) { at[part] = next = new JsonObject(); }
                at = next;
            }
            at[parts[^1]] = value;
        }
        return root;
    }
}
