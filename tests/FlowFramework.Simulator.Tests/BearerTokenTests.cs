using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Tests;

/// <summary>--jwt-key: HS256 bearer tokens sign in as their subject, as the security plugin's jwt auth domain does.</summary>
public sealed class BearerTokenTests
{
    private const string Secret = "a-shared-secret-of-at-least-32-bytes!";

    [Fact]
    public async Task Tokens_signed_with_the_utf8_bytes_of_the_secret_sign_in_as_their_subject()
    {
        var key = Encoding.UTF8.GetBytes(Secret);
        await using var sim = await Sim.StartAsync("--jwt-key", Secret, "--user", "alice:pw:flow_framework_full_access");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(200, await StatusWithToken(sim, Jwt(key, "alice", now + 600)));
        Assert.Equal(403, await StatusWithToken(sim, Jwt(key, "mallory", now + 600)));   // authenticated, no roles
        Assert.Equal(401, await StatusWithToken(sim, Jwt(key, "alice", now - 120)));     // expired beyond the 30 s skew
        Assert.Equal(401, await StatusWithToken(sim, Jwt(RandomNumberGenerator.GetBytes(32), "alice", now + 600)));
        Assert.Equal(200, (await sim.GetAsync("/", user: "alice:pw")).Status);
        Assert.Equal(401, (await sim.GetAsync("/")).Status);
    }

    [Fact]
    public async Task A_base64_prefixed_key_is_the_decoded_bytes_as_the_security_plugins_signing_key()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var value = "base64:" + Convert.ToBase64String(key);
        await using var sim = await Sim.StartAsync("--jwt-key", value, "--user", "alice:pw:all_access");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(200, await StatusWithToken(sim, Jwt(key, "alice", now + 600)));
        Assert.Equal(401, await StatusWithToken(sim, Jwt(Encoding.UTF8.GetBytes(value), "alice", now + 600)));
    }

    [Fact]
    public void The_secret_is_taken_as_utf8_bytes_and_only_a_base64_prefix_is_decoded()
    {
        var wide = new string('\u00fc', 16);   // 16 characters, 32 UTF-8 bytes
        var base64Looking = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        Assert.Equal(Encoding.UTF8.GetBytes(wide), SecurityOptions.ParseJwtKey(wide));
        Assert.Equal(Encoding.UTF8.GetBytes(base64Looking), SecurityOptions.ParseJwtKey(base64Looking));
        Assert.Equal(Convert.FromBase64String(base64Looking), SecurityOptions.ParseJwtKey("base64:" + base64Looking));
    }

    [Theory]
    [InlineData("short-secret")]                 // 12 bytes
    [InlineData("0123456789abcdef0123456789abcde")] // 31 bytes
    [InlineData("base64:c2hvcnQ=")]              // 5 bytes once decoded
    [InlineData("base64:not base64!")]
    public void Keys_under_256_bits_or_bad_base64_are_refused(string value) =>
        Assert.Throws<ArgumentException>(() => SecurityOptions.ParseJwtKey(value));

    private static async Task<int> StatusWithToken(Sim sim, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await sim.Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string Jwt(byte[] key, string subject, long expires)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var head = B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray());
        var body = B64(Encoding.UTF8.GetBytes($"{{\"sub\":\"{subject}\",\"exp\":{expires}}}"));
        return head + "." + body + "." + B64(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(head + "." + body)));
    }
}
