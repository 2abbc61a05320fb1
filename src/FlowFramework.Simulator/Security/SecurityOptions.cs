using System.Security.Cryptography.X509Certificates;

namespace FlowFramework.Simulator.Security;

/// <summary>
/// The sign-in ways beyond basic auth: AWS SigV4 (--sigv4 REGION/SERVICE with --aws-key AKID:SECRET[:SESSION_TOKEN]),
/// client certificates (--client-ca PEM, with --tls), HS256 bearer tokens (--jwt-key SECRET or --jwt-key base64:KEY),
/// and --write-ca PATH.
/// </summary>
internal sealed class SecurityOptions
{
    /// <summary>The prefix that marks a --jwt-key value as the base64 of the key, as the security plugin's signing_key is written.</summary>
    public const string Base64KeyPrefix = "base64:";

    /// <summary>jjwt's Keys.hmacShaKeyFor, which the security plugin's KeyUtils uses, refuses HMAC keys under 256 bits.</summary>
    public const int MinimumJwtKeyBytes = 32;

    public string? SigV4Region { get; private set; }
    public string? SigV4Service { get; private set; }
    public List<AwsKey> AwsKeys { get; } = [];
    public string? ClientCaPath { get; private set; }
    public X509Certificate2Collection? ClientAuthorities { get; private set; }
    public byte[]? JwtKey { get; private set; }
    public string? WriteCaPath { get; private set; }

    public bool SigV4 => SigV4Region is not null;

    /// <summary>Handles one of this class's options; false for any other option.</summary>
    public bool TryParse(string option, Func<string> value)
    {
        switch (option)
        {
            case "--sigv4":
                {
                    var text = value();
                    var slash = text.IndexOf('/');
                    if (slash <= 0 || slash == text.Length - 1)
                    {
                        throw new ArgumentException("--sigv4 needs REGION/SERVICE, for example us-east-1/es");
                    }
                    SigV4Region = text[..slash];
                    SigV4Service = text[(slash + 1)..];
                    return true;
                }
            case "--aws-key":
                AwsKeys.Add(AwsKey.Parse(value()));
                return true;
            case "--client-ca":
                ClientCaPath = value();
                ClientAuthorities = new X509Certificate2Collection();
                ClientAuthorities.ImportFromPemFile(ClientCaPath);
                if (ClientAuthorities.Count == 0)
                {
                    throw new ArgumentException($"--client-ca {ClientCaPath} holds no PEM certificate");
                }
                return true;
            case "--jwt-key":
                JwtKey = ParseJwtKey(value());
                return true;
            case "--write-ca":
                WriteCaPath = value();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The HS256 key of --jwt-key: the UTF-8 bytes of the secret as given, or, after <c>base64:</c>, the decoded bytes
    /// (the form of the security plugin's <c>signing_key</c>). Either must be at least 32 bytes, as the plugin demands.
    /// </summary>
    public static byte[] ParseJwtKey(string text)
    {
        byte[] key;
        if (text.StartsWith(Base64KeyPrefix, StringComparison.Ordinal))
        {
            try
            {
                key = Convert.FromBase64String(text[Base64KeyPrefix.Length..]);
            }
            catch (FormatException)
            {
                throw new ArgumentException("--jwt-key base64:KEY needs valid base64 after 'base64:' (the security plugin's signing_key)");
            }
        }
        else
        {
            key = System.Text.Encoding.UTF8.GetBytes(text);
        }
        if (key.Length < MinimumJwtKeyBytes)
        {
            throw new ArgumentException($"--jwt-key needs a key of at least {MinimumJwtKeyBytes} bytes (HS256 needs 256 bits; the security plugin refuses shorter signing keys)");
        }
        return key;
    }

    /// <summary>POST /_simulator/aws/expire-tokens: every key's session token is expired from now on, as temporary keys become. Returns their key ids.</summary>
    public IReadOnlyList<string> ExpireSessionTokens()
    {
        var expired = new List<string>();
        foreach (var key in AwsKeys.Where(k => k.SessionToken is not null))
        {
            key.Expired = true;
            expired.Add(key.AccessKeyId);
        }
        return expired;
    }

    /// <summary>Checks combinations once all options are read.</summary>
    public void Validate(bool tls)
    {
        if (SigV4 && AwsKeys.Count == 0)
        {
            throw new ArgumentException("--sigv4 needs at least one --aws-key AKID:SECRET[:SESSION_TOKEN]");
        }
        if (AwsKeys.Count > 0 && !SigV4)
        {
            throw new ArgumentException("--aws-key needs --sigv4 REGION/SERVICE");
        }
        if ((ClientCaPath is not null || WriteCaPath is not null) && !tls)
        {
            throw new ArgumentException("--client-ca and --write-ca need --tls");
        }
    }
}

/// <summary>One IAM access key the simulator accepts; its session token, when it has one, must come with it.</summary>
internal sealed class AwsKey(string accessKeyId, string secretAccessKey, string? sessionToken)
{
    public string AccessKeyId { get; } = accessKeyId;
    public string SecretAccessKey { get; } = secretAccessKey;
    public string? SessionToken { get; } = sessionToken;

    /// <summary>Set by POST /_simulator/aws/expire-tokens: its session token is then "expired", as temporary keys become.</summary>
    public bool Expired { get; set; }

    public static AwsKey Parse(string text)
    {
        var parts = text.Split(':', 3);
        if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new ArgumentException("--aws-key needs AKID:SECRET[:SESSION_TOKEN]");
        }
        return new AwsKey(parts[0], parts[1], parts.Length == 3 && parts[2].Length > 0 ? parts[2] : null);
    }

    public override string ToString() => AccessKeyId;
}
