<#
.SYNOPSIS
Benchmarks that print numbers (never assertions): the simulator's GET _status throughput, and Invoke-FlowDeprovision
against the baseline a user would otherwise script (call _deprovision, sleep a fixed time, call again).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $SimulatorDll,
    [int] $Workflows = 12,
    [int] $StatusSeconds = 5,
    [int] $StatusClients = 8
)
$ErrorActionPreference = 'Stop'
$env:FLOW_TEST_SIMULATOR = $SimulatorDll
$env:FLOW_TEST_REPO_ROOT = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $PSScriptRoot '../tests/pester/FlowTestHelpers.psm1') -Force
Import-Module $ModuleManifest -Force
. (Join-Path $PSScriptRoot 'Baseline-Deprovision.ps1')

$template = Get-Content -Raw (Join-Path $PSScriptRoot 'bench-template.json') | ConvertFrom-Json -AsHashtable

function New-Workflows($sim, [int] $count) {
    1..$count | ForEach-Object -ThrottleLimit 8 -Parallel {
        Import-Module (Join-Path $using:PSScriptRoot '../tests/pester/FlowTestHelpers.psm1')
        New-ProvisionedWorkflow -Simulator $using:sim -Template $using:template
    }
}

function Measure-Requests($sim) { @(Get-SimulatorRequests -Simulator $sim).Count }

# 1. Simulator throughput for GET _status.
$sim = Start-FlowSimulator
try {
    $id = @(New-Workflows $sim 1)[0]
    $url = "$($sim.Url)/_plugins/_flow_framework/workflow/$id/_status"
    $deadline = [DateTime]::UtcNow.AddSeconds($StatusSeconds)
    $counts = 1..$StatusClients | ForEach-Object -ThrottleLimit $StatusClients -Parallel {
        $client = [System.Net.Http.HttpClient]::new()
        $n = 0
        while ([DateTime]::UtcNow -lt $using:deadline) {
            $response = $client.GetAsync($using:url).GetAwaiter().GetResult()
            $null = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
            if ([int]$response.StatusCode -eq 200) { $n++ }
        }
        $client.Dispose()
        $n
    }
    $total = ($counts | Measure-Object -Sum).Sum
    Write-Host ('simulator GET _status: {0:N0} requests in {1} s with {2} keep-alive clients = {3:N0} requests/s' -f $total, $StatusSeconds, $StatusClients, ($total / $StatusSeconds))
}
finally { $sim | Stop-FlowSimulator }

# 2. Deprovisioning $Workflows workflows whose first deprovision hits a deployed model (undeploy lag), real server pauses.
$simArgs = @('--undeploy-lag-ms', '1500')
foreach ($variant in 'baseline (sequential, fixed 10 s re-call)', 'Invoke-FlowDeprovision -ThrottleLimit 1', 'Invoke-FlowDeprovision -ThrottleLimit 4') {
    $sim = Start-FlowSimulator -ArgumentList $simArgs
    try {
        $ids = @(New-Workflows $sim $Workflows)
        $null = Invoke-Simulator -Simulator $sim -Method DELETE -Path '/_simulator/requests'
        [GC]::Collect()
        $before = [System.Diagnostics.Process]::GetCurrentProcess().WorkingSet64
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        switch -Wildcard ($variant) {
            'baseline*' { $left = $ids | ForEach-Object { Invoke-BaselineDeprovision -BaseUrl $sim.Url -WorkflowId $_ } | Where-Object { $_ } }
            '*-ThrottleLimit 1' { $left = $ids | Invoke-FlowDeprovision -Connection (Connect-FlowCluster $sim.Url -PassThru -InformationAction Ignore) -Force -ThrottleLimit 1 }
            '*-ThrottleLimit 4' { $left = $ids | Invoke-FlowDeprovision -Connection (Connect-FlowCluster $sim.Url -PassThru -InformationAction Ignore) -Force -ThrottleLimit 4 }
        }
        $watch.Stop()
        $after = [System.Diagnostics.Process]::GetCurrentProcess()
        $requests = Measure-Requests $sim
        Write-Host ('{0,-44} {1,3} workflows: {2,7:N1} s wall, {3,5} requests, {4} left, working set +{5:N1} MiB (peak {6:N0} MiB)' -f `
            $variant, $ids.Count, $watch.Elapsed.TotalSeconds, $requests, @($left).Count, (($after.WorkingSet64 - $before) / 1MB), ($after.PeakWorkingSet64 / 1MB))
    }
    finally { $sim | Stop-FlowSimulator }
}
