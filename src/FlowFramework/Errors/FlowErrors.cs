using System;
using System.Linq;
using System.Management.Automation;
using FlowFramework.Connections;
using FlowFramework.Engine;

namespace FlowFramework.Errors
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
        internal const string ConflictingParameters = "FlowConflictingParameters";
        internal const string TlsError = "FlowTlsError";
        internal const string AwsCredentialNotFound = "FlowAwsCredentialNotFound";
        internal const string InvalidAwsCredential = "FlowInvalidAwsCredential";
        internal const string AwsRegionRequired = "FlowAwsRegionRequired";
        internal const string CertificateUnreadable = "FlowCertificateUnreadable";
        internal const string CertificateAuthorityUnreadable = "FlowCertificateAuthorityUnreadable";
        internal const string InvalidTemplate = "FlowInvalidTemplate";
        internal const string ProvisionRejected = "FlowProvisionRejected";
        internal const string ProvisioningFailed = "FlowProvisioningFailed";
        internal const string NotProvisioning = "FlowWorkflowNotProvisioning";
        internal const string WaitTimedOut = "FlowWaitTimeout";
        internal const string WaitWithoutProvision = "FlowWaitWithoutProvision";
    }

    /// <summary>
    /// The one voice of the module: every error (id, category, target, sentence, recommended action) and every
    /// warning about an outcome is written here, from the facts the engine reports. The engine states what happened;
    /// only this class names cmdlets and parameters.
    /// </summary>
    internal static class FlowErrors
    {
        internal static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message, string recommendedAction, Exception? inner = null)
        {
            var record = new ErrorRecord(new FlowFrameworkException(message, errorId, inner), errorId, category, target);
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
            return record;
        }

        /// <summary>True when the failure makes the connection itself unusable, so the cmdlet should stop.</summary>
        internal static bool IsConnectionFatal(FlowApiException ex) => ex.Kind == FlowErrorKind.Authentication || ex.Kind == FlowErrorKind.Tls;

        internal static ErrorRecord FromApiException(FlowApiException ex, object? target, FlowConnection connection)
        {
            var server = string.IsNullOrEmpty(ex.ServerMessage) ? string.Empty : $" The server said: {ex.ServerMessage}";
            var status = ex.StatusCode is int code ? FormattableString.Invariant($" (HTTP {code})") : string.Empty;
            var retryAfter = ex.RetryAfter is TimeSpan asked ? FormattableString.Invariant($" It asked to retry after {asked.TotalSeconds:0.###} s.") : string.Empty;
            var where = connection.Uri.ToString();
            var signIn = connection.SignIn;
            switch (ex.Kind)
            {
                case FlowErrorKind.Tls:
                    return Create(FlowErrorIds.TlsError, ErrorCategory.SecurityError, target, $"The TLS connection to {where} was refused: {ex.Cause}",
                        "Pass -CertificateAuthorityPath the PEM bundle of the CA that issued the cluster's certificate (the issuer named above), and connect with the host name the certificate was issued for.", ex);
                case FlowErrorKind.Authentication when signIn.IsAws && ex.StatusCode is null:
                    return Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        $"The AWS credentials from {signIn.Source} could not be obtained to sign the request to {where}: {Clause(ex.Cause)}.",
                        "Check that source (an expired SSO or assume-role session, a credential_process that fails, an unreachable metadata endpoint), then run Connect-FlowCluster again.", ex);
                case FlowErrorKind.Authentication when signIn.IsAws:
                    return Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        $"{where} rejected the AWS SigV4 signature for region '{signIn.AwsRegion}' and service '{signIn.AwsService}' with credentials from {signIn.Source}{status}.{server}",
                        $"Check the region (-AwsRegion: the domain's own region, here '{signIn.AwsRegion}'), the service (-AwsService es for a managed domain, aoss for Serverless), this machine's clock (AWS allows 5 minutes of skew), and the credentials source ({signIn.Source}): wrong, deactivated or expired keys fail here. Then run Connect-FlowCluster again.", ex);
                case FlowErrorKind.Authentication when signIn.IsToken:
                    return Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        $"{where} rejected the bearer token{status}.{server}",
                        "Get a new token (it may have expired, be signed with another key, or name a subject the cluster does not know) and run Connect-FlowCluster -Token again.", ex);
                case FlowErrorKind.Authentication when signIn.HasClientCertificate:
                    return Create(FlowErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, target,
                        $"{where} did not accept the client certificate '{signIn.Source}'{(connection.UserName is null ? string.Empty : $" nor user '{connection.UserName}'")}{status}.{server}",
                        "Check that the certificate is issued by a CA the cluster trusts, that the cluster's clientcert authentication domain is enabled, and that the certificate's subject maps to a user; then run Connect-FlowCluster again.", ex);
                case FlowErrorKind.Forbidden when signIn.IsAws:
                    return Create(FlowErrorIds.AccessDenied, ErrorCategory.PermissionDenied, target,
                        $"Access to {(target is string id && id != where ? $"workflow '{id}' on " : string.Empty)}{where} was denied to the AWS credentials from {signIn.Source}{status}.{server}",
                        "Allow the IAM principal es:ESHttpGet and es:ESHttpPost on the domain (or, on Serverless, a data access policy and aoss:APIAccessAll), and with fine-grained access control map it to a role with flow_framework_full_access.", ex);
                case FlowErrorKind.InvalidWorkflowId:
                    return Create(FlowErrorIds.InvalidWorkflowId, ErrorCategory.InvalidArgument, target, ex.Message,
                        "Pass the workflow id exactly as the create call returned it (its workflow_id, for example 8xL8bowB8y25Tqfenm50), or pipe Get-FlowWorkflowStatus output.", ex);
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
                        ForbiddenAction(ex.ServerMessage), ex);
                case FlowErrorKind.Throttled:
                    return Create(FlowErrorIds.Throttled, ErrorCategory.LimitsExceeded, target,
                        $"{where} is throttling requests for workflow '{target}'{status}.{server}{retryAfter}",
                        "Wait and run the command again; the cluster limits simultaneous deprovisions per tenant, so give Invoke-FlowDeprovision a lower -ThrottleLimit.", ex);
                case FlowErrorKind.Unavailable when ex.StatusCode is null:
                    return Create(FlowErrorIds.ClusterUnavailable, ErrorCategory.ConnectionError, target,
                        $"Could not reach the cluster at {where}: {ex.Cause}",
                        "Check that the cluster is running and reachable at that URI (scheme, host, port); for a certificate from a private CA add -CertificateAuthorityPath <CA bundle> to Connect-FlowCluster (or -SkipCertificateCheck for a test cluster).", ex);
                case FlowErrorKind.Unavailable:
                    return Create(FlowErrorIds.ClusterUnavailable, ErrorCategory.ConnectionError, target,
                        $"The cluster at {where} is unavailable{status}.{server}{retryAfter}",
                        "Run the command again when the cluster is back; a 502 or 503 usually means a node or a proxy in front of it is restarting.", ex);
                case FlowErrorKind.Timeout when ex.StatusCode is null:
                    return Create(FlowErrorIds.ClusterUnavailable, ErrorCategory.OperationTimeout, target,
                        $"The cluster at {where} did not answer {ex.Operation} within {Seconds(ex.Timeout)}.",
                        $"Check that the cluster is reachable and not overloaded. Each request may take up to the connection's time limit ({connection.TimeoutSec} s); for a slow cluster connect with Connect-FlowCluster -TimeoutSec <seconds> (the -TimeoutSec of Invoke-FlowDeprovision limits a whole run, not one request).", ex);
                case FlowErrorKind.Timeout:
                    return Create(FlowErrorIds.ClusterUnavailable, ErrorCategory.OperationTimeout, target,
                        $"The cluster at {where} timed out{status}.{server}",
                        "Run the command again; the cluster or a proxy in front of it gave up on the request, usually because the cluster is overloaded.", ex);
                case FlowErrorKind.InvalidResponse:
                    return Create(FlowErrorIds.InvalidResponse, ErrorCategory.InvalidResult, target,
                        $"The answer from {where} to {ex.Operation} could not be read{status}: {ex.Cause ?? ex.ServerMessage ?? "an answer a deprovision never gives"}.",
                        "Check that the URI points at an OpenSearch node with the Flow Framework plugin and not at a proxy or another service.", ex);
                case FlowErrorKind.ServerError:
                    return Create(FlowErrorIds.RequestFailed, ErrorCategory.InvalidOperation, target,
                        $"The cluster at {where} failed to process the request for workflow '{target}'{status}.{server}",
                        "Check the cluster logs, then run the command again; -Verbose shows each request.", ex);
                default:
                    return Create(FlowErrorIds.RequestFailed, ErrorCategory.InvalidOperation, target,
                        $"The cluster at {where} refused the request for workflow '{target}'{status}.{server}",
                        "Read the server's message; run again with -Verbose to see each request.", ex);
            }
        }

        /// <summary>
        /// What to do about a 403, by the server's text: a disabled plugin and a backend-role filter each have their own
        /// way out. Anything else may be missing rights or, from OpenSearch 3.4 with resource sharing, a workflow not
        /// shared with the user, which is also what a workflow that does not exist looks like there (never guessed).
        /// </summary>
        private static string ForbiddenAction(string? serverMessage)
        {
            if (serverMessage?.StartsWith("This API is disabled", StringComparison.Ordinal) == true)
            {
                return "The Flow Framework plugin is turned off on this cluster: an administrator must set plugins.flow_framework.enabled to true (PUT _cluster/settings).";
            }

            if (serverMessage?.StartsWith("User does not have permissions to access workflow", StringComparison.Ordinal) == true)
            {
                return "The cluster filters workflows by backend roles (plugins.flow_framework.filter_by_backend_roles): use a user who shares a backend role with the workflow's creator, or an administrator.";
            }

            return "Use a user with the flow_framework_full_access role (and ML Commons delete rights for deprovisioning), or the right -TenantId. "
                + "On OpenSearch 3.4 and later with resource sharing, a workflow that does not exist or is not shared with this user also answers 403: check the id, or ask its owner to share it.";
        }

        /// <summary>Connect-FlowCluster's terminating error: like any other, with the local simulator as a way to try the module.</summary>
        internal static ErrorRecord ConnectFailed(FlowApiException ex, FlowConnection connection)
        {
            var record = FromApiException(ex, connection.Uri.ToString(), connection);
            if (ex.Kind == FlowErrorKind.Unavailable || ex.Kind == FlowErrorKind.Timeout)
            {
                record.ErrorDetails.RecommendedAction += " To try the module without a cluster, run ./build.ps1 -Task Simulator.";
            }

            return record;
        }

        internal static ErrorRecord InvalidUri(string shown, string problem) =>
            Create(FlowErrorIds.InvalidUri, ErrorCategory.InvalidArgument, shown, $"Cannot connect to '{shown}': {problem}",
                "Pass -Uri an absolute http or https URL such as https://localhost:9200.");

        internal static ErrorRecord InvalidEnvironmentUri(string variable, string shown, string problem) =>
            Create(FlowErrorIds.InvalidUri, ErrorCategory.InvalidArgument, shown,
                $"The environment variable {variable} holds '{shown}', which is not a usable cluster address: {problem}",
                $"Set {variable} to an absolute http or https URL such as https://search.example.com:9200, or run Connect-FlowCluster -Uri <url>.");

        /// <summary>The error for a deprovision that did not end clean; null when it did.</summary>
        internal static ErrorRecord? FromReport(FlowDeprovisionReport report, FlowConnection connection)
        {
            var result = report.Result;
            switch (result.Status)
            {
                case FlowDeprovisionStatus.Partial:
                    // A registered and deployed model is two state entries but one resource, as in the server's own message.
                    var failed = Names(result, FlowResourceStatus.Failed);
                    var missing = Names(result, FlowResourceStatus.Missing);
                    var what = string.Join(" ", new[]
                    {
                        failed.Count == 0 ? null : $"{failed.Count} resource(s) the server could not delete after {result.Attempts} attempt(s){(report.TimedOut ? " and the time limit" : string.Empty)}: {string.Join(", ", failed)}.",
                        missing.Count == 0 ? null : $"{missing.Count} resource(s) deleted outside the workflow, which the server fails on at every deprovision: {string.Join(", ", missing)}.",
                    }.Where(part => part is not null));
                    var action = failed.Count == 0 ? string.Empty
                        : "Read each leftover's Reason, fix the cause (a deployed model, a connector still used, missing ML Commons delete rights), then pipe the leftovers back: $left | Invoke-FlowDeprovision -Force. Raise -TimeoutSec or -MaxAttempts of Invoke-FlowDeprovision to wait longer.";
                    if (report.AllowDeleteNeeded.Count > 0)
                    {
                        // A model its own pipeline uses (ML Commons' safe delete) goes only once the pipeline may go too.
                        action = $"The workflow's pipeline(s) {string.Join(", ", report.AllowDeleteNeeded)} still use a model it created, and the cluster deletes a model no pipeline uses only (plugins.ml_commons.safe_delete_model). "
                            + $"If they should go, run: $left | Invoke-FlowDeprovision -AllowDelete {string.Join(",", report.AllowDeleteNeeded.Select(QuoteIfNeeded))} -Force";
                    }

                    if (missing.Count > 0)
                    {
                        action = (action + $" Resources that are gone block the workflow for good: once nothing else of it is left, clear its state with DELETE _plugins/_flow_framework/workflow/{result.WorkflowId}?clear_status=true (this also deletes the template).").Trim();
                    }
                    return Create(FlowErrorIds.DeprovisionIncomplete, report.TimedOut ? ErrorCategory.OperationTimeout : ErrorCategory.ResourceBusy, result.WorkflowId,
                        $"Workflow '{result.WorkflowId}' still has {what}" + (string.IsNullOrEmpty(report.ServerMessage) ? string.Empty : " Last answer: " + report.ServerMessage),
                        action);
                case FlowDeprovisionStatus.NeedsAllowDelete:
                    var ids = result.Remaining.Where(r => r.Status == FlowResourceStatus.NeedsAllowDelete).Select(r => r.ResourceId).Distinct(StringComparer.Ordinal);
                    return Create(FlowErrorIds.DeprovisionNeedsAllowDelete, ErrorCategory.InvalidOperation, result.WorkflowId,
                        $"Workflow '{result.WorkflowId}' is deprovisioned except {string.Join(", ", result.Remaining.Select(r => r.ToString()).Distinct(StringComparer.Ordinal))}, which the server deletes only with explicit permission.",
                        $"If they should go, run: $left | Invoke-FlowDeprovision -AllowDelete {string.Join(",", ids.Select(QuoteIfNeeded))} -Force");
                case FlowDeprovisionStatus.NotFound:
                case FlowDeprovisionStatus.Failed:
                    return report.Error is null ? null : FromApiException(report.Error, result.WorkflowId, connection);
                default:
                    return null;
            }
        }

        /// <summary>The warning about model groups (and reindex results) the server left in place; null when there are none.</summary>
        internal static string? RetainedWarning(FlowDeprovisionResult result) =>
            result.Retained.Length == 0 ? null
                : $"Workflow '{result.WorkflowId}': the server dropped {string.Join(", ", result.Retained.Select(r => r.ToString()))} from the workflow without deleting it. Delete it through ML Commons (DELETE /_plugins/_ml/model_groups/<id>) if nothing else uses it, or add -IncludeModelGroups, which deletes the workflow's model groups once it is clean.";

        internal static string ThrottleLimitCapped(int requested, FlowDeprovisionLimit limit) =>
            $"-ThrottleLimit {requested} is more than this connection allows; running {limit.Allowed} at once. The cluster's deprovision thread pool "
            + (limit.Read ? $"has {limit.PoolMax} threads" : $"could not be read{(limit.ReadError?.StatusCode is int code ? FormattableString.Invariant($" (HTTP {code})") : string.Empty)}, so its default of {limit.PoolMax} threads is assumed")
            + ", and as many deprovisions in flight as it has threads hang the node's deprovisions until it restarts.";

        internal static string UnmatchedAllowDelete(string pattern) =>
            $"-AllowDelete '{pattern}' matched no index or pipeline id of the workflows processed, so it allowed nothing. Ids are matched exactly and case-sensitively; see the ResourceId of the NeedsAllowDelete leftovers.";

        internal static ErrorRecord Unexpected(string workflowId, Exception ex, string doing = "Deprovisioning") =>
            Create(FlowErrorIds.RequestFailed, ErrorCategory.NotSpecified, workflowId,
                $"{doing} workflow '{workflowId}' failed unexpectedly: {ex.GetType().Name}: {ex.Message}",
                "Run again with -Verbose; if it repeats, report it with the Verbose output.", ex);

        internal static string PlainHttpCredentials(Uri uri) =>
            $"The credentials for {uri} will be sent over plain http; use https for a cluster that is not on this machine.";

        internal static string ConnectedWithoutClusterCheck(FlowConnection connection, FlowApiException ex) =>
            $"Connected to {connection.Uri} without checking the cluster: it accepted {Caller(connection)} but refused GET / (HTTP 403{(string.IsNullOrEmpty(ex.ServerMessage) ? string.Empty : ": " + ex.ServerMessage)}). Workflow calls still work if the user has Flow Framework permissions.";

        /// <summary>Connect-FlowCluster's error for a sign-in that could not be set up; nothing was sent.</summary>
        internal static ErrorRecord FromSetup(FlowAuthSetupException ex, Uri uri)
        {
            var target = (object?)ex.Path ?? uri.ToString();
            var cause = ex.Cause is null ? string.Empty : ": " + Clause(ex.Cause);
            switch (ex.Failure)
            {
                case FlowAuthSetupFailure.AwsCredentialsNotFound:
                    var searched = $" Searched {string.Join("; ", ex.Searched)}.";
                    return Create(FlowErrorIds.AwsCredentialNotFound, ErrorCategory.AuthenticationError, target,
                        (ex.ProfileName is null ? "No AWS credentials were found" : $"The AWS profile '{ex.ProfileName}' was not found or holds no usable credentials") + cause + "." + searched,
                        "Give credentials in one of those places, name a profile with -AwsProfile, or pass -AwsCredential (Get-AWSCredential, or a PSCredential of access key id and secret access key).", ex);
                case FlowAuthSetupFailure.AwsCredentialsInvalid:
                    return Create(FlowErrorIds.InvalidAwsCredential, ErrorCategory.InvalidArgument, target,
                        ex.GivenType == typeof(PSCredential).FullName
                            ? "-AwsCredential as a PSCredential needs the access key id as user name and the secret access key as password; one of them is empty."
                            : $"-AwsCredential takes an Amazon.Runtime.AWSCredentials object (for example from Get-AWSCredential) or a PSCredential of access key id and secret access key; got {ex.GivenType}.",
                        "Pass -AwsCredential an Amazon.Runtime.AWSCredentials object or [pscredential]::new($accessKeyId, $secretAccessKey).", ex);
                case FlowAuthSetupFailure.AwsRegionUnknown:
                    return Create(FlowErrorIds.AwsRegionRequired, ErrorCategory.InvalidArgument, target,
                        $"The AWS region to sign for is not known: the host '{ex.Host}' is not an *.<region>.es.amazonaws.com or *.<region>.aoss.amazonaws.com endpoint.",
                        "Pass -AwsRegion with the region of the domain or collection, for example -AwsRegion us-east-1.", ex);
                case FlowAuthSetupFailure.CertificateAuthorityUnreadable:
                    return Create(FlowErrorIds.CertificateAuthorityUnreadable, ErrorCategory.ReadError, target,
                        $"The certificate authority bundle '{ex.Path}' could not be read{cause}.",
                        "Pass -CertificateAuthorityPath a readable PEM file holding the certificate of the CA that issued the cluster's certificate.", ex);
                case FlowAuthSetupFailure.CertificateWithoutPrivateKey:
                    return Create(FlowErrorIds.CertificateUnreadable, ErrorCategory.ReadError, target,
                        ex.Path is null
                            ? $"The certificate '{ex.CertificateSubject}' has no private key, so it cannot sign in."
                            : $"The client certificate file '{ex.Path}' holds the certificate '{ex.CertificateSubject}' without its private key, so it cannot sign in.",
                        "Pass a certificate with its private key: -Certificate from a store that has the key, -CertificatePath a .pfx that holds the key, or a PEM certificate with -CertificateKeyPath.", ex);
                default:
                    return Create(FlowErrorIds.CertificateUnreadable, ErrorCategory.ReadError, target,
                        $"The {(ex.Failure == FlowAuthSetupFailure.CertificateKeyUnreadable ? "private key" : "client certificate")} file '{ex.Path}' could not be used{cause}.",
                        "Pass -Certificate a certificate with its private key, or -CertificatePath a .pfx (with -CertificatePassword) or a PEM certificate with -CertificateKeyPath (and -CertificatePassword for an encrypted key; PEM needs PowerShell 7, convert to .pfx for Windows PowerShell 5.1).", ex);
            }
        }

        internal static ErrorRecord ConflictingTrust(string certificateAuthorityPath) =>
            Create(FlowErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, certificateAuthorityPath,
                "-SkipCertificateCheck and -CertificateAuthorityPath contradict each other: one accepts any server certificate, the other only those issued by the given certificate authorities.",
                "Use -CertificateAuthorityPath (the careful choice) or -SkipCertificateCheck, not both.");

        /// <summary>Who the cluster accepted, in the words of a message.</summary>
        private static string Caller(FlowConnection connection)
        {
            var signIn = connection.SignIn;
            if (signIn.IsAws)
            {
                return $"the AWS credentials from {signIn.Source}";
            }

            if (signIn.IsToken)
            {
                return "the bearer token";
            }

            if (signIn.HasClientCertificate)
            {
                return $"the client certificate '{signIn.Source}'";
            }

            return connection.UserName is null ? "the anonymous user" : $"user '{connection.UserName}'";
        }

        /// <summary>A reported cause as a clause inside a sentence: without its closing period.</summary>
        private static string Clause(string? cause) => (cause ?? "no reason given").TrimEnd().TrimEnd('.');

        /// <summary>The leftovers with this status, each resource once.</summary>
        private static System.Collections.Generic.List<string> Names(FlowDeprovisionResult result, FlowResourceStatus status) =>
            result.Remaining.Where(r => r.Status == status).Select(r => r.ToString()).Distinct(StringComparer.Ordinal).ToList();

        private static string Seconds(TimeSpan? t) => FormattableString.Invariant($"{(t ?? TimeSpan.Zero).TotalSeconds:0.###} s");

        private static string QuoteIfNeeded(string id) =>
            id.IndexOfAny(new[] { ' ', ',', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '@', '#', '&', '|', '<', '>' }) >= 0
                ? "'" + id.Replace("'", "''") + "'"
                : id;
    }
}
