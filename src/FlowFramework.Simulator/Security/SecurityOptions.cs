using System.Security.Cryptography.X509Certificates;

namespace FlowFramework.Simulator.Security;

/// <summary>
/// The sign-in ways beyond basic auth: AWS SigV4 (--sigv4 REGION/SERVICE with --aws-key AKID:SECRET[:SESSION_TOKEN]),
/// client certificates (--client-ca PEM, with --tls), HS256 bearer tokens (--jwt-key BASE64), and --write-ca PATH.
/// </summary>
public sealed class SecurityOptions
{
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
                {
                    // As the security plugin's jwt signing_key: the base64 of the HMAC key, at least 256 bits for HS256.
                    var text = value();
                    byte[] key;
                    try
                    {
                        key = Convert.FromBase64String(text);
                    }
                    catch (FormatException)
                    {
                        throw new ArgumentException("--jwt-key needs the base64 of the HMAC key (the security plugin's signing_key)");
                    }
                    if (key.Length < 32)
                    {
                        throw new ArgumentException("--jwt-key must decode to at least 32 bytes (HS256 needs a 256-bit key)");
                    }
                    JwtKey = key;
                    return true;
                }
            case "--write-ca":
                WriteCaPath = value();
                return true;
            default:
                return false;
        }
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
public sealed class AwsKey(string accessKeyId, string secretAccessKey, string? sessionToken)
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
