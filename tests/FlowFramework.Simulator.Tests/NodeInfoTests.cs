using System.Text.Json.Nodes;
using static FlowFramework.Simulator.Tests.Sim;

namespace FlowFramework.Simulator.Tests;

/// <summary>Root and node information answer as core does.</summary>
public class NodeInfoTests
{
    [Fact]
    public async Task Root_answers_like_OpenSearch_3()
    {
        await using var sim = await StartAsync();
        var (status, body, _) = await sim.GetAsync("/");
        Assert.Equal(200, status);
        Assert.Equal("opensearch", body!["version"]!["distribution"]!.GetValue<string>());
        Assert.StartsWith("3.", body["version"]!["number"]!.GetValue<string>());
        Assert.Equal(["name", "cluster_name", "cluster_uuid", "version", "tagline"], body.AsObject().Select(kv => kv.Key));
        using var head = await sim.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(200, (int)head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
}
