using FlowFramework.Simulator.Hosting;

SimulatorOptions options;
try
{
    options = SimulatorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"FlowFramework.Simulator: {ex.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});

await using var server = await SimulatorServer.StartAsync(options);
if (server.CertificateThumbprint is { } thumbprint)
{
    Console.Out.WriteLine($"TLS certificate SHA-256 thumbprint: {thumbprint}");
}
Console.Out.WriteLine($"FlowFramework.Simulator listening on {server.BaseAddress.ToString().TrimEnd('/')}");
Console.Out.Flush();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
return 0;
