using System;
using System.Management.Automation;
using FlowFramework.Engine;

namespace FlowFramework.Internal
{
    /// <summary>The module's error ids: constants a runbook can match on.</summary>
    internal static class FlowErrorIds
    {
        internal const string WorkflowNotFound = "FlowWorkflowNotFound";
        internal const string DeprovisionIncomplete = "FlowDeprovisionIncomplete";
        internal const string DeprovisionNeedsAllowDelete = "FlowDeprovisionNeedsAllowDelete";
        internal const string AuthenticationFailed = "FlowAuthenticationFailed";
        internal const string AccessDenied = "FlowAccessDenied";
        internal const string Throttled = "FlowThrottled";
        internal const string ClusterUnavailable = "FlowClusterUnavailable";
        internal const string InvalidResponse = "FlowInvalidResponse";
        internal const string InvalidWorkflowId = "FlowInvalidWorkflowId";
        internal const string InvalidUri = "FlowInvalidUri";
        internal const string RequestFailed = "FlowRequestFailed";
        internal const string AllowDeleteUnmatched = "FlowAllowDeleteUnmatched";
        internal const string ConflictingParameters = "FlowConflictingParameters";
    }

    /// <summary>Turns engine failures into ErrorRecords with an id, a category, a target and a next step.</summary>
    internal static class FlowErrors
    {
        internal static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message, string recommendedAction, Exception? inner = null)
        {
            var record = new ErrorRecord(new FlowFrameworkException(message, errorId, inner), errorId, category, target);
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
            return record;
        }

        /// <summary>True when the failure makes the connection itself unusable, so the cmdlet should stop.</summary>
        internal static bool IsConnectionFatal(FlowApiException ex) => ex.Kind == FlowErrorKind.Authentication;

        internal static ErrorRecord FromApiException(FlowApiException ex, object? target, FlowConnection connection)
        {
            if (AuthErrors.TryCreate(ex, target, connection) is { } signInError)
            {
                return signInError;
            }

            var server = string.IsNullOrEmpty(ex.ServerMessage) ? string.Empty : $" The server said: {ex.ServerMessage}";
            var status = ex.StatusCode is int code ? $" (HTTP {code})" : string.Empty;
            var where = connection.Uri.ToString();
            switch (ex.Kind)
            {
                case FlowErrorKind.InvalidWorkflowId:
                    return Create(FlowErrorIds.InvalidWorkflowId, ErrorCategory.InvalidArgument, target, ex.Message,
                        "Pass the workflow id exactly as the create call returned it (for example 8xL8bowB8y25Tqfenm50), or pipe Get-FlowWorkflowStatus output.", ex);
                case FlowErrorKind.NotFound:
                    return Create(FlowErrorIds.WorkflowNotFound, ErrorCategory.ObjectNotFound, target,
                        $"Workflow '{target}' was not found on {where}{status}.{server}",
                        "Check the id (ids are case-sensitive), the cluster and the tenant (-TenantId on Connect-FlowCluster). A workflow whose template and state are deleted has nothing left to deprovision.", ex);
                case FlowErrorKind.Authentication:
                    return Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        $"{where} rejected the credentials{(connection.UserName is null ? " (none were sent)" : $" of user '{connection.UserName}'")}{status}.{server}",
                        "Run Connect-FlowCluster again with -Credential (Get-Credential) for a user that exists on the cluster.", ex);
                case FlowErrorKind.Forbidden:
                    return Create(FlowErrorIds.AccessDenied, ErrorCategory.PermissionDenied, target,
                        $"Access to workflow '{target}' on {where} was denied{status}.{server}",
                        "Use a user with the flow_framework_full_access role (and ML Commons delete rights for deprovisioning), or the right -TenantId.", ex);
                case FlowErrorKind.Throttled:
                    return Create(FlowErrorIds.Throttled, ErrorCategory.LimitsExceeded, target,
                        $"{where} is throttling requests for workflow '{target}'{status}.{server}",
                        "Wait and run the command again, or lower -ThrottleLimit; the cluster limits simultaneous deprovisions per tenant.", ex);
                case FlowErrorKind.Unavailable:
                case FlowErrorKind.Timeout:
                    return Create(FlowErrorIds.ClusterUnavailable, ex.Kind == FlowErrorKind.Timeout ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError, target,
                        $"The cluster at {where} did not answer usefully{status}: {ex.Message}",
                        "Check that the cluster is running and reachable at that URI (scheme, host, port); for a self-signed certificate add -SkipCertificateCheck to Connect-FlowCluster; raise -TimeoutSec for a slow cluster.", ex);
                case FlowErrorKind.InvalidResponse:
                    return Create(FlowErrorIds.InvalidResponse, ErrorCategory.InvalidResult, target,
                        $"The answer from {where} could not be read{status}: {ex.Message}",
                        "Check that the URI points at an OpenSearch node with the Flow Framework plugin and not at a proxy or another service.", ex);
                default:
                    return Create(FlowErrorIds.RequestFailed, ErrorCategory.InvalidOperation, target,
                        $"The request for workflow '{target}' failed on {where}{status}: {ex.Message}",
                        "Read the server's message above; run again with -Verbose to see each request.", ex);
            }
        }
    }
}
