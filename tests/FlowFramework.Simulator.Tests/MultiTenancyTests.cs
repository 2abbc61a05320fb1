using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Multi-tenancy: tenant isolation, the access check and the per-tenant deprovision cap.</summary>
public class MultiTenancyTests
{
    [Fact]
    public async Task Multi_tenancy_isolates_and_caps_deprovisions()
    {
        await using var sim = await StartAsync("--multi-tenancy", "--step-pause-ms", "200");
        Assert.Equal((403, Err("Tenant ID header is missing or has no value")), Pick(await sim.PostAsync(Wf, Templates.RemoteModel())));
        var state = await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1");
        var id = state["workflow_id"]!.GetValue<string>();
        Assert.Equal((403, Err("No permission to access this resource")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", tenant: "t2")));
        var (_, all, _) = await sim.GetAsync($"{Wf}/{id}/_status?all=true", tenant: "t1");
        Assert.Equal("t1", all!["tenant_id"]!.GetValue<string>());
        var other = (await sim.ProvisionAsync(Templates.RemoteModel(), tenant: "t1"))["workflow_id"]!.GetValue<string>();
        var first = sim.PostAsync($"{Wf}/{id}/_deprovision", null, tenant: "t1");
        await Task.Delay(100);
        Assert.Equal((429, Err("Exceeded max simultaneous deprovisioning requests: 1")), Pick(await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t1")));
        Assert.Equal(200, (await first).Status);
        Assert.Equal(200, (await sim.PostAsync($"{Wf}/{other}/_deprovision", null, tenant: "t1")).Status);
    }

    [Fact]
    public async Task Multi_tenancy_unknown_ids_fail_the_access_check_with_its_404()
    {
        // With multi-tenancy on, ParseUtils#resolveUserAndExecute always fetches the doc (state doc for status,
        // deprovision and delete?clear_status=true; template otherwise) and answers its own 404 first.
        await using var sim = await StartAsync("--multi-tenancy");
        var id = await sim.CreateAsync(Templates.RemoteModel(), tenant: "t1");
        var missing = Err("Failed to retrieve template (nope) from global context.");
        Assert.Equal((404, missing), Pick(await sim.GetAsync($"{Wf}/nope/_status", tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.PostAsync($"{Wf}/nope/_deprovision", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.SendAsync("DELETE", $"{Wf}/nope", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.SendAsync("DELETE", $"{Wf}/nope?clear_status=true", null, tenant: "t1")));
        Assert.Equal((404, missing), Pick(await sim.GetAsync($"{Wf}/nope", tenant: "t1")));
        Assert.Equal((403, Err("No permission to access this resource")), Pick(await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true", null, tenant: "t2")));
        var (status, body, _) = await sim.SendAsync("DELETE", $"{Wf}/{id}?clear_status=true", null, tenant: "t1");
        Assert.Equal(200, status);
        Assert.Equal("deleted", body!["result"]!.GetValue<string>());
        Assert.Equal((404, Err($"Failed to retrieve template ({id}) from global context.")), Pick(await sim.GetAsync($"{Wf}/{id}/_status", tenant: "t1")));
    }
}
