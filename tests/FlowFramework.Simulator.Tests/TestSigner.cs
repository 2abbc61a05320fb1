using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlowFramework.Simulator.Tests;

/// <summary>A small SigV4 signer for these tests only (the simulator and the module each have their own).</summary>
internal static class TestSigner
{
    public static HttpRequestMessage Sign(HttpMethod method, Uri uri, string key, string secret, string? token, string region, string service, bool contentHashHeader = true)
    {
        var request = new HttpRequestMessage(method, uri);
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var hash = Convert.ToHexStringLower(SHA256.HashData([]));
        var host = uri.Authority;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-date"] = amzDate };
        if (contentHashHeader) { headers["x-amz-content-sha256"] = hash; }
        if (token is not null) { headers["x-amz-security-token"] = token; }
        static string Enc(string s) => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => char.IsAsciiLetterOrDigit((char)b) || "-._~".Contains((char)b) ? ((char)b).ToString() : $"%{b:X2}"));
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => Enc(Uri.UnescapeDataString(p[0])) + "=" + Enc(Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")))
            .Order(StringComparer.Ordinal);
        var path = string.Join('/', uri.AbsolutePath.Split('/').Select(Enc));
        var canonical = $"{method.Method}\n{path}\n{string.Join('&', query)}\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{string.Join(';', headers.Keys)}\n{hash}";
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var k = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { amzDate[..8], region, service, "aws4_request" }) { k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(part)); }
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.Host = host;
        foreach (var (name, value) in headers.Where(h => h.Key != "host")) { request.Headers.TryAddWithoutValidation(name, value); }
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={string.Join(';', headers.Keys)}, Signature={signature}");
        return request;
    }
}
