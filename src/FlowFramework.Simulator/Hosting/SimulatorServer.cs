using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowFramework.Simulator.Control;
using FlowFramework.Simulator.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowFramework.Simulator.Hosting;

/// <summary>The simulator as a Kestrel server; used by Program and, in process, by tests.</summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Action _stopNode;

    private SimulatorServer(WebApplication app, Action stopNode, Uri baseAddress, string? thumbprint)
    {
        _app = app;
        _stopNode = stopNode;
        BaseAddress = baseAddress;
        CertificateThumbprint = thumbprint;
    }

    public Uri BaseAddress { get; }

    /// <summary>SHA-256 thumbprint (hex) of the generated certificate with --tls, else null.</summary>
    public string? CertificateThumbprint { get; }

    public static Task<SimulatorServer> StartAsync(string[] args, CancellationToken ct = default)
        => StartAsync(SimulatorOptions.Parse(args), ct);

    internal static async Task<SimulatorServer> StartAsync(SimulatorOptions options, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (options.LogLevel is { } level && Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed))
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(parsed);
        }
        var (host, port) = ResolveEndpoint(options);
        X509Certificate2? certificate = options.Tls ? SimulatorTls.ServerCertificate(options.Security) : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 100 * 1024 * 1024;
            var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
            k.Listen(address, port, listen =>
            {
                if (certificate is not null) { listen.UseHttps(https => SimulatorTls.Configure(https, certificate, options.Security)); }
            });
        });
        var app = builder.Build();
        var gates = new Gates();
        var node = new SimulatorNode(options, gates);
        var layer = new SimulatorLayer(node, gates, options.Faults, options.Seed);
        app.Run(layer.HandleAsync);
        await app.StartAsync(ct);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        var baseAddress = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{uri.Port}");
        void StopNode()
        {
            gates.Release(null, null);
            node.Stop();
        }
        return new SimulatorServer(app, StopNode, baseAddress, certificate is null ? null : Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)));
    }

    private static (string Host, int Port) ResolveEndpoint(SimulatorOptions options)
    {
        if (options.Urls is { } urls)
        {
            var first = new Uri(urls.Split(';')[0]);
            if (first.Scheme == "https") { options.Tls = true; }
            return (first.Host, first.Port);
        }
        return ("127.0.0.1", options.Port ?? 9200);
    }

    public async ValueTask DisposeAsync()
    {
        // Requests held in the node (a hung deprovision pool, a gate) end as on a node shutdown, so Kestrel need not
        // wait for them.
        _stopNode();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
