<#
.SYNOPSIS
Runs the Pester suite in this (fresh) pwsh against the packaged module and writes the counts for build.ps1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $PesterModule,
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $SimulatorDll,
    [Parameter(Mandatory)][string] $ForeignPolly,
    [Parameter(Mandatory)][string] $CountsFile,
    [string[]] $Path = @($PSScriptRoot, (Join-Path $PSScriptRoot '../../examples'))
)
$ErrorActionPreference = 'Stop'
# Plain text everywhere (this process and the fresh ones tests start): escape codes in messages only get in the way.
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterModule -Force

# Test files read these instead of guessing paths; each test file starts its own processes from them.
$env:FLOW_TEST_MODULE = (Resolve-Path $ModuleManifest).ProviderPath
$env:FLOW_TEST_SIMULATOR = (Resolve-Path $SimulatorDll).ProviderPath
$env:FLOW_TEST_FOREIGN_POLLY = $ForeignPolly
$env:FLOW_TEST_REPO_ROOT = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
# The README's runbook test (examples/Teardown.Tests.ps1) runs as a user runs it, told where this build's module and simulator are.
$env:FLOWFRAMEWORK_MODULE = $env:FLOW_TEST_MODULE
$env:FLOWFRAMEWORK_SIMULATOR = $env:FLOW_TEST_SIMULATOR

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration

[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -LiteralPath $CountsFile
if ($result.Result -ne 'Passed') { exit 1 }
exit 0
