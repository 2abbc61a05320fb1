# Runs the simulator as its own process for the demo, the bench and the Pester suite: start it on a free loopback
# port, wait for its ready line, keep its output drained, and stop it.
Set-StrictMode -Version 3

function Start-FlowSimulator {
    <#
    .SYNOPSIS
    Starts the simulator as its own process on a free loopback port and returns once it says it is listening.
    #>
    [CmdletBinding()]
    param([string[]] $ArgumentList = @(), [int] $TimeoutSec = 60, [string] $SimulatorDll = $env:FLOW_TEST_SIMULATOR)
    if (-not $SimulatorDll) { throw 'Start-FlowSimulator: pass -SimulatorDll (or set $env:FLOW_TEST_SIMULATOR) to the built FlowFramework.Simulator.dll.' }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add((Resolve-Path -LiteralPath $SimulatorDll).ProviderPath)
    foreach ($a in @('--port', '0') + $ArgumentList) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $errors = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $lines = [System.Collections.Generic.List[string]]::new()
    $ready = $false
    try {
        $read = $null
        while ([DateTime]::UtcNow -lt $deadline) {
            # One read at a time: a read still pending after a second (a busy machine) is waited on again, never doubled.
            if ($null -eq $read) { $read = $process.StandardOutput.ReadLineAsync() }
            if (-not $read.Wait([TimeSpan]::FromSeconds(1))) { continue }
            $line = $read.Result
            $read = $null
            if ($null -eq $line) { break }
            $lines.Add($line)
            if ($line -match 'listening on (https?://\S+)') {
                $url = $Matches[1]
                # Keep draining stdout so the simulator never blocks on a full pipe.
                $null = $process.StandardOutput.ReadToEndAsync()
                $ready = $true
                return [pscustomobject]@{ Url = $url; Process = $process; Output = $lines }
            }
        }
        throw "The simulator did not start within $TimeoutSec s: $($lines -join "`n") $(if ($errors.IsCompleted) { $errors.Result })"
    }
    finally {
        # Also on Ctrl+C while waiting: a simulator that is not handed back is never left running.
        if (-not $ready) { try { $process.Kill($true) } catch { } }
    }
}

function Stop-FlowSimulator {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Simulator)
    process {
        if ($Simulator -and -not $Simulator.Process.HasExited) {
            $Simulator.Process.Kill($true)
            $null = $Simulator.Process.WaitForExit(10000)
        }
    }
}

Export-ModuleMember -Function Start-FlowSimulator, Stop-FlowSimulator
