using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Connections;

namespace FlowFramework.Commands
{
    /// <summary>
    /// What every cmdlet of the module shares: one cancellation source per invocation (cancelled by Ctrl+C), and a
    /// dispatcher so background work writes only through the pipeline thread.
    /// </summary>
    public abstract class FlowCmdletBase : PSCmdlet, IDisposable
    {
        internal const string EnvironmentUrlVariable = "OPENSEARCH_URL";
        internal const string FallbackUrl = "http://localhost:9200";

        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        internal PipelineDispatcher Dispatcher { get; } = new PipelineDispatcher();

        internal CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>The cluster address used when none is given: $env:OPENSEARCH_URL, else http://localhost:9200.</summary>
        internal static string DefaultAddress()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentUrlVariable);
            return string.IsNullOrWhiteSpace(fromEnvironment) ? FallbackUrl : fromEnvironment!.Trim();
        }

        /// <summary>-WhatIf given, or $WhatIfPreference set: nothing that changes the cluster may be sent.</summary>
        internal bool IsWhatIf =>
            (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && LanguagePrimitives.IsTrue(value))
            || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Cancels this invocation's background work (before a terminating error ends it).</summary>
        internal void StopCurrentInvocation() => _cancellation.Cancel();

        /// <summary>Runs engine work, pumping its messages on the pipeline thread, reporting each request to Verbose.</summary>
        internal T RunEngine<T>(Func<CancellationToken, Task<T>> work)
        {
            var task = StartObserved(work);
            return Dispatcher.Run(task);
        }

        /// <summary>Starts engine work whose requests are reported to Verbose through the dispatcher.</summary>
        internal Task<T> StartObserved<T>(Func<CancellationToken, Task<T>> work)
        {
            using (RequestReporter.Observe(record => Dispatcher.Post(() => WriteVerbose(record.ToString()))))
            {
                return Task.Run(() => work(CancellationToken));
            }
        }

        public void Dispose()
        {
            // Anything still running in the background (the pipeline was stopped) ends now.
            _cancellation.Cancel();
            _cancellation.Dispose();
            Dispatcher.Dispose();
            ReleaseResources();
            GC.SuppressFinalize(this);
        }

        /// <summary>What a derived cmdlet holds for the length of one invocation.</summary>
        private protected virtual void ReleaseResources()
        {
        }
    }
}
