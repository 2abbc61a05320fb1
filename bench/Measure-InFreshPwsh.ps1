<#
.SYNOPSIS
One measured scenario of the benchmark, run by Invoke-Bench.ps1 in a fresh pwsh so that its memory figures are its own.
Writes one JSON object to -ResultFile: wall seconds, what was left, and memory (peak working set of this process, its
working set before the measured part, managed bytes allocated during it, managed heap kept after it).

Scenarios:
  ModuleBulk   Invoke-FlowDeprovision of the ids in -IdsFile (-ThrottleLimit when given, else the default)
  ScriptBulk   the sequential Invoke-RestMethod script with a 1 s re-send loop over the same kind of ids
  StatusLarge  Get-FlowWorkflowStatus of -WorkflowId (a workflow with many resources)
  WhatIfLarge  Invoke-FlowDeprovision -WhatIf of -WorkflowId (one ShouldProcess message per step)
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][ValidateSet('ModuleBulk', 'ScriptBulk', 'StatusLarge', 'WhatIfLarge')][string] $Scenario,
    [Parameter(Mandatory)][string] $Url,
    [Parameter(Mandatory)][string] $ResultFile,
    [string] $ModuleManifest,
    [string] $IdsFile,
    [string] $WorkflowId,
    [string] $WarmupWorkflowId,
    [int] $ThrottleLimit,
    [int] $Offset,
    [string[]] $AllowDelete = @()
)
$ErrorActionPreference = 'Stop'
$AllowDelete = @($AllowDelete | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$process = [System.Diagnostics.Process]::GetCurrentProcess()

if ($Scenario -eq 'ScriptBulk') {
    . (Join-Path $PSScriptRoot 'Baseline-Deprovision.ps1')
}
else {
    Import-Module $ModuleManifest
    $connection = Connect-FlowCluster $Url -PassThru -InformationAction Ignore
}

$ids = if ($IdsFile) { @(Get-Content -LiteralPath $IdsFile | Where-Object { $_ }) } else { @() }
if ($WarmupWorkflowId) {
    # The first cmdlet call of a process pays for loading and compiling; the measured call is the second.
    $null = Get-FlowWorkflowStatus -WorkflowId $WarmupWorkflowId -Connection $connection
}

[GC]::Collect()
[GC]::WaitForPendingFinalizers()
$process.Refresh()
$workingSetBefore = $process.WorkingSet64
$heapBefore = [GC]::GetTotalMemory($true)
$allocatedBefore = [GC]::GetTotalAllocatedBytes($true)
$watch = [System.Diagnostics.Stopwatch]::StartNew()
switch ($Scenario) {
    'ModuleBulk' {
        $params = @{ Connection = $connection; Force = $true; AllowDelete = $AllowDelete; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
        if ($ThrottleLimit) { $params.ThrottleLimit = $ThrottleLimit }
        $kept = @($ids | Invoke-FlowDeprovision @params)
        $left = $kept.Count
    }
    'ScriptBulk' {
        # The script knows its own template: copy n of bulk-template.json named its pipeline and index with n.
        $kept = @(for ($n = 0; $n -lt $ids.Count; $n++) {
                $number = $Offset + $n
                Invoke-ResendLoop -BaseUrl $Url -WorkflowId $ids[$n] -IntervalSeconds 1 -AllowDelete @("bench-pipeline-$number", "bench-index-$number")
            })
        $left = $kept.Count
    }
    'StatusLarge' {
        $kept = Get-FlowWorkflowStatus -WorkflowId $WorkflowId -Connection $connection
        $left = $kept.Resources.Count
    }
    'WhatIfLarge' {
        $kept = @(Invoke-FlowDeprovision -WorkflowId $WorkflowId -Connection $connection -AllowDelete $AllowDelete -WhatIf)
        $left = $kept.Count
    }
}
$watch.Stop()
$allocated = [GC]::GetTotalAllocatedBytes($true) - $allocatedBefore
$heapAfter = [GC]::GetTotalMemory($true)
$process.Refresh()
[ordered]@{
    scenario                = $Scenario
    wall_s                  = [math]::Round($watch.Elapsed.TotalSeconds, 3)
    items                   = $left
    peak_working_set_mib    = [math]::Round($process.PeakWorkingSet64 / 1MB, 1)
    working_set_before_mib  = [math]::Round($workingSetBefore / 1MB, 1)
    allocated_mib           = [math]::Round($allocated / 1MB, 1)
    heap_kept_mib           = [math]::Round(($heapAfter - $heapBefore) / 1MB, 1)
} | ConvertTo-Json -Compress | Set-Content -LiteralPath $ResultFile
# Keep the result alive until the heap was measured.
$null = $kept
