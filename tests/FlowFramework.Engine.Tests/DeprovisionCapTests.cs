using System.Net;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>server-behaviour.md §10: the deprovision pool deadlocks at its max, so one connection never has more than max - 1 in flight.</summary>
public class DeprovisionCapTests
{
    [Fact]
    public async Task The_cap_is_one_below_the_smallest_pool_max_over_the_nodes_read_once_per_connection()
    {
        var cluster = new FakeCluster().OnPool(Answer.Pool(6, 3, 8)).OnDeprovision(Answer.Ok(WorkflowId));
        using var client = Client(cluster);

        var limit = await client.GetDeprovisionLimitAsync(CancellationToken.None);
        await client.DeprovisionAsync(WorkflowId, Array.Empty<string>(), CancellationToken.None);
        await client.GetDeprovisionLimitAsync(CancellationToken.None);

        Assert.Equal((3, 2, true), (limit.PoolMax, limit.Allowed, limit.Read));
        Assert.Null(limit.ReadError);
        Assert.Equal("GET https://search.example:9200/_nodes/thread_pool", Assert.Single(cluster.PoolReads).Method + " " + cluster.PoolReads[0].AbsoluteUri);
    }

    [Fact]
    public async Task A_user_without_cluster_monitor_rights_gets_the_default_pool_of_four_so_three()
    {
        var cluster = new FakeCluster().OnPool(Answer.Json(403,
            "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/nodes/info] and User [name=ff]\"}],\"type\":\"security_exception\",\"reason\":\"no permissions for [cluster:monitor/nodes/info] and User [name=ff]\"},\"status\":403}"));
        using var client = Client(cluster);

        var limit = await client.GetDeprovisionLimitAsync(CancellationToken.None);

        Assert.Equal((4, 3, false), (limit.PoolMax, limit.Allowed, limit.Read));
        Assert.Equal((FlowErrorKind.Forbidden, 403), (limit.ReadError!.Kind, limit.ReadError.StatusCode));
    }

    [Theory]
    [InlineData("<html>proxy</html>")]
    [InlineData("{\"nodes\":{\"n1\":{\"thread_pool\":{\"generic\":{\"max\":128}}}}}")]
    [InlineData("{\"nodes\":{\"n1\":{\"thread_pool\":{\"opensearch_deprovision_workflow\":{\"max\":0}}}}}")]
    public async Task A_pool_that_cannot_be_read_is_assumed_to_be_the_default(string body)
    {
        using var client = Client(new FakeCluster().OnPool(Answer.Json(200, body)));

        var limit = await client.GetDeprovisionLimitAsync(CancellationToken.None);

        Assert.Equal((4, 3, false), (limit.PoolMax, limit.Allowed, limit.Read));
    }

    [Fact]
    public void A_pool_max_given_as_text_counts()
    {
        Assert.Equal(5, DeprovisionCap.SmallestPoolMax("{\"nodes\":{\"a\":{\"thread_pool\":{\"opensearch_deprovision_workflow\":{\"max\":\"5\"}}},\"b\":{\"thread_pool\":{}}}}"));
    }

    [Fact]
    public async Task No_more_deprovisions_than_the_cap_are_in_flight_on_one_connection_and_a_queued_one_can_be_cancelled()
    {
        var inFlight = 0;
        var most = 0;
        var arrived = new SemaphoreSlim(0);
        var release = new TaskCompletionSource();
        var cluster = new FakeCluster().OnPool(Answer.Pool(3)).OnDeprovision(async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            arrived.Release();
            await release.Task.WaitAsync(ct);
            Interlocked.Decrement(ref inFlight);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"workflow_id\":\"w\"}") };
        });
        using var client = Client(cluster);
        using var cancelQueued = new CancellationTokenSource();

        var calls = Enumerable.Range(0, 4).Select(i => client.DeprovisionAsync("w" + i, Array.Empty<string>(), CancellationToken.None)).ToList();
        var queued = client.DeprovisionAsync("w-cancelled", Array.Empty<string>(), cancelQueued.Token);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)));
        // Two are held; the others wait in the connection's limiter (most == 2 below proves none got past it).

        cancelQueued.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        release.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(2, most);
        Assert.Equal(4, cluster.Deprovisions.Count);
        Assert.DoesNotContain(cluster.Deprovisions, r => r.AbsoluteUri.Contains("w-cancelled"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
