using System;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// What AWS's 403 answers mean. Amazon OpenSearch Service answers <c>{"message": ...}</c>; Serverless answers
    /// <c>{"status":403,"request-id":...,"error":{"reason":...,"type":...}}</c>. A rejected signature or token is an
    /// authentication failure; "User: arn:... is not authorized to perform" and Serverless' plain "403 Forbidden"
    /// are access denials.
    /// </summary>
    internal static class AwsErrorText
    {
        private static readonly string[] AuthenticationFailures =
        {
            "The security token included in the request is invalid",
            "The security token included in the request is expired",
            "signature we calculated does not match",
            "Missing Authentication Token",
            "Signature expired",
            "Credential should be scoped",
            "Authorization header requires",
            "not a valid key=value pair",
            "Customer authentication failed",
            "The request signature",
            "InvalidSignature",
            "UnrecognizedClientException",
            "ExpiredToken",
        };

        internal static bool IsAuthenticationFailure(string? serverMessage)
        {
            if (string.IsNullOrEmpty(serverMessage))
            {
                return false;
            }

            foreach (var text in AuthenticationFailures)
            {
                if (serverMessage!.IndexOf(text, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// AWS follows a signature mismatch with the canonical request it expected, which holds header values such
        /// as the session token: only the first paragraph is kept, so no secret reaches an error, Verbose or a log.
        /// </summary>
        internal static string? FirstParagraph(string? message)
        {
            if (message is null)
            {
                return null;
            }

            var cut = message.IndexOf("\n\n", StringComparison.Ordinal);
            var canonical = message.IndexOf("The Canonical String", StringComparison.Ordinal);
            if (canonical >= 0 && (cut < 0 || canonical < cut))
            {
                cut = canonical;
            }

            return cut < 0 ? message : message.Substring(0, cut).TrimEnd();
        }
    }
}
