using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Http;

/// <summary>Core's <c>_cluster/settings</c> (RestClusterUpdateSettingsAction, RestClusterGetSettingsAction).</summary>
internal sealed class ClusterSettingsHandlers(ClusterSettings settings)
{
    public SimResponse Handle(SimRequest req)
    {
        switch (req.Method)
        {
            case "GET":
                {
                    if (CoreChecks.Unrecognized(req, "flat_settings", "include_defaults", "local", "master_timeout", "cluster_manager_timeout") is { } bad) { return bad; }
                    if (req.User is { } user && !user.Can(Permission.ClusterMonitor)) { return CoreChecks.Security(req, "cluster:monitor/state"); }
                    return SimResponse.From(settings.Get(req.Param("flat_settings") == "true", req.Param("include_defaults") == "true"));
                }
            case "PUT":
                {
                    if (CoreChecks.Unrecognized(req, "flat_settings", "timeout", "master_timeout", "cluster_manager_timeout") is { } bad) { return bad; }
                    if (req.User is { } user && !user.Can(Permission.ClusterSettings)) { return CoreChecks.Security(req, "cluster:admin/settings/update"); }
                    var body = CoreChecks.ObjectBody(req, out var err);
                    return err ?? SimResponse.From(settings.Update(body));
                }
            default:
                return CoreChecks.WrongMethod(req, "GET", "PUT");
        }
    }
}
