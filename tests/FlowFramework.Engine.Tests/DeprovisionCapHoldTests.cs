using System.Net;
using static FlowFramework.Engine.Tests.Fixture;

namespace FlowFramework.Engine.Tests;

/// <summary>
/// Found by the soak: a deprovision the client gives up on (Ctrl+C, or its time limit) goes on running on the server and
/// keeps one of the pool's threads (server-behaviour.md §10). If its slot were freed at once, the requests sent next
/// could fill the pool with it, and the node's deprovisions would hang until it restarts. So the slot stays taken for
/// the request's time limit (the server's worst case for it), on the connection's clock.
/// </summary>
public class DeprovisionCapHoldTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>A cluster whose pool has 3 threads (cap 2) and whose deprovisions answer only when the test says so.</summary>
    private sealed class HeldCluster
    {
        public HeldCluster()
        {
            Cluster = new FakeCluster().OnPool(Answer.Pool(3)).OnDeprovision(async (request, ct) =>
            {
                var id = request.RequestUri!.AbsolutePath.Split('/')[^2];
                lock (Arrived) { Arrived.Add(id); }
                Signal.Release();
                await Release.Task.WaitAsync(ct);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"workflow_id\":\"" + id + "\"}") };
            });
        }

        public FakeCluster Cluster { get; }
        public List<string> Arrived { get; } = new();
        public SemaphoreSlim Signal { get; } = new(0);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ArrivalAsync() => Assert.True(await Signal.WaitAsync(TimeSpan.FromSeconds(10)), "no deprovision arrived");
    }

    [Fact]
    public async Task A_cancelled_deprovision_keeps_its_slot_for_its_time_limit_and_the_caller_returns_at_once()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var held = new HeldCluster();
        using var client = Client(held.Cluster, o => o.TimeProvider = clock);
        using var cancel = new CancellationTokenSource();

        var a = client.DeprovisionAsync("a", Array.Empty<string>(), cancel.Token, Limit);
        await held.ArrivalAsync();
        var b = client.DeprovisionAsync("b", Array.Empty<string>(), CancellationToken.None, TimeSpan.FromMinutes(10));
        await held.ArrivalAsync();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);

        // The server still runs a: c waits for a slot although the client holds only b.
        var c = client.DeprovisionAsync("c", Array.Empty<string>(), CancellationToken.None, Limit);
        clock.Advance(Limit - TimeSpan.FromSeconds(1));
        Assert.False(await held.Signal.WaitAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(new[] { "a", "b" }, held.Arrived);

        clock.Advance(TimeSpan.FromSeconds(1));
        await held.ArrivalAsync();
        Assert.Equal(new[] { "a", "b", "c" }, held.Arrived);
        held.Release.SetResult();
        await Task.WhenAll(b, c);
    }

    [Fact]
    public async Task A_deprovision_that_got_no_answer_in_time_keeps_its_slot_as_long_again()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var held = new HeldCluster();
        using var client = Client(held.Cluster, o => o.TimeProvider = clock);

        var a = client.DeprovisionAsync("a", Array.Empty<string>(), CancellationToken.None, Limit);
        await held.ArrivalAsync();
        var b = client.DeprovisionAsync("b", Array.Empty<string>(), CancellationToken.None, TimeSpan.FromMinutes(10));
        await held.ArrivalAsync();
        clock.Advance(Limit);
        var timedOut = await Assert.ThrowsAsync<FlowApiException>(() => a);
        Assert.Equal((FlowErrorKind.Timeout, (int?)null), (timedOut.Kind, timedOut.StatusCode));

        var c = client.DeprovisionAsync("c", Array.Empty<string>(), CancellationToken.None, Limit);
        Assert.False(await held.Signal.WaitAsync(TimeSpan.FromMilliseconds(500)));
        clock.Advance(Limit);
        await held.ArrivalAsync();
        Assert.Equal(new[] { "a", "b", "c" }, held.Arrived);
        held.Release.SetResult();
        await Task.WhenAll(b, c);
    }

    [Fact]
    public async Task An_answered_deprovision_and_one_that_never_got_a_slot_free_theirs_at_once()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var held = new HeldCluster();
        using var client = Client(held.Cluster, o => o.TimeProvider = clock);
        using var cancelQueued = new CancellationTokenSource();

        var a = client.DeprovisionAsync("a", Array.Empty<string>(), CancellationToken.None, Limit);
        var b = client.DeprovisionAsync("b", Array.Empty<string>(), CancellationToken.None, Limit);
        await held.ArrivalAsync();
        await held.ArrivalAsync();
        var queued = client.DeprovisionAsync("queued", Array.Empty<string>(), cancelQueued.Token, Limit);
        cancelQueued.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        held.Release.SetResult();
        await Task.WhenAll(a, b);

        // No clock advance: both slots are free again, and the cancelled one never reached the server.
        await Task.WhenAll(client.DeprovisionAsync("c", Array.Empty<string>(), CancellationToken.None, Limit), client.DeprovisionAsync("d", Array.Empty<string>(), CancellationToken.None, Limit));
        Assert.Equal(new[] { "a", "b", "c", "d" }, held.Arrived.Order(StringComparer.Ordinal));
    }
}
