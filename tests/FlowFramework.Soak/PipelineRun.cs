using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FlowFramework.Soak;

/// <summary>What one pipeline is asked to do: its input ids (in pipe order, repeats included) and its parameters.</summary>
internal sealed record PipelinePlan(int Number, List<string> Input, string[] AllowDelete, int ThrottleLimit, int MaxAttempts, int TimeoutSec, int? StopAfterMs);

/// <summary>What came out of one pipeline.</summary>
internal sealed class PipelineOutcome
{
    public required PipelinePlan Plan { get; init; }
    public List<PSObject> Results { get; } = new();
    public List<PSObject> Leftovers { get; } = new();
    public List<PSObject> Other { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<string> Verbose { get; } = new();
    public Exception? Terminating { get; set; }
    public bool Stopped { get; set; }
    public TimeSpan? StopTook { get; set; }
    public bool Hung { get; set; }

    /// <summary>From the start of the pipeline to its end (or its stop).</summary>
    public TimeSpan Elapsed { get; set; }
}

/// <summary>
/// Runs <c>$ids | Invoke-FlowDeprovision ...</c> in its own runspace of this process, sharing the one connection with
/// the other pipelines of the round; when the plan says so, presses Ctrl+C (<see cref="PowerShell.Stop"/>) after a while.
/// </summary>
internal static class PipelineRun
{
    private const string Script =
        "param($Ids, $Conn, $Allow, $Throttle, $MaxAttempts, $TimeoutSec) " +
        "$Ids | Invoke-FlowDeprovision -Connection $Conn -AllowDelete $Allow -ThrottleLimit $Throttle -MaxAttempts $MaxAttempts -TimeoutSec $TimeoutSec -Force -PassThru -WarningAction SilentlyContinue -Verbose";

    public static async Task<PipelineOutcome> RunAsync(InitialSessionState state, object connection, PipelinePlan plan, TimeSpan watchdog)
    {
        var outcome = new PipelineOutcome { Plan = plan };
        var started = Stopwatch.StartNew();
        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(Script)
            .AddParameter("Ids", plan.Input.ToArray())
            .AddParameter("Conn", connection)
            .AddParameter("Allow", plan.AllowDelete)
            .AddParameter("Throttle", plan.ThrottleLimit)
            .AddParameter("MaxAttempts", plan.MaxAttempts)
            .AddParameter("TimeoutSec", plan.TimeoutSec);
        var output = new PSDataCollection<PSObject>();
        var handle = ps.BeginInvoke<PSObject, PSObject>(null, output);
        var finished = Task.Factory.FromAsync(handle, _ => { });

        if (plan.StopAfterMs is int stopAfter)
        {
            await Task.WhenAny(finished, Task.Delay(stopAfter));
            if (!handle.IsCompleted)
            {
                var watch = Stopwatch.StartNew();
                ps.Stop();
                watch.Stop();
                outcome.Stopped = true;
                outcome.StopTook = watch.Elapsed;
            }
        }

        if (await Task.WhenAny(finished, Task.Delay(watchdog)) != finished)
        {
            outcome.Hung = true;
            ps.Stop();
        }

        outcome.Elapsed = started.Elapsed;
        try
        {
            ps.EndInvoke(handle);
        }
        catch (PipelineStoppedException) when (outcome.Stopped || outcome.Hung)
        {
        }
        catch (Exception ex)
        {
            outcome.Terminating = ex;
        }

        foreach (var o in output)
        {
            var type = o.TypeNames.FirstOrDefault();
            (type switch
            {
                "FlowFramework.FlowDeprovisionResult" => outcome.Results,
                "FlowFramework.FlowResource" => outcome.Leftovers,
                _ => outcome.Other,
            }).Add(o);
        }
        outcome.Errors.AddRange(ps.Streams.Error);
        outcome.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        return outcome;
    }
}
