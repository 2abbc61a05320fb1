using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Basic-auth users, roles and TLS as the security plugin gives them.</summary>
public class SecurityTests
{
    private const string Admin = "admin:pw";
    private const string Ff = "bob:pw";
    private const string Ml = "mel:pw";
    private const string Reader = "rita:pw";

    internal static Task<Sim> SecureAsync() => StartAsync("--user", "admin:pw:all_access", "--user", "bob:pw:flow_framework_full_access",
        "--user", "mel:pw:ml_full_access", "--user", "rita:pw:flow_framework_read_access");

    [Fact]
    public async Task Auth_roles_behave_like_the_security_plugin()
    {
        await using var sim = await SecureAsync();
        var (status, _, text) = await sim.GetAsync("/");
        Assert.Equal((401, "Unauthorized"), (status, text));
        Assert.Equal(401, (await sim.GetAsync("/", "admin:wrong")).Status);
        Assert.Equal(200, (await sim.GetAsync("/", Admin)).Status);

        var state = await sim.ProvisionAsync(Templates.RemoteModel(), Ff);
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((403, Err("Failed to get workflow.")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Ml)));
        Assert.Equal((403, Err("Failed to get workflow status.")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", Ml)));
        Assert.Equal((403, Err("Failed to get workflow.")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Reader)));
        Assert.Equal(200, (await sim.GetAsync($"{Wf}/{id}/_status", Reader)).Status);
        var model = Templates.ResourceId(state, "register_remote_model");
        var conn = Templates.ResourceId(state, "create_connector");
        Assert.Equal((202, Err($"Failed to deprovision some resources: [model_id {model}, connector_id {conn}].")), Pick(await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Ff)));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", Admin);
        Assert.Equal("bob", all!["user"]!["name"]!.GetValue<string>());
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{id}/_deprovision", null, Admin)).Status);
        (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", Admin);
        Assert.Equal("admin", all!["user"]!["name"]!.GetValue<string>());
        var (_, log, _) = await sim.GetAsync("/_simulator/requests");
        Assert.DoesNotContain("pw", log!.ToJsonString());
        Assert.Contains(log.AsArray(), e => e!["user"]?.GetValue<string>() == "bob");
    }

    [Fact]
    public async Task Root_needs_cluster_monitor_which_only_the_full_access_roles_carry()
    {
        await using var sim = await SecureAsync();
        Assert.Equal(200, (await sim.GetAsync("/", Ff)).Status);
        Assert.Equal(200, (await sim.GetAsync("/", Ml)).Status);
        var (status, body, _) = await sim.GetAsync("/", Reader);
        Assert.Equal(403, status);
        Assert.Equal(
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=rita, backend_roles=[], requestedTenant=null]\"}],\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/main] and User [name=rita, backend_roles=[], requestedTenant=null]\"},\"status\":403}",
            body!.ToJsonString());
    }

    [Fact]
    public async Task Status_user_has_common_utils_full_key_set()
    {
        await using var sim = await SecureAsync();
        var state = await sim.ProvisionAsync(Templates.Of(Templates.Connector()), Ff);
        Assert.Equal(
            "{\"name\":\"bob\",\"backend_roles\":[],\"roles\":[\"flow_framework_full_access\"],\"user_requested_tenant\":null,\"user_requested_tenant_access\":null,\"custom_attribute_names\":[]}",
            state["user"]!.ToJsonString());
    }

    [Fact]
    public async Task Tls_serves_https_with_a_self_signed_certificate()
    {
        await using var sim = await StartAsync("--tls");
        Assert.Equal("https", sim.Server.BaseAddress.Scheme);
        Assert.Equal(64, sim.Server.CertificateThumbprint!.Length);
        Assert.Equal(200, (await sim.GetAsync("/")).Status);
    }
}
