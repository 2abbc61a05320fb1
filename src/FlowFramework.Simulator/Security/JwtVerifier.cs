using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Security;

/// <summary>
/// The security plugin's jwt authentication domain for HS256: "Bearer " is found case-insensitively, the HMAC key is
/// the signing key (<see cref="SecurityOptions.ParseJwtKey"/>), exp and nbf are checked with 30 s of clock skew
/// (jwt_clock_skew_tolerance_seconds), and the user is the <c>sub</c> claim. Anything else is a 401, as the plugin answers.
/// </summary>
internal sealed class JwtVerifier(byte[] key, TimeProvider time)
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    /// <summary>The subject of a valid token, else null with the reason (for the simulator's own tests; never logged).</summary>
    public string? Verify(string authorization, out string reason)
    {
        var at = authorization.IndexOf("bearer ", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            reason = "no Bearer scheme";
            return null;
        }
        var parts = authorization[(at + 7)..].Trim().Split('.');
        if (parts.Length != 3)
        {
            reason = "not a compact JWS";
            return null;
        }
        try
        {
            var header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject;
            if (header?["alg"]?.GetValue<string>() != "HS256")
            {
                reason = "algorithm is not HS256";
                return null;
            }
            var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[2])))
            {
                reason = "signature does not verify";
                return null;
            }
            var claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
            var now = time.GetUtcNow();
            if (claims?["exp"] is JsonValue exp && DateTimeOffset.FromUnixTimeSeconds((long)exp.GetValue<double>()) + Skew < now)
            {
                reason = "expired";
                return null;
            }
            if (claims?["nbf"] is JsonValue nbf && DateTimeOffset.FromUnixTimeSeconds((long)nbf.GetValue<double>()) - Skew > now)
            {
                reason = "not yet valid";
                return null;
            }
            var subject = claims?["sub"] is JsonValue sub ? sub.ToString() : null;
            reason = subject is null ? "no sub claim" : "";
            return string.IsNullOrEmpty(subject) ? null : subject;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            reason = "malformed";
            return null;
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("bad base64url length") };
        return Convert.FromBase64String(s);
    }
}
