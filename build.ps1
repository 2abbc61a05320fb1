#Requires -Version 7.2
<#
.SYNOPSIS
The one entry point for building, packaging, testing and demonstrating FlowFramework.

.DESCRIPTION
Tasks:
  Build      Release build of the whole solution.
  Package    Build, then lay out out/FlowFramework/<version>/ from an allowlist and write a .nupkg to out/nupkg,
             with the simulator's .NET tool package (FlowFramework.Simulator, command flowframework-simulator) beside it.
  Test       Package, run every xunit project, then Pester in a fresh pwsh against the packaged module.
             Then a 60 s soak with seed 1 (each of its invariants counts as one test).
             Ends with one line "N passed, M failed"; exits non-zero on any failure or when no test ran.
  Demo       Package, start the simulator on a free loopback port and walk through a whole teardown.
  Simulator  Run the simulator in the foreground (-Port, 0 picks a free port).
  Bench      Run the benchmark (bench/Invoke-Bench.ps1): numbers only, a Markdown table and JSON under out/bench/.
             -Quick runs every part at small sizes.
  Soak       Package, then the seeded fault soak against the simulator (-Seed, -Minutes; default seed 1, 10 minutes):
             mixed workflows deprovisioned by concurrent pipelines under random faults and Ctrl+C, checked from the
             simulator's request log and final state. Writes out/soak-report.json; exits non-zero on any violation.
  Clean      Remove out/ and every bin/ and obj/ folder.

.EXAMPLE
dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Simulator', 'Bench', 'Soak', 'Clean')]
    [string] $Task = 'Build',
    [int] $Port = 0,
    [switch] $SkipXunit,
    [switch] $SkipPester,
    [switch] $Quick,
    [switch] $SkipSoak,
    [string] $PesterPath,
    # The soak's seed and length (-Task Soak; -Task Test always runs 60 s with seed 1).
    [int] $Seed = 1,
    [double] $Minutes = 10
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$Root = $PSScriptRoot
$Configuration = 'Release'
$Version = (Import-PowerShellDataFile -LiteralPath (Join-Path $Root 'FlowFramework.psd1')).ModuleVersion
$OutDir = Join-Path $Root 'out'
$PackageDir = Join-Path $OutDir "FlowFramework/$Version"
$ModuleBuildOutput = Join-Path $Root "src/FlowFramework/bin/$Configuration/netstandard2.0"
$SimulatorDll = Join-Path $Root "src/FlowFramework.Simulator/bin/$Configuration/net10.0/FlowFramework.Simulator.dll"
$LoadClientDll = Join-Path $Root "bench/FlowFramework.Bench.Load/bin/$Configuration/net10.0/FlowFramework.Bench.Load.dll"
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Invoke-Native {
    param([Parameter(Mandatory)][string] $Command, [string[]] $Arguments)
    Write-Verbose "$Command $($Arguments -join ' ')"
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# A child pwsh from the same local tool, never the caller's profile.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)][string[]] $Arguments)
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive @Arguments | Out-Host
        return $LASTEXITCODE
    }
    finally { Pop-Location }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $Root 'FlowFramework.sln'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:NoSummary')
}

function Invoke-Package {
    Import-Module (Join-Path $Root 'build/Package.psm1') -Force
    $helpFile = Join-Path $OutDir 'help/FlowFramework.dll-Help.xml'
    $helpScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleBuildOutput/FlowFramework.dll'
Import-Module '$Root/build/Help.psm1'
New-FlowHelpFile -ModuleName FlowFramework -HelpSource '$Root/src/FlowFramework/Help' -Destination '$helpFile'
"@
    $code = Invoke-FreshPwsh @('-Command', $helpScript)
    if ($code -ne 0) { throw "Building help failed (exit $code)." }
    New-FlowPackage -BuildOutput $ModuleBuildOutput -Manifest (Join-Path $Root 'FlowFramework.psd1') -HelpFile $helpFile -Destination $PackageDir

    $nupkgDir = Join-Path $OutDir 'nupkg'
    if (Test-Path -LiteralPath $nupkgDir) { Remove-Item -LiteralPath $nupkgDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $nupkgDir
    Compress-PSResource -Path $PackageDir -DestinationPath $nupkgDir
    $nupkg = Get-ChildItem -LiteralPath $nupkgDir -Filter '*.nupkg'
    if (-not $nupkg) { throw "Compress-PSResource wrote no .nupkg to $nupkgDir." }
    # The simulator as a .NET tool, beside the module: dotnet tool install --add-source out/nupkg FlowFramework.Simulator.
    Invoke-Native dotnet @('pack', (Join-Path $Root 'src/FlowFramework.Simulator/FlowFramework.Simulator.csproj'), '-c', $Configuration, '--no-build', '--nologo', '-v', 'q', '-o', $nupkgDir)
    if (-not (Test-Path -LiteralPath (Join-Path $nupkgDir "FlowFramework.Simulator.$Version.nupkg"))) { throw "dotnet pack wrote no FlowFramework.Simulator.$Version.nupkg to $nupkgDir." }
    Write-Host "Packaged the simulator tool -> $nupkgDir (FlowFramework.Simulator.$Version.nupkg, command flowframework-simulator)"
    Write-Host "Packaged FlowFramework $Version -> $PackageDir ($($nupkg.Name))"
}

function Get-NuGetPackagesFolder {
    $line = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw 'dotnet nuget locals failed.' }
    ($line -replace '^global-packages:\s*', '').Trim()
}

function Restore-TestDependencies {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/pester/TestDependencies.csproj'), '--nologo', '-v', 'q')
    $packages = Get-NuGetPackagesFolder
    # The versions are written once, in Directory.Packages.props.
    $versions = ([xml](Get-Content -LiteralPath (Join-Path $Root 'Directory.Packages.props') -Raw)).Project.PropertyGroup
    [pscustomobject]@{
        Pester = Join-Path $packages "pester/$($versions.PesterVersion)/tools/Pester.psd1"
        ForeignPolly = Join-Path $packages "polly.core/$($versions.ForeignPollyVersion)/lib/net8.0/Polly.Core.dll"
    }
}

function Read-TrxCounts([string] $Directory) {
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($trx in Get-ChildItem -LiteralPath $Directory -Filter '*.trx' -Recurse) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $total.Passed += [int]$counters.passed
        $total.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        # A skipped xunit test is a NotExecuted result, but the trx counter notExecuted stays 0: count what did not run.
        $total.Skipped += [Math]::Max([int]$counters.notExecuted, [int]$counters.total - [int]$counters.executed)
    }
    $total
}

# The fault soak (tests/FlowFramework.Soak) against the packaged module; returns its exit code.
function Invoke-Soak {
    param([Parameter(Mandatory)][int] $Seconds, [Parameter(Mandatory)][int] $SoakSeed, [Parameter(Mandatory)][string] $ReportFile)
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/FlowFramework.Soak/FlowFramework.Soak.csproj'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:NoSummary') | Out-Host
    $soakArgs = @((Join-Path $Root "tests/FlowFramework.Soak/bin/$Configuration/net10.0/FlowFramework.Soak.dll"),
        '--module', (Join-Path $PackageDir 'FlowFramework.psd1'), '--simulator', $SimulatorDll,
        '--seed', "$SoakSeed", '--seconds', "$Seconds", '--report', $ReportFile)
    # Upstream templates and use cases when ../shared/flow-framework/upstream is beside this clone; else generated shapes.
    $upstream = Join-Path $Root '../shared/flow-framework/upstream'
    if (Test-Path -LiteralPath $upstream) { $soakArgs += @('--upstream', (Resolve-Path -LiteralPath $upstream).ProviderPath) }
    & dotnet @soakArgs | Out-Host
    $LASTEXITCODE
}

# Each skipped xunit test with its reason, so a skip is never mistaken for a pass.
function Write-TrxSkips([string] $Directory) {
    foreach ($trx in Get-ChildItem -LiteralPath $Directory -Filter '*.trx' -Recurse) {
        $xml = [xml](Get-Content -LiteralPath $trx.FullName -Raw)
        foreach ($result in @($xml.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -eq 'NotExecuted' })) {
            $reason = $result.Output.ErrorInfo.Message
            if (-not $reason) { $reason = @($result.Output.StdOut) -join ' ' }
            Write-Host "  skipped $($result.testName): $reason"
        }
    }
}

function Invoke-Test {
    Invoke-Build
    Invoke-Package
    $results = Join-Path $OutDir 'test-results'
    if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
    $summary = [System.Collections.Generic.List[object]]::new()
    $failedRunners = [System.Collections.Generic.List[string]]::new()
    $soakNote = $null

    if (-not $SkipXunit) {
        foreach ($project in 'FlowFramework.Engine.Tests', 'FlowFramework.Tests', 'FlowFramework.Simulator.Tests') {
            Write-Host "`n=== xunit: $project ==="
            $dir = Join-Path $results $project
            & dotnet test (Join-Path $Root "tests/$project/$project.csproj") -c $Configuration --no-build --nologo `
                --logger 'trx;LogFileName=results.trx' --logger 'console;verbosity=minimal' --results-directory $dir
            $exit = $LASTEXITCODE
            $counts = if (Test-Path -LiteralPath $dir) { Read-TrxCounts $dir } else { [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 } }
            if ($counts.Skipped -gt 0) { Write-TrxSkips $dir }
            if ($exit -ne 0 -and $counts.Failed -eq 0) { $failedRunners.Add("$project (exit $exit)") }
            $summary.Add([pscustomobject]@{ Runner = $project; Passed = $counts.Passed; Failed = $counts.Failed; Skipped = $counts.Skipped })
        }
    }

    if (-not $SkipPester) {
        Write-Host "`n=== Pester (fresh pwsh, packaged module) ==="
        $deps = Restore-TestDependencies
        $countsFile = Join-Path $results 'pester-counts.json'
        $null = New-Item -ItemType Directory -Force -Path $results
        $pesterArgs = @('-File', (Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1'),
            '-PesterModule', $deps.Pester, '-ModuleManifest', (Join-Path $PackageDir 'FlowFramework.psd1'),
            '-SimulatorDll', $SimulatorDll, '-ForeignPolly', $deps.ForeignPolly, '-CountsFile', $countsFile)
        if ($PesterPath) { $pesterArgs += @('-Path', $PesterPath) }
        $exit = Invoke-FreshPwsh $pesterArgs
        if (Test-Path -LiteralPath $countsFile) {
            $counts = Get-Content -LiteralPath $countsFile -Raw | ConvertFrom-Json
            $summary.Add([pscustomobject]@{ Runner = 'Pester'; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; Skipped = [int]$counts.Skipped })
            if ($exit -ne 0 -and [int]$counts.Failed -eq 0) { $failedRunners.Add("Pester (exit $exit)") }
        }
        else {
            $failedRunners.Add("Pester (exit $exit, no result file)")
        }
    }

    if (-not $SkipSoak) {
        Write-Host "`n=== Soak (60 s, seed 1) ==="
        $null = New-Item -ItemType Directory -Force -Path $results
        $report = Join-Path $results 'soak.json'
        $exit = Invoke-Soak -Seconds 60 -SoakSeed 1 -ReportFile $report
        if (Test-Path -LiteralPath $report) {
            $soak = Get-Content -LiteralPath $report -Raw | ConvertFrom-Json
            $summary.Add([pscustomobject]@{ Runner = 'Soak (60 s, seed 1)'; Passed = [int]$soak.Passed; Failed = [int]$soak.Failed; Skipped = 0 })
            $soakNote = "Soak: $($soak.workflows) workflows in $($soak.rounds) rounds, $($soak.faults_injected) faults injected, $($soak.seconds) s (seed $($soak.seed), fault decisions digest $($soak.fault_decisions.digest))"
            if ($exit -ne 0 -and [int]$soak.Failed -eq 0) { $failedRunners.Add("Soak (exit $exit)") }
        }
        else {
            $failedRunners.Add("Soak (exit $exit, no report)")
        }
    }

    Write-Host "`n=== Summary ==="
    foreach ($row in $summary) {
        Write-Host ('{0,-32} {1,5} passed, {2,3} failed, {3,3} skipped' -f $row.Runner, $row.Passed, $row.Failed, $row.Skipped)
    }
    if ($soakNote) { Write-Host $soakNote }
    foreach ($runner in $failedRunners) { Write-Host "runner failed without a test failure: $runner" }
    $passed = ($summary | Measure-Object Passed -Sum).Sum
    $failed = ($summary | Measure-Object Failed -Sum).Sum
    $skipped = ($summary | Measure-Object Skipped -Sum).Sum
    $line = "$passed passed, $failed failed"
    if ($skipped) { $line += ", $skipped skipped" }
    Write-Host $line
    if ($failed -gt 0 -or $failedRunners.Count -gt 0) { exit 1 }
    if ($passed -eq 0) { Write-Host 'No test ran.'; exit 1 }
}

function Invoke-Clean {
    if (Test-Path -LiteralPath $OutDir) { Remove-Item -LiteralPath $OutDir -Recurse -Force }
    Get-ChildItem -LiteralPath (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include 'bin', 'obj' |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' {
        Invoke-Build; Invoke-Package
        $exit = Invoke-FreshPwsh @('-File', (Join-Path $Root 'demo/Invoke-Demo.ps1'), '-ModuleManifest', (Join-Path $PackageDir 'FlowFramework.psd1'), '-SimulatorDll', $SimulatorDll)
        exit $exit
    }
    'Simulator' {
        Invoke-Native dotnet @('build', (Join-Path $Root 'src/FlowFramework.Simulator'), '-c', $Configuration, '--nologo', '-v', 'q')
        & dotnet $SimulatorDll --port $Port
        exit $LASTEXITCODE
    }
    'Bench' {
        Invoke-Build; Invoke-Package
        $benchArgs = @('-File', (Join-Path $Root 'bench/Invoke-Bench.ps1'), '-ModuleManifest', (Join-Path $PackageDir 'FlowFramework.psd1'),
            '-SimulatorDll', $SimulatorDll, '-LoadClientDll', $LoadClientDll, '-OutDir', (Join-Path $OutDir 'bench'))
        if ($Quick) { $benchArgs += '-Quick' }
        $exit = Invoke-FreshPwsh $benchArgs
        exit $exit
    }
    'Soak' {
        Invoke-Build; Invoke-Package
        $null = New-Item -ItemType Directory -Force -Path $OutDir
        $exit = Invoke-Soak -Seconds ([int][Math]::Round($Minutes * 60)) -SoakSeed $Seed -ReportFile (Join-Path $OutDir 'soak-report.json')
        exit $exit
    }
    'Clean' { Invoke-Clean }
}
