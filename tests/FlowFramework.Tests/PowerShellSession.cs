using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FlowFramework.Tests;

/// <summary>A runspace with the module's cmdlets loaded from the build output.</summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="host">A host that answers prompts (ShouldProcess, -Confirm); none: the default host, which cannot prompt.</param>
    public PowerShellSession(System.Management.Automation.Host.PSHost? host = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { typeof(Commands.InvokeFlowDeprovisionCommand).Assembly.Location });
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
    }

    public Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        if (variables != null)
        {
            foreach (var (name, value) in variables)
            {
                _runspace.SessionStateProxy.SetVariable(name, value);
            }
        }
        ps.AddScript(script);
        Exception? terminating = null;
        Collection<PSObject> output = new();
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            terminating = ex;
        }
        return new Result(
            output.Select(o => o?.BaseObject).ToList(),
            ps.Streams.Error.ToList(),
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Progress.ToList(),
            terminating);
    }

    public void Dispose() => _runspace.Dispose();

    public sealed record Result(
        List<object?> Output,
        List<ErrorRecord> Errors,
        List<string> Warnings,
        List<string> Verbose,
        List<ProgressRecord> Progress,
        Exception? Terminating)
    {
        public IEnumerable<T> OfType<T>() => Output.OfType<T>();
    }
}
