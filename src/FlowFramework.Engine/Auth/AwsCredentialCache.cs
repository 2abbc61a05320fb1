using System;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// Holds the keys a connection signs with and asks the source again when temporary keys are within
    /// <see cref="RefreshBefore"/> of their expiry, so a long run never signs with expired keys.
    /// </summary>
    internal sealed class AwsCredentialCache
    {
        internal static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

        private readonly FlowAwsCredentials _source;
        private readonly TimeProvider _time;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private AwsCredentialSet? _current;

        internal AwsCredentialCache(FlowAwsCredentials source, TimeProvider time)
        {
            _source = source;
            _time = time;
        }

        internal string Source => _source.Source;

        internal async Task<AwsCredentialSet> GetAsync(CancellationToken ct)
        {
            var current = Volatile.Read(ref _current);
            if (current is not null && !NeedsRefresh(current))
            {
                return current;
            }

            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                current = _current;
                if (current is not null && !NeedsRefresh(current))
                {
                    return current;
                }

                try
                {
                    var fresh = await _source.GetAsync(ct).ConfigureAwait(false);
                    Volatile.Write(ref _current, fresh);
                    return fresh;
                }
                catch (Exception) when (current is not null && !IsExpired(current) && !ct.IsCancellationRequested)
                {
                    // The refresh failed but the keys in hand still work: use them, and try again on the next request.
                    return current;
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        private bool NeedsRefresh(AwsCredentialSet keys) => keys.Expiration is DateTimeOffset expiry && _time.GetUtcNow() >= expiry - RefreshBefore;

        private bool IsExpired(AwsCredentialSet keys) => keys.Expiration is DateTimeOffset expiry && _time.GetUtcNow() >= expiry;
    }
}
