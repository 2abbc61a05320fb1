using FlowFramework.Simulator.Hosting;

namespace FlowFramework.Simulator.Tests;

/// <summary>Sign-in options that cannot work alone, or with a value the server would refuse, stop the simulator before it starts.</summary>
public sealed class SecurityOptionTests
{
    [Theory]
    [InlineData("--sigv4", "us-east-1/es")]
    [InlineData("--aws-key", "AKID:SECRET")]
    [InlineData("--client-ca", "/dev/null")]
    [InlineData("--jwt-key", "short-secret")]
    [InlineData("--write-ca", "ca.pem")]
    public void Incomplete_security_options_are_refused(string option, string value) =>
        Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse([option, value]));
}
