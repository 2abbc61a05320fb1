using System.Globalization;
using FlowFramework.Simulator.Control;
using FlowFramework.Simulator.Security;
using static System.FormattableString;

namespace FlowFramework.Simulator.Hosting;

/// <summary>Command-line options. Unknown options are an error (exit code 2).</summary>
internal sealed class SimulatorOptions
{
    public string? Urls { get; set; }
    public int? Port { get; set; }
    public bool Tls { get; set; }
    public bool MultiTenancy { get; set; }
    public string? DataDir { get; set; }
    public string? LogLevel { get; set; }

    /// <summary>The node's allocated processors (sizes its thread pools).</summary>
    public int Processors { get; set; } = 2;

    /// <summary><c>plugins.flow_framework.deprovision_thread_pool_size</c> (1-400, default 4).</summary>
    public int DeprovisionPoolSize { get; set; } = 4;

    /// <summary>Fixes which requests rate-based faults hit and the ids the node makes (drawn at start when absent).</summary>
    public long? Seed { get; set; }
    public SimConfig Config { get; } = new();
    public List<SimUser> Users { get; } = [];
    public List<FaultRule> Faults { get; } = [];
    public SecurityOptions Security { get; } = new();

    public static SimulatorOptions Parse(string[] args)
    {
        var o = new SimulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Next()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"option {arg} needs a value");
                }
                return args[++i];
            }
            int NextInt()
            {
                var text = Next();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
                {
                    throw new ArgumentException($"option {arg} needs a non-negative integer, got '{text}'");
                }
                return n;
            }
            int NextIntIn(int min, int max)
            {
                var n = NextInt();
                if (n < min || n > max)
                {
                    throw new ArgumentException(Invariant($"option {arg} must be between {min} and {max}, got {n}"));
                }
                return n;
            }
            switch (arg)
            {
                case "--urls": o.Urls = Next(); break;
                case "--port": o.Port = NextInt(); break;
                case "--tls": o.Tls = true; break;
                case "--multi-tenancy": o.MultiTenancy = true; break;
                case "--data-dir": o.DataDir = Next(); break;
                case "--log-level": o.LogLevel = Next(); break;
                case "--processors": o.Processors = NextIntIn(1, 4096); break;
                case "--deprovision-pool-size": o.DeprovisionPoolSize = NextIntIn(1, 400); break;
                case "--undeploy-lag-ms": o.Config.UndeployLagMs = NextInt(); break;
                case "--deploy-lag-ms": o.Config.DeployLagMs = NextInt(); break;
                case "--state-write-lag-ms": o.Config.StateWriteLagMs = NextInt(); break;
                case "--refresh-lag-ms": o.Config.RefreshLagMs = NextInt(); break;
                case "--provision-delay-ms": o.Config.ProvisionDelayMs = NextInt(); break;
                case "--step-pause-ms": o.Config.StepPauseMs = NextInt(); break;
                case "--pass-pause-ms": o.Config.PassPauseMs = NextInt(); break;
                case "--latency-ms": o.Config.LatencyMs = NextInt(); break;
                case "--max-deprovisions-per-tenant": o.Config.MaxDeprovisionsPerTenant = NextInt(); break;
                case "--user": o.Users.Add(SimUser.ParseFlag(Next())); break;
                case "--users": o.Users.AddRange(SimUser.ParseFile(Next())); break;
                case "--fault": o.Faults.Add(FaultRule.ParseFlag(Next())); break;
                case "--seed": o.Seed = NextInt(); break;
                default:
                    if (!o.Security.TryParse(arg, Next)) { throw new ArgumentException($"unknown option {arg}"); }
                    break;
            }
        }
        o.Security.Validate(o.Tls || (o.Urls?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ?? false));
        return o;
    }
}
