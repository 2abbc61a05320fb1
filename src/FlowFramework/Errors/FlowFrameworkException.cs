using System;

namespace FlowFramework
{
    /// <summary>The exception behind every error this module writes; <see cref="ErrorId"/> matches the ErrorRecord's id.</summary>
    public sealed class FlowFrameworkException : Exception
    {
        public FlowFrameworkException(string message, string errorId, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
        }

        public string ErrorId { get; }
    }
}
