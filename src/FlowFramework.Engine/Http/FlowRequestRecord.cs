using System;

namespace FlowFramework.Engine
{
    /// <summary>One HTTP request as Verbose shows it: never headers, bodies or credentials.</summary>
    public sealed class FlowRequestRecord
    {
        public FlowRequestRecord(string method, string path, int? statusCode, TimeSpan elapsed, string? error)
        {
            Method = method;
            Path = path;
            StatusCode = statusCode;
            Elapsed = elapsed;
            Error = error;
        }

        public string Method { get; }

        /// <summary>The escaped path and query as sent (allow_delete holds resource ids, not secrets).</summary>
        public string Path { get; }

        /// <summary>Null when no response arrived.</summary>
        public int? StatusCode { get; }

        public TimeSpan Elapsed { get; }

        /// <summary>Why the request failed, when it did.</summary>
        public string? Error { get; }

        public override string ToString() =>
            FormattableString.Invariant($"{Method} {Path} -> {(StatusCode is int code ? (object)code : "no answer")} in {Elapsed.TotalMilliseconds:0} ms")
            + (Error is null ? string.Empty : " (" + Error + ")");
    }
}
