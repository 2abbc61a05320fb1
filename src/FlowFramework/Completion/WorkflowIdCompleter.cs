using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using FlowFramework.Commands;
using FlowFramework.Connections;
using FlowFramework.Engine;

namespace FlowFramework.Completion
{
    /// <summary>
    /// Completes -WorkflowId with the ids of the newest templates whose id or name starts with what was typed (any
    /// case), from one template search on -Connection, the session's connection or the default address. Bounded in
    /// time; on any failure it offers nothing, so tab completion never hangs or shows an error.
    /// </summary>
    public sealed class WorkflowIdCompleter : IArgumentCompleter
    {
        internal static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);
        private const int Newest = 200;

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                var workflows = Read(fakeBoundParameters);
                return workflows
                    .Where(w => w.WorkflowId.StartsWith(word, StringComparison.OrdinalIgnoreCase) || (w.Name?.StartsWith(word, StringComparison.OrdinalIgnoreCase) ?? false))
                    .Select(w => new CompletionResult(
                        w.WorkflowId,
                        string.IsNullOrEmpty(w.Name) ? w.WorkflowId : $"{w.WorkflowId} ({w.Name})",
                        CompletionResultType.ParameterValue,
                        string.IsNullOrEmpty(w.Name) ? w.WorkflowId : w.Name + (string.IsNullOrEmpty(w.Description) ? string.Empty : ": " + w.Description)))
                    .ToList();
            }
            catch (Exception)
            {
                // Completion must stay silent: no cluster, no permission, a slow answer all mean no suggestions.
                return Array.Empty<CompletionResult>();
            }
        }

        private static IReadOnlyList<FlowWorkflow> Read(IDictionary? bound)
        {
            var given = bound?["Connection"] is object value ? (value is PSObject ps ? ps.BaseObject : value) as FlowConnection : null;
            var connection = given ?? ConnectionStore.Default;
            FlowConnection? temporary = null;
            if (connection is null)
            {
                if (!UriRules.TryParse(FlowCmdletBase.DefaultAddress(), out var uri, out _))
                {
                    return Array.Empty<FlowWorkflow>();
                }

                connection = temporary = new FlowConnection(uri!, null, false, null, (int)Math.Ceiling(TimeLimit.TotalSeconds));
            }

            try
            {
                using var limit = new CancellationTokenSource(TimeLimit);
                var task = new FlowWorkflowCatalog(connection.Client, Newest).NewestAsync(limit.Token);
                return task.Wait(TimeLimit) ? task.Result : Array.Empty<FlowWorkflow>();
            }
            finally
            {
                temporary?.Dispose();
            }
        }
    }
}
