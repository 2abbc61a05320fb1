using System.Security.Cryptography.X509Certificates;
using System.Text;
using FlowFramework.Simulator.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FlowFramework.Simulator.Http;

/// <summary>Who a request comes from, or the answer that refuses it before any handler runs.</summary>
internal sealed record Caller(SimUser? User, SimResponse? Refusal)
{
    public static Caller Anonymous { get; } = new(null, null);

    public static Caller As(SimUser user) => new(user, null);

    public static Caller Refused(SimResponse answer) => new(null, answer);
}

/// <summary>
/// The node's authentication, in the order a request meets it: with --sigv4 the AWS front of an IAM-only domain
/// checks every request's signature; otherwise the security plugin's auth domains: a client certificate the TLS
/// handshake accepted (--client-ca), an HS256 bearer token (--jwt-key), then basic auth (--user). Users signed in by
/// certificate or token take their roles from the --user entry of that name, as roles_mapping maps users.
/// </summary>
internal sealed class Authenticator
{
    private readonly Dictionary<string, SimUser> _users;
    private readonly SecurityOptions _security;
    private readonly SigV4Verifier? _sigV4;
    private readonly JwtVerifier? _jwt;

    public Authenticator(IEnumerable<SimUser> users, SecurityOptions security, TimeProvider time)
    {
        _users = users.GroupBy(u => u.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _security = security;
        _sigV4 = security.SigV4 ? new SigV4Verifier(security, time) : null;
        _jwt = security.JwtKey is { } key ? new JwtVerifier(key, time) : null;
    }

    public async Task<Caller> AuthenticateAsync(HttpContext ctx)
    {
        if (_sigV4 is not null)
        {
            return await SigV4Async(_sigV4, ctx);
        }

        if (ctx.Connection.ClientCertificate is { } certificate)
        {
            // Kestrel's handshake already checked it against --client-ca; the user is the subject's CN (username_attribute: cn).
            var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
            return Caller.As(Mapped(string.IsNullOrEmpty(name) ? certificate.Subject : name));
        }

        var authorization = ctx.Request.Headers.Authorization.FirstOrDefault();
        if (_jwt is not null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return _jwt.Verify(authorization, out _) is { } subject
                ? Caller.As(Mapped(subject))
                : Caller.Refused(Unauthorized("", "Bearer"));
        }

        if ((_jwt is not null || _security.ClientAuthorities is not null) && authorization is null)
        {
            // No certificate, no token, no password: the security plugin answers 401.
            return Caller.Refused(Unauthorized("Unauthorized", "Basic"));
        }

        return Basic(authorization);
    }

    private static async Task<Caller> SigV4Async(SigV4Verifier verifier, HttpContext ctx)
    {
        ctx.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        ctx.Request.Body.Position = 0;
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
        var rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString).ToString();
        var (key, refusal) = verifier.Verify(new SigV4Verifier.Request(ctx.Request.Method, rawTarget, headers, buffer.ToArray()));
        return refusal is not null
            ? Caller.Refused(SimResponse.With(403, refusal))
            // The IAM principal of the key; IAM lets it do everything here (the domain's access policy allows it).
            : Caller.As(new SimUser($"arn:aws:iam::123456789012:user/{key!.AccessKeyId}", "", ["all_access"], []));
    }

    private Caller Basic(string? header)
    {
        if (_users.Count == 0)
        {
            return Caller.Anonymous;
        }
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0 && _users.TryGetValue(decoded[..colon], out var user) && user.Password == decoded[(colon + 1)..])
                {
                    return Caller.As(user);
                }
            }
            catch (FormatException)
            {
            }
        }
        return Caller.Refused(Unauthorized("Unauthorized", "Basic"));
    }

    private SimUser Mapped(string name) =>
        _users.TryGetValue(name, out var user) ? user with { Password = "" } : new SimUser(name, "", [], []);

    private static SimResponse Unauthorized(string text, string scheme)
    {
        var response = new SimResponse { Status = 401, Text = text, ContentType = "text/plain; charset=UTF-8" };
        response.Headers["WWW-Authenticate"] = $"{scheme} realm=\"OpenSearch Security\"";
        return response;
    }
}
