using System;

namespace FlowFramework.Engine
{
    /// <summary>
    /// A failed call to the cluster, as facts: what kind of failure, the HTTP status, the server's own text, its
    /// Retry-After, the request and the cluster. The message states those facts and nothing else; the module words
    /// them for the user (and never a credential or header appears in either).
    /// </summary>
    public class FlowApiException : Exception
    {
        public FlowApiException(
            FlowErrorKind kind,
            string message,
            int? statusCode = null,
            string? serverMessage = null,
            TimeSpan? retryAfter = null,
            string? workflowId = null,
            string? operation = null,
            string? cluster = null,
            TimeSpan? timeout = null,
            string? cause = null,
            Exception? innerException = null)
            : base(message, innerException)
        {
            Kind = kind;
            StatusCode = statusCode;
            ServerMessage = serverMessage;
            RetryAfter = retryAfter;
            WorkflowId = workflowId;
            Operation = operation;
            Cluster = cluster;
            Timeout = timeout;
            Cause = cause;
        }

        public FlowErrorKind Kind { get; }

        /// <summary>The HTTP status; null when no response arrived.</summary>
        public int? StatusCode { get; }

        /// <summary>The server's <c>error</c> text, or a core error's <c>reason</c>.</summary>
        public string? ServerMessage { get; }

        /// <summary>The server's Retry-After, when it sent one.</summary>
        public TimeSpan? RetryAfter { get; }

        public string? WorkflowId { get; }

        /// <summary>The request as sent, for example <c>GET /_plugins/_flow_framework/workflow/x/_status</c>; null when none was sent.</summary>
        public string? Operation { get; }

        /// <summary>The cluster's scheme, host and port.</summary>
        public string? Cluster { get; }

        /// <summary>The per-request time limit that ran out (a timeout without any answer).</summary>
        public TimeSpan? Timeout { get; }

        /// <summary>What the transport or the parser reported (connection refused, a certificate error, a JSON error).</summary>
        public string? Cause { get; }

        /// <summary>Worth retrying after a wait: throttled, unavailable, timed out.</summary>
        public bool IsTransient => Kind == FlowErrorKind.Throttled || Kind == FlowErrorKind.Unavailable || Kind == FlowErrorKind.Timeout;
    }
}
