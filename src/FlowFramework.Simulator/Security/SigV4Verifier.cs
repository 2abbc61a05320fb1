using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowFramework.Simulator.Security;

/// <summary>
/// Verifies AWS Signature Version 4 the way Amazon OpenSearch Service does: parses the Authorization header,
/// checks the credential scope (key, date, region, service), the clock (5 minutes either way), the session token,
/// rebuilds the canonical request from the raw request line (the path as received encoded once more, the query
/// decoded, re-encoded and sorted, the signed headers), and compares signatures. A refusal is the body of AWS's 403.
/// Written from the AWS SigV4 documentation; shares no code with the module's signer.
/// </summary>
internal sealed class SigV4Verifier(SecurityOptions options, TimeProvider time)
{
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);
    private const string SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public sealed record Request(string Method, string RawTarget, IReadOnlyDictionary<string, string[]> Headers, byte[] Body);

    /// <summary>The key that signed the request, or the body of the 403 AWS would answer.</summary>
    public (AwsKey? Key, JsonObject? Refusal) Verify(Request request)
    {
        var authorization = Header(request, "authorization");
        if (authorization is null)
        {
            return Reject("Missing Authentication Token");
        }
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return Reject($"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=[{Truncate(authorization)}]");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var piece in authorization["AWS4-HMAC-SHA256 ".Length..].Split(','))
        {
            var eq = piece.IndexOf('=');
            if (eq > 0)
            {
                fields[piece[..eq].Trim()] = piece[(eq + 1)..].Trim();
            }
        }
        var missing = new[] { "Credential", "SignedHeaders", "Signature" }.Where(f => !fields.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            return Reject(string.Concat(missing.Select(f => $"Authorization header requires '{f}' parameter. ")).TrimEnd());
        }

        var scope = fields["Credential"].Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return Reject($"Credential should be scoped to a valid region. ");
        }
        var (keyId, scopeDate, scopeRegion, scopeService) = (scope[0], scope[1], scope[2], scope[3]);
        var key = options.AwsKeys.FirstOrDefault(k => k.AccessKeyId == keyId);
        if (key is null)
        {
            return Reject("The security token included in the request is invalid.");
        }
        if (scopeRegion != options.SigV4Region)
        {
            return Reject("Credential should be scoped to a valid region. ");
        }
        if (scopeService != options.SigV4Service)
        {
            return Reject($"Credential should be scoped to correct service: '{options.SigV4Service}'. ");
        }

        var token = Header(request, "x-amz-security-token");
        if (key.SessionToken is not null || token is not null)
        {
            if (token is null || key.SessionToken is null || !FixedTimeEquals(token, key.SessionToken))
            {
                return Reject("The security token included in the request is invalid.");
            }
            if (key.Expired)
            {
                return Reject("The security token included in the request is expired");
            }
        }

        var amzDate = Header(request, "x-amz-date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return Reject("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=[" + Truncate(authorization) + "]");
        }
        if (scopeDate != amzDate[..8])
        {
            return Reject($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (signedAt < now - AllowedSkew)
        {
            return Reject($"Signature expired: {amzDate} is now earlier than {Stamp(now - AllowedSkew)} ({Stamp(now)} - 5 min.)");
        }
        if (signedAt > now + AllowedSkew)
        {
            return Reject($"Signature not yet current: {amzDate} is still later than {Stamp(now + AllowedSkew)} ({Stamp(now)} + 5 min.)");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(request.Body));
        var declaredHash = Header(request, "x-amz-content-sha256");
        if (options.SigV4Service == "aoss" && declaredHash is null)
        {
            // Serverless rejects requests without the payload hash header (x-aoss-response-hint: X01:gw-helper-deny).
            return (null, new JsonObject
            {
                ["status"] = 403,
                ["request-id"] = Guid.NewGuid().ToString(),
                ["error"] = new JsonObject { ["reason"] = "403 Forbidden", ["type"] = "Forbidden" },
            });
        }
        if (declaredHash is not null && declaredHash != "UNSIGNED-PAYLOAD" && declaredHash != bodyHash)
        {
            return Reject("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var signedHeaders = fields["SignedHeaders"].Split(';');
        if (!signedHeaders.Contains("host"))
        {
            return Reject(SignatureMismatch);
        }
        var canonical = CanonicalRequest(request, signedHeaders, declaredHash ?? bodyHash);
        var stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + string.Join('/', scopeDate, scopeRegion, scopeService, "aws4_request") + "\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var signingKey = Encoding.UTF8.GetBytes("AWS4" + key.SecretAccessKey);
        foreach (var part in new[] { scopeDate, scopeRegion, scopeService, "aws4_request" })
        {
            signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(part));
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        if (!FixedTimeEquals(expected, fields["Signature"]))
        {
            // Like AWS, the answer shows what was expected (this text never goes into the simulator's log).
            return Reject(SignatureMismatch + "\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        return (key, null);
    }

    private static string CanonicalRequest(Request request, string[] signedHeaders, string payloadHash)
    {
        var target = request.RawTarget;
        var q = target.IndexOf('?');
        var rawPath = q < 0 ? target : target[..q];
        var rawQuery = q < 0 ? "" : target[(q + 1)..];

        var sb = new StringBuilder();
        sb.Append(request.Method.ToUpperInvariant()).Append('\n');
        sb.Append(rawPath.Length == 0 ? "/" : Escape(rawPath, keepSlash: true)).Append('\n');
        var parameters = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=');
                var name = Uri.UnescapeDataString(eq < 0 ? p : p[..eq]);
                var value = Uri.UnescapeDataString(eq < 0 ? "" : p[(eq + 1)..]);
                return (Name: Escape(name, keepSlash: false), Value: Escape(value, keepSlash: false));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value);
        sb.Append(string.Join('&', parameters)).Append('\n');
        foreach (var name in signedHeaders)
        {
            var values = request.Headers.TryGetValue(name, out var v) ? v : [];
            sb.Append(name).Append(':').Append(string.Join(',', values.Select(Normalize))).Append('\n');
        }
        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    private static string Normalize(string value) => System.Text.RegularExpressions.Regex.Replace(value.Trim(), " {2,}", " ");

    private static string Escape(string text, bool keepSlash)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var unreserved = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';
            if (unreserved || (keepSlash && b == (byte)'/'))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }
        return sb.ToString();
    }

    private static string? Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Length > 0 ? string.Join(',', values) : null;

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Stamp(DateTime t) => t.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Truncate(string authorization)
    {
        // Never echo a signature back: keep the scheme and credential scope only.
        var sig = authorization.IndexOf("Signature=", StringComparison.Ordinal);
        return sig < 0 ? authorization : authorization[..sig] + "Signature=...";
    }

    private static (AwsKey?, JsonObject?) Reject(string message) => (null, new JsonObject { ["message"] = message });
}
