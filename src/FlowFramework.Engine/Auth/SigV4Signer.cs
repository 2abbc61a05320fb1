using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace FlowFramework.Engine.Auth
{
    /// <summary>
    /// AWS Signature Version 4 (header form), written from the AWS documentation: canonical request, string to sign,
    /// derived signing key, signature. Pure functions of their inputs, so the documentation's worked examples test it.
    /// </summary>
    internal static class SigV4Signer
    {
        internal const string Algorithm = "AWS4-HMAC-SHA256";
        internal const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

        /// <summary>SHA-256 of no bytes: the payload hash of every request without a body.</summary>
        internal const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        /// <summary>
        /// The Authorization header value for a request. <paramref name="path"/> is encoded once more here, so pass
        /// the path as it goes on the wire (already percent-encoded): AWS signs services other than S3 with the path
        /// encoded twice. <paramref name="rawQuery"/> is the query as sent, without '?'. Every header in
        /// <paramref name="headers"/> is signed.
        /// </summary>
        internal static SigV4Signature Sign(
            string method,
            string path,
            string? rawQuery,
            IEnumerable<KeyValuePair<string, string>> headers,
            string payloadHash,
            string accessKeyId,
            string secretAccessKey,
            string region,
            string service,
            DateTimeOffset time)
        {
            var amzDate = time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
            var date = amzDate.Substring(0, 8);
            var scope = date + "/" + region + "/" + service + "/aws4_request";
            var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
            var canonicalRequest = CanonicalRequest(method, CanonicalUri(path), CanonicalQuery(rawQuery), canonicalHeaders, signedHeaders, payloadHash);
            var stringToSign = StringToSign(amzDate, scope, canonicalRequest);
            var key = SigningKey(secretAccessKey, date, region, service);
            string signature;
            try
            {
                signature = Hex(HmacSha256(key, stringToSign));
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }

            var authorization = Algorithm + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
            return new SigV4Signature(authorization, amzDate, canonicalRequest, stringToSign);
        }

        internal static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash) =>
            method.ToUpperInvariant() + "\n" + canonicalUri + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;

        internal static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
            Algorithm + "\n" + amzDate + "\n" + scope + "\n" + Hex(Sha256(Encoding.UTF8.GetBytes(canonicalRequest)));

        /// <summary>The path with every byte outside the unreserved set percent-encoded; '/' is kept. Empty is "/".</summary>
        internal static string CanonicalUri(string path) => string.IsNullOrEmpty(path) ? "/" : Encode(path, keepSlash: true);

        /// <summary>
        /// Each name and value decoded from the query as sent, encoded again the strict RFC 3986 way (so ',' becomes
        /// %2C), sorted by name then value, joined with '&amp;'. A parameter without '=' has an empty value.
        /// </summary>
        internal static string CanonicalQuery(string? rawQuery)
        {
            if (string.IsNullOrEmpty(rawQuery))
            {
                return string.Empty;
            }

            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var part in rawQuery!.TrimStart('?').Split('&'))
            {
                if (part.Length == 0)
                {
                    continue;
                }

                var eq = part.IndexOf('=');
                var name = eq < 0 ? part : part.Substring(0, eq);
                var value = eq < 0 ? string.Empty : part.Substring(eq + 1);
                pairs.Add(new KeyValuePair<string, string>(
                    Encode(Uri.UnescapeDataString(name), keepSlash: false),
                    Encode(Uri.UnescapeDataString(value), keepSlash: false)));
            }

            return string.Join("&", pairs
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));
        }

        /// <summary>Lower-case names, sorted; values trimmed with inner runs of spaces made one; repeated names joined by ','.</summary>
        internal static (string CanonicalHeaders, string SignedHeaders) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        {
            var grouped = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var header in headers)
            {
                var name = header.Key.Trim().ToLowerInvariant();
                if (!grouped.TryGetValue(name, out var values))
                {
                    grouped[name] = values = new List<string>();
                }

                values.Add(CollapseSpaces(header.Value ?? string.Empty));
            }

            var canonical = new StringBuilder();
            foreach (var pair in grouped)
            {
                canonical.Append(pair.Key).Append(':').Append(string.Join(",", pair.Value)).Append('\n');
            }

            return (canonical.ToString(), string.Join(";", grouped.Keys));
        }

        internal static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
        {
            var secret = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
            var kDate = HmacSha256(secret, date);
            var kRegion = HmacSha256(kDate, region);
            var kService = HmacSha256(kRegion, service);
            var kSigning = HmacSha256(kService, "aws4_request");
            Array.Clear(secret, 0, secret.Length);
            Array.Clear(kDate, 0, kDate.Length);
            Array.Clear(kRegion, 0, kRegion.Length);
            Array.Clear(kService, 0, kService.Length);
            return kSigning;
        }

        internal static string PayloadHash(byte[]? body) => body is null || body.Length == 0 ? EmptyPayloadHash : Hex(Sha256(body));

        internal static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes)
            {
                sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        private static string Encode(string text, bool keepSlash)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                var c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/'))
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return sb.ToString();
        }

        private static string CollapseSpaces(string value)
        {
            var trimmed = value.Trim();
            var sb = new StringBuilder(trimmed.Length);
            var lastWasSpace = false;
            foreach (var c in trimmed)
            {
                var isSpace = c == ' ';
                if (!(isSpace && lastWasSpace))
                {
                    sb.Append(c);
                }

                lastWasSpace = isSpace;
            }

            return sb.ToString();
        }

        private static byte[] Sha256(byte[] data)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(data);
        }

        private static byte[] HmacSha256(byte[] key, string data)
        {
            using var hmac = new HMACSHA256(key);
            return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
        }
    }

    /// <summary>The result of signing; the canonical request and string to sign are kept for tests, never logged.</summary>
    internal sealed class SigV4Signature
    {
        internal SigV4Signature(string authorization, string amzDate, string canonicalRequest, string stringToSign)
        {
            Authorization = authorization;
            AmzDate = amzDate;
            CanonicalRequest = canonicalRequest;
            StringToSign = stringToSign;
        }

        internal string Authorization { get; }

        internal string AmzDate { get; }

        internal string CanonicalRequest { get; }

        internal string StringToSign { get; }

        public override string ToString() => "SigV4Signature";
    }
}
