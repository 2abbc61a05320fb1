using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine;

namespace FlowFramework.Internal
{
    /// <summary>
    /// What every cmdlet of the module shares: the -Connection parameter and its defaults, one cancellation
    /// source per invocation (cancelled by Ctrl+C), and a dispatcher so background work writes only through the
    /// pipeline thread.
    /// </summary>
    public abstract class FlowCmdletBase : PSCmdlet, IDisposable
    {
        internal const string EnvironmentUrlVariable = "OPENSEARCH_URL";
        internal const string FallbackUrl = "http://localhost:9200";

        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private FlowConnection? _implicitConnection;

        internal PipelineDispatcher Dispatcher { get; } = new PipelineDispatcher();

        internal CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>The invocation's connection, resolved once in BeginProcessing.</summary>
        internal FlowConnection ActiveConnection { get; private set; } = null!;

        [Parameter]
        [ValidateNotNull]
        public FlowConnection? Connection { get; set; }

        protected override void BeginProcessing()
        {
            ActiveConnection = Connection ?? ConnectionStore.Default ?? CreateImplicitConnection();
        }

        protected override void StopProcessing() => _cancellation.Cancel();

        private FlowConnection CreateImplicitConnection()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentUrlVariable);
            var text = string.IsNullOrWhiteSpace(fromEnvironment) ? FallbackUrl : fromEnvironment!.Trim();
            if (!UriRules.TryParse(text, out var uri, out var problem))
            {
                var shown = UriRules.Redact(text);
                ThrowTerminatingError(FlowErrors.Create(FlowErrorIds.InvalidUri, ErrorCategory.InvalidArgument, shown,
                    $"The environment variable {EnvironmentUrlVariable} holds '{shown}', which is not a usable cluster address: {problem}",
                    $"Set {EnvironmentUrlVariable} to an absolute http or https URL such as https://search.example.com:9200, or run Connect-FlowCluster -Uri <url>."));
            }
            _implicitConnection = new FlowConnection(uri!, null, false, null, 30);
            return _implicitConnection;
        }

        /// <summary>Runs engine work, pumping its messages on the pipeline thread, reporting each request to Verbose.</summary>
        internal T RunEngine<T>(Func<CancellationToken, Task<T>> work)
        {
            var task = StartObserved(work);
            return Dispatcher.Run(task);
        }

        /// <summary>Starts engine work whose requests are reported to Verbose through the dispatcher.</summary>
        internal Task<T> StartObserved<T>(Func<CancellationToken, Task<T>> work)
        {
            using (RequestReporter.Observe(record => Dispatcher.Post(() => WriteVerbose(FormatRequest(record)))))
            {
                return Task.Run(() => work(CancellationToken));
            }
        }

        internal static string FormatRequest(FlowRequestRecord record)
        {
            var status = record.StatusCode is int code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer";
            var error = string.IsNullOrEmpty(record.Error) ? string.Empty : $" ({record.Error})";
            return $"{record.Method} {record.Path} -> {status} in {record.Elapsed.TotalMilliseconds:0} ms{error}";
        }

        public void Dispose()
        {
            // Anything still running in the background (the pipeline was stopped) ends now.
            _cancellation.Cancel();
            _cancellation.Dispose();
            Dispatcher.Dispose();
            _implicitConnection?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
