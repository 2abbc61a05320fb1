using System.Text.RegularExpressions;

namespace FlowFramework.Engine
{
    /// <summary>Reads the region and service from an Amazon OpenSearch Service or Serverless endpoint host name.</summary>
    public static class AwsEndpoint
    {
        private static readonly Regex Host = new Regex(
            @"^(?:[^.]+\.)*?(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.(?<service>es|aoss)\.amazonaws\.com(?:\.cn)?\.?$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>
        /// True for <c>*.&lt;region&gt;.es.amazonaws.com</c> and <c>*.&lt;region&gt;.aoss.amazonaws.com</c> (and their .cn
        /// forms), giving the region and the service name to sign with.
        /// </summary>
        public static bool TryParse(string? host, out string region, out string service)
        {
            region = string.Empty;
            service = string.Empty;
            if (string.IsNullOrEmpty(host))
            {
                return false;
            }

            var match = Host.Match(host);
            if (!match.Success)
            {
                return false;
            }

            region = match.Groups["region"].Value.ToLowerInvariant();
            service = match.Groups["service"].Value.ToLowerInvariant();
            return true;
        }
    }
}
