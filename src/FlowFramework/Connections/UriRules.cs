using System;

namespace FlowFramework.Connections
{
    internal static class UriRules
    {
        private static readonly System.Text.RegularExpressions.Regex UserInfo =
            new System.Text.RegularExpressions.Regex("(?<=//)[^/@?#]*@", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>The text with any user:password@ part masked, safe to put in a message.</summary>
        internal static string Redact(string? text) => text is null ? string.Empty : UserInfo.Replace(text, "***@");

        /// <summary>Accepts only absolute http and https addresses, and says why anything else is refused.</summary>
        internal static bool TryParse(string? text, out Uri? uri, out string problem)
        {
            uri = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                problem = "it is empty.";
                return false;
            }
            if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.IsUnc)
            {
                problem = "it is not an absolute URL (it needs a scheme and a host, like https://localhost:9200).";
                return false;
            }
            if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            {
                problem = $"the scheme '{parsed.Scheme}' is not supported; use http or https.";
                return false;
            }
            if (!string.IsNullOrEmpty(parsed.UserInfo))
            {
                problem = "it carries credentials in the URL; pass them with -Credential instead so they are never shown.";
                return false;
            }
            uri = parsed;
            problem = string.Empty;
            return true;
        }
    }
}
