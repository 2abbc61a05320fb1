using System.Text.Json.Nodes;
using FlowFramework.Simulator.Hosting;
using FlowFramework.Simulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FlowFramework.Simulator.Security;

/// <summary>
/// Who is calling, for the sign-in ways beyond basic auth, before the request reaches any handler:
/// with --sigv4 every request must be signed (an IAM-only domain); otherwise a client certificate the TLS handshake
/// accepted (--client-ca) or an HS256 bearer token (--jwt-key) names the user, whose roles come from --user entries
/// of that name, as roles_mapping maps users. Without any of them the caller goes on to basic auth.
/// </summary>
internal sealed class SecurityGate(SimulatorOptions options, TimeProvider time)
{
    private readonly SecurityOptions _security = options.Security;
    private readonly SigV4Verifier? _sigV4 = options.Security.SigV4 ? new SigV4Verifier(options.Security, time) : null;
    private readonly JwtVerifier? _jwt = options.Security.JwtKey is { } key ? new JwtVerifier(key, time) : null;

    /// <summary>The caller's user, or the answer that stops the request; (null, null) hands over to basic auth.</summary>
    public async Task<(SimUser? User, SimResponse? Rejection)> AuthenticateAsync(HttpContext ctx)
    {
        if (_sigV4 is not null)
        {
            ctx.Request.EnableBuffering();
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            ctx.Request.Body.Position = 0;
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
            var rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString).ToString();
            var (key, rejection) = _sigV4.Verify(new SigV4Verifier.Request(ctx.Request.Method, rawTarget, headers, buffer.ToArray()));
            if (rejection is not null)
            {
                return (null, rejection);
            }
            // The IAM principal of the key; IAM lets it do everything here (the domain's access policy allows it).
            return (new SimUser($"arn:aws:iam::123456789012:user/{key!.AccessKeyId}", "", ["all_access"], []), null);
        }

        if (ctx.Connection.ClientCertificate is { } certificate)
        {
            // Kestrel's handshake already checked it against --client-ca; the user is the subject's CN (username_attribute: cn).
            var name = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
            return (MappedUser(string.IsNullOrEmpty(name) ? certificate.Subject : name), null);
        }

        var authorization = ctx.Request.Headers.Authorization.FirstOrDefault();
        if (_jwt is not null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var subject = _jwt.Verify(authorization, out _);
            if (subject is null)
            {
                var response = new SimResponse { Status = 401, Text = "", ContentType = "text/plain; charset=UTF-8" };
                response.Headers["WWW-Authenticate"] = "Bearer realm=\"OpenSearch Security\"";
                return (null, response);
            }
            return (MappedUser(subject), null);
        }

        if ((_jwt is not null || _security.ClientAuthorities is not null) && authorization is null)
        {
            // No certificate, no token, no password: the security plugin answers 401.
            var response = new SimResponse { Status = 401, Text = "Unauthorized", ContentType = "text/plain; charset=UTF-8" };
            response.Headers["WWW-Authenticate"] = "Basic realm=\"OpenSearch Security\"";
            return (null, response);
        }
        return (null, null);
    }

    /// <summary>POST /_simulator/aws/expire-tokens: every session token is now expired, as temporary keys become.</summary>
    public SimResponse ExpireAwsTokens()
    {
        var expired = new JsonArray();
        foreach (var key in _security.AwsKeys.Where(k => k.SessionToken is not null))
        {
            key.Expired = true;
            expired.Add(key.AccessKeyId);
        }
        return SimResponse.Ok(new JsonObject { ["expired"] = expired });
    }

    private SimUser MappedUser(string name) =>
        options.Users.LastOrDefault(u => u.Name == name) is { } user ? user with { Password = "" } : new SimUser(name, "", [], []);
}
