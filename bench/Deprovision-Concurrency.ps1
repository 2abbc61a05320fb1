<#
.SYNOPSIS
Issue 8's figure: deprovisioning many workflows at the default -ThrottleLimit (2) and at the connection's cap (the
server's deprovision pool max - 1 = 3 on a 2-processor node), against the simulator with the real server's pauses.
Prints, per run: wall time, requests, deprovision requests, the most deprovisions in flight (from the simulator's
request log) and what was left. Numbers only, no assertions.

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Package
dotnet pwsh -NoProfile ./bench/Deprovision-Concurrency.ps1 -Workflows 24
#>
[CmdletBinding()]
param(
    [string] $ModuleManifest = (Join-Path $PSScriptRoot '../out/FlowFramework/0.1.0/FlowFramework.psd1'),
    [string] $SimulatorDll = (Join-Path $PSScriptRoot '../src/FlowFramework.Simulator/bin/Release/net10.0/FlowFramework.Simulator.dll'),
    [int] $Workflows = 24,
    # The server's own pauses: 100 ms after each deleted resource, 1 s after a pass with progress.
    [string[]] $SimulatorArguments = @('--step-pause-ms', '100', '--pass-pause-ms', '1000')
)
$ErrorActionPreference = 'Stop'
$env:FLOW_TEST_SIMULATOR = (Resolve-Path -LiteralPath $SimulatorDll).ProviderPath
$env:FLOW_TEST_REPO_ROOT = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
Import-Module (Join-Path $PSScriptRoot '../tests/pester/FlowTestHelpers.psm1') -Force
Import-Module (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath -Force

$runs = @(
    @{ Name = 'default (-ThrottleLimit 2)'; Parameters = @{} }
    @{ Name = 'at the cap (-ThrottleLimit 3)'; Parameters = @{ ThrottleLimit = 3 } }
    @{ Name = 'asking for 16 (runs at the cap)'; Parameters = @{ ThrottleLimit = 16 } }
)
foreach ($run in $runs) {
    $sim = Start-FlowSimulator -ArgumentList $SimulatorArguments
    try {
        $ids = 1..$Workflows | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module (Join-Path $using:PSScriptRoot '../tests/pester/FlowTestHelpers.psm1')
            New-ProvisionedWorkflow -Simulator $using:sim -Template (New-FlowTestTemplate -Suffix "bench$_")
        }
        $conn = Connect-FlowCluster -Uri $sim.Url -PassThru -InformationAction Ignore
        $null = Invoke-Simulator -Simulator $sim -Method DELETE -Path '/_simulator/requests'
        $parameters = $run.Parameters
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $output = $ids | Invoke-FlowDeprovision -Connection $conn -AllowDelete * -Force -PassThru -WarningAction SilentlyContinue @parameters
        $watch.Stop()
        $log = @(Get-SimulatorRequests -Simulator $sim)
        $deprovisions = @($log | Where-Object { $_.path -like '*/_deprovision' })
        $results = @($output | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] })
        $left = @($output | Where-Object { $_ -is [FlowFramework.FlowResource] })
        '{0,-34} {1,3} workflows: {2,6:N1} s wall, {3,4} requests, {4,3} deprovisions, at most {5} in flight, {6} Deprovisioned, {7} left' -f `
            $run.Name, $ids.Count, $watch.Elapsed.TotalSeconds, $log.Count, $deprovisions.Count, (Get-MaxInFlight -Requests $deprovisions),
            @($results | Where-Object Status -EQ 'Deprovisioned').Count, $left.Count
    }
    finally { $sim | Stop-FlowSimulator }
}
