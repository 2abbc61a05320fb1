using System;

namespace FlowFramework.Engine.Auth
{
    /// <summary>One set of AWS keys as the signer needs them. Never printed: ToString shows the key id only.</summary>
    internal sealed class AwsCredentialSet
    {
        internal AwsCredentialSet(string accessKeyId, string secretAccessKey, string? sessionToken, DateTimeOffset? expiration)
        {
            if (string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(secretAccessKey))
            {
                throw new ArgumentException("An AWS credential needs an access key id and a secret access key.");
            }

            AccessKeyId = accessKeyId;
            SecretAccessKey = secretAccessKey;
            SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
            Expiration = expiration;
        }

        internal string AccessKeyId { get; }

        internal string SecretAccessKey { get; }

        internal string? SessionToken { get; }

        /// <summary>When temporary credentials stop working; null for long-term keys.</summary>
        internal DateTimeOffset? Expiration { get; }

        public override string ToString() => "AWS credentials " + AccessKeyId + (SessionToken is null ? string.Empty : " (temporary)");
    }
}
