using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using FlowFramework.Engine.Auth;

namespace FlowFramework.Engine
{
    /// <summary>
    /// Where a SigV4 connection gets its AWS keys. Opaque to callers: no AWS SDK type appears in its signature, so
    /// the module can hold one without loading AWSSDK.Core; the SDK is touched only by the sources that need it.
    /// </summary>
    public abstract class FlowAwsCredentials
    {
        private protected FlowAwsCredentials()
        {
        }

        /// <summary>Where the keys come from, for messages ("profile 'ops'", "the default credential chain", ...). Never a key.</summary>
        public abstract string Source { get; }

        /// <summary>The keys to sign with now; asked again when temporary keys near their expiry.</summary>
        internal abstract Task<AwsCredentialSet> GetAsync(CancellationToken ct);

        /// <summary>An access key id and secret (a PSCredential's user name and password), with an optional session token.</summary>
        public static FlowAwsCredentials FromKeys(string accessKeyId, SecureString secretAccessKey, SecureString? sessionToken = null)
        {
            if (string.IsNullOrWhiteSpace(accessKeyId))
            {
                throw new ArgumentException("The access key id is empty.", nameof(accessKeyId));
            }

            if (secretAccessKey is null || secretAccessKey.Length == 0)
            {
                throw new ArgumentException("The secret access key is empty.", nameof(secretAccessKey));
            }

            return new StaticKeys(new AwsCredentialSet(accessKeyId.Trim(), SecureText.Text(secretAccessKey)!, SecureText.Text(sessionToken), null));
        }

        /// <summary>A named profile of the shared config and credentials files, resolved now through AWSSDK.Core.</summary>
        public static FlowAwsCredentials FromProfile(string profileName) => SdkCredentialSources.FromProfile(profileName);

        /// <summary>The AWS SDK's default chain, resolved now: environment, shared files (AWS_PROFILE or default), web identity, SSO, container, instance metadata.</summary>
        public static FlowAwsCredentials FromDefaultChain() => SdkCredentialSources.FromDefaultChain();

        /// <summary>
        /// An <c>Amazon.Runtime.AWSCredentials</c> object, from this module's AWSSDK.Core or from another module's copy
        /// (AWS.Tools), which is then read through reflection. Temporary credentials it refreshes stay refreshed.
        /// </summary>
        public static FlowAwsCredentials FromSdkObject(object credentials) => SdkCredentialSources.FromObject(credentials);

        public override string ToString() => Source;

        private sealed class StaticKeys : FlowAwsCredentials
        {
            private readonly AwsCredentialSet _keys;

            internal StaticKeys(AwsCredentialSet keys) => _keys = keys;

            public override string Source => "access key " + _keys.AccessKeyId;

            internal override Task<AwsCredentialSet> GetAsync(CancellationToken ct) => Task.FromResult(_keys);
        }
    }

    /// <summary>A source of credentials the engine's tests (and nothing else) define; see <see cref="FlowAwsCredentials"/>.</summary>
    internal sealed class DelegateAwsCredentials : FlowAwsCredentials
    {
        private readonly Func<CancellationToken, Task<AwsCredentialSet>> _get;
        private readonly string _source;

        internal DelegateAwsCredentials(string source, Func<CancellationToken, Task<AwsCredentialSet>> get)
        {
            _source = source;
            _get = get;
        }

        public override string Source => _source;

        internal override Task<AwsCredentialSet> GetAsync(CancellationToken ct) => _get(ct);
    }
}
