using System;

namespace FlowFramework.Engine
{
    /// <summary>A failed call to the cluster. The message never holds a credential or header.</summary>
    public class FlowApiException : Exception
    {
        public FlowApiException(
            FlowErrorKind kind,
            string message,
            int? statusCode = null,
            string? serverMessage = null,
            TimeSpan? retryAfter = null,
            string? workflowId = null,
            Exception? innerException = null)
            : base(message, innerException)
        {
            Kind = kind;
            StatusCode = statusCode;
            ServerMessage = serverMessage;
            RetryAfter = retryAfter;
            WorkflowId = workflowId;
        }

        public FlowErrorKind Kind { get; }

        /// <summary>The HTTP status; null when no response arrived.</summary>
        public int? StatusCode { get; }

        /// <summary>The server's <c>error</c> text, or a core error's <c>reason</c>.</summary>
        public string? ServerMessage { get; }

        /// <summary>The server's Retry-After, when it sent one.</summary>
        public TimeSpan? RetryAfter { get; }

        public string? WorkflowId { get; }

        /// <summary>Worth retrying after a wait: throttled, unavailable, timed out.</summary>
        public bool IsTransient => Kind == FlowErrorKind.Throttled || Kind == FlowErrorKind.Unavailable || Kind == FlowErrorKind.Timeout;
    }
}
