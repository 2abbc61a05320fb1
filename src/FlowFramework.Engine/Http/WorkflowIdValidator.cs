using System;
using System.Text;

namespace FlowFramework.Engine
{
    /// <summary>Refuses ids the server cannot have made before anything is sent.</summary>
    internal static class WorkflowIdValidator
    {
        /// <summary>The longest id accepted, in UTF-8 bytes (core's limit on document ids).</summary>
        internal const int MaxIdBytes = 512;

        internal static void Validate(string? workflowId)
        {
            if (workflowId is null || workflowId.Length == 0)
            {
                throw Invalid(workflowId, "The workflow id is empty.");
            }

            if (string.IsNullOrWhiteSpace(workflowId))
            {
                throw Invalid(workflowId, "The workflow id contains only white space.");
            }

            var bytes = Encoding.UTF8.GetByteCount(workflowId);
            if (bytes > MaxIdBytes)
            {
                throw Invalid(workflowId, FormattableString.Invariant(
                    $"The workflow id '{Abbreviate(workflowId)}' is {bytes} bytes long in UTF-8; workflow ids are at most {MaxIdBytes} bytes."));
            }

            // "." and ".." would be collapsed by URI normalisation into a different REST path.
            if (workflowId == "." || workflowId == "..")
            {
                throw Invalid(workflowId, $"The workflow id '{workflowId}' is a path segment, not an id.");
            }
        }

        internal static string Abbreviate(string value) => value.Length <= 40 ? value : value.Substring(0, 40) + "...";

        private static FlowApiException Invalid(string? workflowId, string message) =>
            new FlowApiException(FlowErrorKind.InvalidWorkflowId, message, workflowId: workflowId);
    }
}
