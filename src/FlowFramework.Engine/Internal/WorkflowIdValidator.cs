using System.Globalization;
using System.Text;

namespace FlowFramework.Engine.Internal
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
                throw Invalid(workflowId, "The workflow id is empty. Pass the workflow_id returned when the workflow was created, for example 8xL8bowB8y25Tqfenm50.");
            }

            if (string.IsNullOrWhiteSpace(workflowId))
            {
                throw Invalid(workflowId, "The workflow id contains only white space. Pass the workflow_id returned when the workflow was created, for example 8xL8bowB8y25Tqfenm50.");
            }

            var bytes = Encoding.UTF8.GetByteCount(workflowId);
            if (bytes > MaxIdBytes)
            {
                throw Invalid(
                    workflowId,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "The workflow id '{0}' is {1} bytes long in UTF-8; workflow ids are at most {2} bytes. Check that you passed a workflow id and not a whole object or document.",
                        Abbreviate(workflowId),
                        bytes,
                        MaxIdBytes));
            }

            // "." and ".." would be collapsed by URI normalisation into a different REST path.
            if (workflowId == "." || workflowId == "..")
            {
                throw Invalid(workflowId, "The workflow id '" + workflowId + "' is a path segment, not an id. Pass the workflow_id returned when the workflow was created.");
            }
        }

        internal static string Abbreviate(string value) => value.Length <= 40 ? value : value.Substring(0, 40) + "...";

        private static FlowApiException Invalid(string? workflowId, string message) =>
            new FlowApiException(FlowErrorKind.InvalidWorkflowId, message, workflowId: workflowId);
    }
}
