using System;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// The only code that touches AWSSDK.Core: credential resolution (default chain, profiles) and reading an
    /// AWSCredentials object. The SDK refreshes temporary credentials itself; the signer asks again near expiry.
    /// </summary>
    internal static class SdkCredentialSources
    {
        /// <summary>The places the SDK's default chain looks, in its order; named in the error when all are empty.</summary>
        internal static readonly string[] DefaultChainPlaces =
        {
            "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN)",
            "the profile named by AWS_PROFILE, else 'default', in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) "
                + "and config file (AWS_CONFIG_FILE, else ~/.aws/config), including credential_process, role and SSO profiles (SSO needs the AWSSDK.SSO and AWSSDK.SSOOIDC assemblies, which are not shipped)",
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN)",
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)",
            "EC2 instance metadata (IMDS, unless AWS_EC2_METADATA_DISABLED=true)",
        };

        internal static FlowAwsCredentials FromProfile(string profileName)
        {
            if (string.IsNullOrWhiteSpace(profileName))
            {
                throw new ArgumentException("The profile name is empty.", nameof(profileName));
            }

            var chain = new CredentialProfileStoreChain();
            AWSCredentials? credentials;
            try
            {
                if (!chain.TryGetAWSCredentials(profileName, out credentials) || credentials is null)
                {
                    throw ProfileNotFound(profileName, null, null);
                }
            }
            catch (AmazonClientException ex)
            {
                throw ProfileNotFound(profileName, ex.Message, ex);
            }

            return new SdkSource("profile '" + profileName + "'", credentials);
        }

        internal static FlowAwsCredentials FromDefaultChain()
        {
            AWSCredentials credentials;
            try
            {
                credentials = new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null);
            }
            catch (AmazonClientException ex)
            {
                throw ChainEmpty(ex);
            }

            if (credentials is null)
            {
                throw ChainEmpty(null);
            }

            return new SdkSource("the AWS default credential chain (" + credentials.GetType().Name + ")", credentials);
        }

        internal static FlowAwsCredentials FromObject(object credentials)
        {
            if (credentials is null)
            {
                throw new ArgumentNullException(nameof(credentials));
            }

            if (credentials is AWSCredentials own)
            {
                return new SdkSource("the given " + own.GetType().Name, own);
            }

            // Another copy of AWSSDK.Core (AWS.Tools in the default context) has other types of the same name.
            var type = credentials.GetType();
            if (FindGetCredentials(type) is null)
            {
                throw new FlowAuthSetupException(FlowAuthSetupFailure.AwsCredentialsInvalid,
                    "A " + type.FullName + " is not an Amazon.Runtime.AWSCredentials object.", givenType: type.FullName);
            }

            return new ReflectedSource(credentials);
        }

        private static string SharedFile(string variable, string name)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return fromEnvironment!;
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home, ".aws", name);
        }

        private static MethodInfo? FindGetCredentials(Type type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.FullName == "Amazon.Runtime.AWSCredentials")
                {
                    return type.GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null);
                }
            }

            return null;
        }

        private static DateTimeOffset? ToOffset(DateTime? value) =>
            value is DateTime d ? new DateTimeOffset(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset?)null;

        private static FlowAuthSetupException ProfileNotFound(string profileName, string? cause, Exception? inner)
        {
            var searched = new[]
            {
                "the shared credentials file (" + SharedFile("AWS_SHARED_CREDENTIALS_FILE", "credentials") + ")",
                "the config file (" + SharedFile("AWS_CONFIG_FILE", "config") + ")",
            };
            return new FlowAuthSetupException(FlowAuthSetupFailure.AwsCredentialsNotFound,
                "AWS profile '" + profileName + "': " + (cause ?? "not found or without usable credentials"),
                cause: cause, profileName: profileName, searched: searched, innerException: inner);
        }

        private static FlowAuthSetupException ChainEmpty(Exception? inner) =>
            new FlowAuthSetupException(FlowAuthSetupFailure.AwsCredentialsNotFound, "The AWS default credential chain found no credentials.",
                cause: inner?.Message, searched: DefaultChainPlaces, innerException: inner);

        /// <summary>Credentials that cannot be had when a request is about to be signed: the connection cannot sign in.</summary>
        private static FlowApiException Unavailable(string source, string cause, Exception? inner) =>
            new FlowApiException(FlowErrorKind.Authentication, "AWS credentials from " + source + " could not be obtained: " + cause,
                cause: cause, innerException: inner);

        private static FlowApiException RefreshFailed(string source, Exception ex) => Unavailable(source, ex.Message, ex);

        private sealed class SdkSource : FlowAwsCredentials
        {
            private readonly string _source;
            private readonly AWSCredentials _credentials;

            internal SdkSource(string source, AWSCredentials credentials)
            {
                _source = source;
                _credentials = credentials;
            }

            public override string Source => _source;

            internal override async Task<AwsCredentialSet> GetAsync(CancellationToken ct)
            {
                ImmutableCredentials keys;
                try
                {
                    keys = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AmazonClientException || ex is System.IO.IOException || ex is InvalidOperationException)
                {
                    throw RefreshFailed(_source, ex);
                }

                if (keys is null || string.IsNullOrEmpty(keys.AccessKey) || string.IsNullOrEmpty(keys.SecretKey))
                {
                    throw Unavailable(_source, "they are empty", null);
                }

                return new AwsCredentialSet(keys.AccessKey, keys.SecretKey, keys.UseToken ? keys.Token : null, ToOffset(_credentials.Expiration));
            }
        }

        private sealed class ReflectedSource : FlowAwsCredentials
        {
            private readonly object _credentials;
            private readonly MethodInfo _getCredentials;
            private readonly PropertyInfo? _expiration;

            internal ReflectedSource(object credentials)
            {
                _credentials = credentials;
                var type = credentials.GetType();
                _getCredentials = FindGetCredentials(type)!;
                _expiration = type.GetProperty("Expiration", BindingFlags.Public | BindingFlags.Instance);
            }

            public override string Source => "the given " + _credentials.GetType().Name;

            internal override Task<AwsCredentialSet> GetAsync(CancellationToken ct)
            {
                object? keys;
                try
                {
                    keys = _getCredentials.Invoke(_credentials, null);
                }
                catch (TargetInvocationException ex) when (ex.InnerException is not null)
                {
                    throw RefreshFailed(Source, ex.InnerException);
                }

                string? Read(string name) => keys?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(keys) as string;
                var accessKey = Read("AccessKey");
                var secretKey = Read("SecretKey");
                if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
                {
                    throw Unavailable(Source, "they are empty", null);
                }

                var expiration = _expiration?.GetValue(_credentials) as DateTime?;
                return Task.FromResult(new AwsCredentialSet(accessKey!, secretKey!, Read("Token"), ToOffset(expiration)));
            }
        }
    }
}
