using static System.FormattableString;

namespace FlowFramework.Simulator.Flow;

/// <summary>Flow Framework's own exception: answers <c>{"error": message}</c> with its status.</summary>
internal class FlowException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The exception's simple class name, as it appears in a FAILED state's error text.</summary>
    public virtual string KindName => "FlowFrameworkException";

    public static string StatusName(int status) => status switch
    {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        408 => "REQUEST_TIMEOUT",
        409 => "CONFLICT",
        429 => "TOO_MANY_REQUESTS",
        500 => "INTERNAL_SERVER_ERROR",
        501 => "NOT_IMPLEMENTED",
        503 => "SERVICE_UNAVAILABLE",
        _ => Invariant($"{status}"),
    };
}

/// <summary>What a step throws when the call it makes fails (it keeps the original status).</summary>
internal sealed class WorkflowStepException(string message, int status) : FlowException(message, status)
{
    public override string KindName => "WorkflowStepException";
}
