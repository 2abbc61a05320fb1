<#
.SYNOPSIS
The benchmark: numbers only, never assertions. Every figure of one run side by side, medians of several repetitions,
written as a Markdown table and as JSON under -OutDir (out/bench by default).

.DESCRIPTION
P1  Time to clean a workflow whose model stays deployed for L seconds after its undeploy (--undeploy-lag-ms), so its
    delete and its connector's delete fail until then: the module; a loop re-sending every 1 s; the documented advice
    (re-send after 10 s); and the floor, an oracle that re-sends exactly when the simulator clears the dependency
    (GET /_simulator/clearings). Time from the run's first request to the end of the _deprovision that answered 200,
    from the simulator's request log; overshoot over the floor, requests and deprovision requests.
P2  Bulk: workflows of 6 resources, 10 ms of latency on every request, the realistic deprovision pool (max 4): the module
    at its default -ThrottleLimit and at the cap (max - 1), a sequential Invoke-RestMethod script with a 1 s re-send
    loop, and the server-bound floor (ceil(workflows / (max - 1)) x the per-workflow server time, measured on the
    script's uncontended requests). Each runs in a fresh pwsh: wall time, requests, peak memory.
P3  Import-Module plus the first cmdlet over a bare pwsh -NoProfile start (median of repeated runs); a status read of a
    workflow with many resources and a -WhatIf of as many steps (time, managed memory), each in a fresh pwsh.
P4  The simulator's throughput for GET _status and for _deprovision of prepared workflows, driven by the C# load client
    (bench/FlowFramework.Bench.Load) on loopback.
-Quick runs every part at small sizes (the test suite runs it to prove the benchmark works; its numbers mean little).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $SimulatorDll,
    [Parameter(Mandatory)][string] $LoadClientDll,
    [switch] $Quick,
    [string] $OutDir = (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/bench'),
    [int] $Repetitions = $(if ($Quick) { 1 } else { 3 }),
    [int] $BulkRepetitions = $(if ($Quick) { 1 } else { 3 }),
    [double[]] $LagSeconds = $(if ($Quick) { @(1.3) } else { @(1, 2, 5, 10) }),
    [double] $AdviceSeconds = $(if ($Quick) { 2 } else { 10 }),
    [int] $BulkWorkflows = $(if ($Quick) { 3 } else { 200 }),
    # The server's pause after a deprovision pass that made progress (upstream: 1 s); -Quick shortens it in P2 only.
    [int] $BulkPassPauseMs = $(if ($Quick) { 100 } else { 1000 }),
    [int] $StartRepetitions = $(if ($Quick) { 2 } else { 7 }),
    [int] $LargeResources = $(if ($Quick) { 300 } else { 10000 }),
    [double] $StatusSeconds = $(if ($Quick) { 1 } else { 5 }),
    [int] $StatusClients = 8,
    [int] $DeprovisionWorkflows = $(if ($Quick) { 30 } else { 1000 })
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$Root = Split-Path -Parent $PSScriptRoot
$env:FLOW_TEST_SIMULATOR = (Resolve-Path -LiteralPath $SimulatorDll).ProviderPath
Import-Module (Join-Path $Root 'build/SimulatorProcess.psm1') -Force
$ModuleManifest = (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath
Import-Module $ModuleManifest -Force
. (Join-Path $PSScriptRoot 'Baseline-Deprovision.ps1')
$LoadClientDll = (Resolve-Path -LiteralPath $LoadClientDll).ProviderPath
$null = New-Item -ItemType Directory -Force -Path $OutDir
$Work = Join-Path ([System.IO.Path]::GetTempPath()) ("flow-bench-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $Work
$Workflow = '/_plugins/_flow_framework/workflow'
# The pwsh this script runs in, started the same way for the fresh processes: dotnet <pwsh.dll>.
$PwshHost = [Environment]::ProcessPath
$PwshDll = [Environment]::GetCommandLineArgs()[0]

# ---- helpers ----

function Get-Median([double[]] $Values) {
    if ($null -eq $Values -or $Values.Count -eq 0) { return [double]::NaN }
    $sorted = @($Values | Sort-Object)
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { [double]$sorted[$mid] } else { ([double]$sorted[$mid - 1] + [double]$sorted[$mid]) / 2 }
}

function Invoke-Sim($Sim, [string] $Path, [string] $Method = 'GET', $Body) {
    $params = @{ Method = $Method; Uri = "$($Sim.Url)$Path"; SkipHttpErrorCheck = $true; StatusCodeVariable = 'code' }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 20 -Compress); $params.ContentType = 'application/json' }
    $response = Invoke-RestMethod @params
    if ($code -ge 300) { throw "$Method $Path answered $code" }
    $response
}

function Clear-Log($Sim) { $null = Invoke-Sim $Sim '/_simulator/requests' DELETE }

function Get-Log($Sim) { @(Invoke-Sim $Sim '/_simulator/requests' | ForEach-Object { $_ }) }

function Invoke-LoadClient([string[]] $Arguments) {
    $output = & dotnet $LoadClientDll @Arguments
    if ($LASTEXITCODE -ne 0) { throw "load client $($Arguments[0]) failed (exit $LASTEXITCODE): $output" }
    ($output | Select-Object -Last 1) | ConvertFrom-Json
}

function New-Workflows($Sim, [string] $Template, [int] $Count, [int] $Offset = 0) {
    $prepared = Invoke-LoadClient @('prepare', '--url', $Sim.Url, '--template', (Join-Path $PSScriptRoot $Template), '--count', "$Count", '--parallel', '8', '--offset', "$Offset")
    @($prepared.workflow_ids)
}

function Test-Clean($Sim, [string] $Id) {
    $r = Invoke-RestMethod -Uri "$($Sim.Url)$Workflow/$Id/_status" -SkipHttpErrorCheck -StatusCodeVariable code
    $code -eq 404 -or ($code -eq 200 -and $r.state -eq 'NOT_STARTED' -and -not ($r.PSObject.Properties.Name -contains 'resources_created' -and @($r.resources_created).Count))
}

function Invoke-Fresh([string[]] $Arguments, [hashtable] $Environment = @{}, [switch] $DiscardOutput) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($PwshHost)
    foreach ($a in @($PwshDll, '-NoProfile', '-NonInteractive') + $Arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    foreach ($key in $Environment.Keys) { $info.Environment[$key] = [string]$Environment[$key] }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    $watch.Stop()
    if ($process.ExitCode -ne 0) { throw "fresh pwsh $($Arguments -join ' ') failed ($($process.ExitCode)): $($err.Result) $(if (-not $DiscardOutput) { $out.Result })" }
    [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; Output = $out.Result }
}

function Measure-InFresh([hashtable] $Arguments) {
    $result = Join-Path $Work ("result-" + [guid]::NewGuid().ToString('n') + '.json')
    $list = @('-File', (Join-Path $PSScriptRoot 'Measure-InFreshPwsh.ps1'), '-ResultFile', $result)
    foreach ($key in $Arguments.Keys) {
        $value = $Arguments[$key]
        # -File binds every argument as one string: a list travels comma-joined.
        $list += @("-$key", $(if ($value -is [array]) { $value -join ',' } else { [string]$value }))
    }
    $null = Invoke-Fresh $list -DiscardOutput
    Get-Content -LiteralPath $result -Raw | ConvertFrom-Json
}

function Get-MachineInfo {
    $os = if (Test-Path /etc/os-release) { ((Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace 'PRETTY_NAME=|"', '') } else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
    $cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', '') } else { $env:PROCESSOR_IDENTIFIER }
    $memory = if (Test-Path /proc/meminfo) { [math]::Round(([double](((Get-Content /proc/meminfo | Select-Object -First 1) -replace '[^0-9]', '')) / 1MB), 1) } else { $null }
    $load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { $null }
    $commit = try { (& git -C $Root rev-parse --short HEAD 2>$null) } catch { $null }
    [ordered]@{
        os             = $os
        cpu            = $cpu
        logical_cpus   = [Environment]::ProcessorCount
        memory_gib     = $memory
        load_at_start  = $load
        dotnet         = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        pwsh           = $PSVersionTable.PSVersion.ToString()
        commit         = $commit
        date_utc       = [DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture)
    }
}

function Format-Number($Value, [string] $Format = '0.00') {
    if ($null -eq $Value -or ($Value -is [double] -and [double]::IsNaN($Value))) { return 'n/a' }
    $text = ([double]$Value).ToString($Format, [cultureinfo]::InvariantCulture)
    # A difference that rounds to zero is zero, whatever its sign.
    if ($text -match '^-[0.]+$') { $text.Substring(1) } else { $text }
}

$Report = [ordered]@{
    machine  = Get-MachineInfo
    settings = [ordered]@{
        quick = [bool]$Quick; repetitions = $Repetitions; bulk_repetitions = $BulkRepetitions; lags_s = $LagSeconds; advice_s = $AdviceSeconds
        bulk_workflows = $BulkWorkflows; bulk_pass_pause_ms = $BulkPassPauseMs; start_repetitions = $StartRepetitions; large_resources = $LargeResources
        status_seconds = $StatusSeconds; status_clients = $StatusClients; deprovision_workflows = $DeprovisionWorkflows
    }
}

$Parts = [ordered]@{}
$PartClock = [System.Diagnostics.Stopwatch]::StartNew()
function Complete-Part([string] $Name) { $Parts[$Name] = [math]::Round($PartClock.Elapsed.TotalSeconds, 1); $PartClock.Restart() }
try {
    # ---- P1: time to clean with a dependency lag ----
    Write-Host 'P1: time to clean with a dependency lag'
    $approaches = [ordered]@{
        'floor'  = 'floor (oracle: re-send when the dependency clears)'
        'module' = 'Invoke-FlowDeprovision'
        'loop'   = 'loop re-sending every 1 s'
        'advice' = (Format-Number $AdviceSeconds '0') + ' s advice (re-send after ' + (Format-Number $AdviceSeconds '0') + ' s)'
    }
    $p1 = [System.Collections.Generic.List[object]]::new()
    $warmedUp = $false
    foreach ($lag in $LagSeconds) {
        $sim = Start-FlowSimulator -ArgumentList @('--undeploy-lag-ms', [string][int]($lag * 1000), '--provision-delay-ms', '0')
        try {
            if (-not $warmedUp -and -not $Quick) {
                # The first run of the module in this process compiles its code: not measured.
                $id = @(New-Workflows $sim 'bench-template.json' 1)[0]
                $null = Invoke-FlowDeprovision -WorkflowId $id -Connection (Connect-FlowCluster $sim.Url -PassThru -InformationAction Ignore) -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                $warmedUp = $true
            }
            $runs = [System.Collections.Generic.List[object]]::new()
            $names = @($approaches.Keys)
            for ($rep = 0; $rep -lt $Repetitions; $rep++) {
                # Each repetition runs every approach back to back, starting with a different one.
                foreach ($k in 0..($names.Count - 1)) {
                    $name = $names[($k + $rep) % $names.Count]
                    $id = @(New-Workflows $sim 'bench-template.json' 1)[0]
                    $connection = if ($name -eq 'module') { Connect-FlowCluster $sim.Url -PassThru -InformationAction Ignore }
                    Clear-Log $sim
                    switch ($name) {
                        'floor' { $null = Invoke-OracleDeprovision -BaseUrl $sim.Url -WorkflowId $id }
                        'module' { $null = Invoke-FlowDeprovision -WorkflowId $id -Connection $connection -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
                        'loop' { $null = Invoke-ResendLoop -BaseUrl $sim.Url -WorkflowId $id -IntervalSeconds 1 }
                        'advice' { $null = Invoke-ResendLoop -BaseUrl $sim.Url -WorkflowId $id -IntervalSeconds $AdviceSeconds }
                    }
                    $log = @(Get-Log $sim)
                    $posts = @($log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/_deprovision' })
                    $done = $posts | Where-Object { $_.status -eq 200 } | Select-Object -Last 1
                    $first = ($log | Measure-Object -Property start_ms -Minimum).Minimum
                    $runs.Add([pscustomobject]@{
                            Rep = $rep; Approach = $name; Clean = [bool]$done -and (Test-Clean $sim $id)
                            Seconds = if ($done) { ($done.end_ms - $first) / 1000 } else { [double]::NaN }
                            Requests = $log.Count; Posts = $posts.Count
                        })
                }
            }
            $floorByRep = @{}
            foreach ($r in $runs | Where-Object Approach -EQ 'floor') { $floorByRep[$r.Rep] = $r.Seconds }
            $loopMedian = Get-Median @($runs | Where-Object Approach -EQ 'loop' | ForEach-Object Seconds)
            $floorMedian = Get-Median @($runs | Where-Object Approach -EQ 'floor' | ForEach-Object Seconds)
            foreach ($name in $names) {
                $mine = @($runs | Where-Object Approach -EQ $name)
                $median = Get-Median @($mine | ForEach-Object Seconds)
                $p1.Add([ordered]@{
                        lag_s               = $lag
                        approach            = $name
                        label               = $approaches[$name]
                        time_to_clean_s     = [math]::Round($median, 3)
                        over_floor_s        = [math]::Round((Get-Median @($mine | ForEach-Object { $_.Seconds - $floorByRep[$_.Rep] })), 3)
                        ratio_to_floor      = [math]::Round($median / $floorMedian, 2)
                        ratio_to_loop       = [math]::Round($median / $loopMedian, 2)
                        requests            = Get-Median @($mine | ForEach-Object Requests)
                        deprovision_posts   = Get-Median @($mine | ForEach-Object Posts)
                        runs                = $mine.Count
                        clean_runs          = @($mine | Where-Object Clean).Count
                        seconds_each        = @($mine | ForEach-Object { [math]::Round($_.Seconds, 3) })
                    })
                Write-Host ('  L={0,4} s {1,-8} {2,7} s  ({3} s over floor, {4} requests, {5} POST)' -f $lag, $name, (Format-Number $median), (Format-Number $p1[$p1.Count - 1].over_floor_s), $p1[$p1.Count - 1].requests, $p1[$p1.Count - 1].deprovision_posts)
            }
        }
        finally { $sim | Stop-FlowSimulator }
    }
    $Report.p1 = $p1
    Complete-Part 'p1'

    # ---- P2: bulk ----
    Write-Host "P2: $BulkWorkflows workflows of 6 resources, 10 ms latency, deprovision pool max 4"
    $sim = Start-FlowSimulator -ArgumentList @('--latency-ms', '10', '--provision-delay-ms', '0', '--pass-pause-ms', "$BulkPassPauseMs")
    try {
        $poolMax = [int](Invoke-Sim $sim '/_simulator/pools').opensearch_deprovision_workflow.max
        $safe = $poolMax - 1
        $variants = [ordered]@{
            'module_default' = 'Invoke-FlowDeprovision (default -ThrottleLimit)'
            'module_cap'     = "Invoke-FlowDeprovision -ThrottleLimit $safe (the cap)"
            'script'         = 'sequential Invoke-RestMethod, 1 s re-send loop'
        }
        $bulkRuns = [System.Collections.Generic.List[object]]::new()
        $offset = 0
        for ($rep = 0; $rep -lt $BulkRepetitions; $rep++) {
            foreach ($name in $variants.Keys) {
                $ids = @(New-Workflows $sim 'bulk-template.json' $BulkWorkflows $offset)
                $idsFile = Join-Path $Work "$name-$rep.txt"
                Set-Content -LiteralPath $idsFile -Value $ids
                Clear-Log $sim
                $arguments = @{ Url = $sim.Url; IdsFile = $idsFile }
                switch ($name) {
                    'module_default' { $arguments += @{ Scenario = 'ModuleBulk'; ModuleManifest = $ModuleManifest; AllowDelete = @('bench-pipeline-*', 'bench-index-*') } }
                    'module_cap' { $arguments += @{ Scenario = 'ModuleBulk'; ModuleManifest = $ModuleManifest; AllowDelete = @('bench-pipeline-*', 'bench-index-*'); ThrottleLimit = $safe } }
                    'script' { $arguments += @{ Scenario = 'ScriptBulk'; Offset = $offset } }
                }
                $measured = Measure-InFresh $arguments
                $log = @(Get-Log $sim)
                $posts = @($log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/_deprovision' })
                $clean = @($ids | Where-Object { Test-Clean $sim $_ }).Count
                $bulkRuns.Add([pscustomobject]@{
                        Name = $name; Wall = $measured.wall_s; Requests = $log.Count; Posts = $posts.Count; Clean = $clean
                        PeakMiB = $measured.peak_working_set_mib; BeforeMiB = $measured.working_set_before_mib; AllocatedMiB = $measured.allocated_mib
                        ServerSeconds = Get-Median @($posts | Where-Object status -EQ 200 | ForEach-Object { ($_.end_ms - $_.start_ms) / 1000 })
                    })
                Write-Host ('  {0,-15} {1,8} s wall, {2,6} requests, {3} of {4} clean' -f $name, (Format-Number $measured.wall_s), $log.Count, $clean, $ids.Count)
                $offset += $BulkWorkflows
            }
        }
        # The floor: the pool's safe concurrency, each slot busy for the uncontended server time of one workflow.
        $perWorkflow = Get-Median @($bulkRuns | Where-Object Name -EQ 'script' | ForEach-Object ServerSeconds)
        $floorWall = [math]::Ceiling($BulkWorkflows / $safe) * $perWorkflow
        $scriptWall = Get-Median @($bulkRuns | Where-Object Name -EQ 'script' | ForEach-Object Wall)
        $p2 = [System.Collections.Generic.List[object]]::new()
        $p2.Add([ordered]@{ variant = 'floor'; label = "server-bound floor: ceil($BulkWorkflows / $safe) x $(Format-Number $perWorkflow '0.000') s per workflow"; wall_s = [math]::Round($floorWall, 2); ratio_to_script = [math]::Round($floorWall / $scriptWall, 2); ratio_to_floor = 1.0 })
        foreach ($name in $variants.Keys) {
            $mine = @($bulkRuns | Where-Object Name -EQ $name)
            $wall = Get-Median @($mine | ForEach-Object Wall)
            $p2.Add([ordered]@{
                    variant                = $name
                    label                  = $variants[$name]
                    wall_s                 = [math]::Round($wall, 2)
                    ratio_to_script        = [math]::Round($wall / $scriptWall, 2)
                    ratio_to_floor         = [math]::Round($wall / $floorWall, 2)
                    requests               = Get-Median @($mine | ForEach-Object Requests)
                    deprovision_posts      = Get-Median @($mine | ForEach-Object Posts)
                    clean                  = Get-Median @($mine | ForEach-Object Clean)
                    peak_working_set_mib   = Get-Median @($mine | ForEach-Object PeakMiB)
                    working_set_before_mib = Get-Median @($mine | ForEach-Object BeforeMiB)
                    allocated_mib          = Get-Median @($mine | ForEach-Object AllocatedMiB)
                    server_s_per_workflow  = [math]::Round((Get-Median @($mine | ForEach-Object ServerSeconds)), 3)
                })
        }
        $Report.p2 = [ordered]@{ workflows = $BulkWorkflows; pool_max = $poolMax; safe_concurrency = $safe; rows = $p2 }
    }
    finally { $sim | Stop-FlowSimulator }
    Complete-Part 'p2'

    # ---- P3: start-up and large workflows ----
    Write-Host 'P3: start-up, a large status read and a large -WhatIf'
    $sim = Start-FlowSimulator -ArgumentList @('--provision-delay-ms', '0')
    try {
        $small = @(New-Workflows $sim 'bench-template.json' 1)[0]
        $bare = [System.Collections.Generic.List[double]]::new()
        $withModule = [System.Collections.Generic.List[double]]::new()
        $firstCmdlet = "Import-Module '$ModuleManifest'; `$null = Get-FlowWorkflowStatus -WorkflowId $small"
        for ($i = 0; $i -lt $StartRepetitions; $i++) {
            $bare.Add((Invoke-Fresh @('-Command', 'exit 0')).Seconds)
            $withModule.Add((Invoke-Fresh @('-Command', $firstCmdlet) -Environment @{ OPENSEARCH_URL = $sim.Url }).Seconds)
        }
        # A workflow with many resources: five kinds in turn, every id distinct (written straight into the simulator).
        $kinds = @(
            @{ step = 'create_connector'; type = 'connector_id'; prefix = 'conn' }
            @{ step = 'register_remote_model'; type = 'model_id'; prefix = 'model' }
            @{ step = 'create_ingest_pipeline'; type = 'pipeline_id'; prefix = 'seeded-pipeline' }
            @{ step = 'create_index'; type = 'index_name'; prefix = 'seeded-index' }
            @{ step = 'register_agent'; type = 'agent_id'; prefix = 'agent' }
        )
        $entries = for ($i = 0; $i -lt $LargeResources; $i++) {
            $kind = $kinds[$i % $kinds.Count]
            @{ workflow_step_name = $kind.step; workflow_step_id = "step_$i"; resource_type = $kind.type; resource_id = "$($kind.prefix)-$i" }
        }
        $large = (Invoke-Sim $sim '/_simulator/workflows' POST @{ resources_created = @($entries) }).workflow_id
        $status = Measure-InFresh @{ Scenario = 'StatusLarge'; Url = $sim.Url; ModuleManifest = $ModuleManifest; WorkflowId = $large; WarmupWorkflowId = $small }
        $whatIf = Measure-InFresh @{ Scenario = 'WhatIfLarge'; Url = $sim.Url; ModuleManifest = $ModuleManifest; WorkflowId = $large; WarmupWorkflowId = $small; AllowDelete = @('seeded-*') }
        $Report.p3 = [ordered]@{
            start_repetitions      = $StartRepetitions
            bare_start_s           = [math]::Round((Get-Median $bare), 3)
            module_first_cmdlet_s  = [math]::Round((Get-Median $withModule), 3)
            module_over_bare_s     = [math]::Round((Get-Median $withModule) - (Get-Median $bare), 3)
            large_resources        = $LargeResources
            status_read            = $status
            whatif                 = $whatIf
        }
        Complete-Part 'p3'
        Write-Host ('  start {0} s bare, {1} s with Import-Module + first cmdlet; {2} resources: status {3} s, -WhatIf {4} s' -f (Format-Number $Report.p3.bare_start_s), (Format-Number $Report.p3.module_first_cmdlet_s), $LargeResources, (Format-Number $status.wall_s), (Format-Number $whatIf.wall_s))
    }
    finally { $sim | Stop-FlowSimulator }

    # ---- P4: simulator throughput ----
    Write-Host 'P4: simulator throughput (C# load client, loopback)'
    $sim = Start-FlowSimulator -ArgumentList @('--provision-delay-ms', '0', '--step-pause-ms', '0', '--pass-pause-ms', '0')
    try {
        $poolMax = [int](Invoke-Sim $sim '/_simulator/pools').opensearch_deprovision_workflow.max
        $statusRuns = [System.Collections.Generic.List[object]]::new()
        $deprovisionRuns = [System.Collections.Generic.List[object]]::new()
        $target = @(New-Workflows $sim 'bench-template.json' 1)[0]
        for ($rep = 0; $rep -lt $Repetitions; $rep++) {
            $statusRuns.Add((Invoke-LoadClient @('status', '--url', $sim.Url, '--id', $target, '--clients', "$StatusClients", '--seconds', "$StatusSeconds")))
            $ids = @(New-Workflows $sim 'bench-template.json' $DeprovisionWorkflows)
            $idsFile = Join-Path $Work "p4-$rep.txt"
            Set-Content -LiteralPath $idsFile -Value $ids
            $deprovisionRuns.Add((Invoke-LoadClient @('deprovision', '--url', $sim.Url, '--ids', $idsFile, '--clients', "$($poolMax - 1)")))
        }
        $Report.p4 = [ordered]@{
            status      = [ordered]@{ clients = $StatusClients; seconds = $StatusSeconds; per_second = Get-Median @($statusRuns.per_second); p50_ms = Get-Median @($statusRuns.p50_ms); p99_ms = Get-Median @($statusRuns.p99_ms); errors = ($statusRuns | Measure-Object errors -Sum).Sum }
            deprovision = [ordered]@{ clients = $poolMax - 1; workflows = $DeprovisionWorkflows; per_second = Get-Median @($deprovisionRuns.per_second); p50_ms = Get-Median @($deprovisionRuns.p50_ms); p99_ms = Get-Median @($deprovisionRuns.p99_ms); errors = ($deprovisionRuns | Measure-Object errors -Sum).Sum }
        }
        Complete-Part 'p4'
        Write-Host ('  GET _status {0}/s; _deprovision {1} workflows/s' -f (Format-Number $Report.p4.status.per_second '0'), (Format-Number $Report.p4.deprovision.per_second '0.0'))
    }
    finally { $sim | Stop-FlowSimulator }
}
finally {
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

$Report.part_seconds = $Parts

# ---- the table ----
$m = $Report.machine
$md = [System.Text.StringBuilder]::new()
$null = $md.AppendLine("Machine: $($m.cpu), $($m.logical_cpus) logical CPUs, $($m.memory_gib) GiB, $($m.os); $($m.dotnet), PowerShell $($m.pwsh); load average $($m.load_at_start) at start; commit $($m.commit), $($m.date_utc) UTC.")
$null = $md.AppendLine("Medians of $Repetitions repetitions (P2: $BulkRepetitions, P3 start: $StartRepetitions)$(if ($Quick) { '; -Quick sizes' }). Time per part: " + (($Parts.Keys | ForEach-Object { "$_ $($Parts[$_]) s" }) -join ', ') + '.')
$null = $md.AppendLine()
$null = $md.AppendLine('**P1: time to clean** (model deployed for L s after its undeploy; from the first request to the end of the deprovision that answered 200)')
$null = $md.AppendLine()
$null = $md.AppendLine('| L | approach | time to clean | over floor | / floor | / 1 s loop | requests | deprovision POSTs | clean |')
$null = $md.AppendLine('|---|---|---:|---:|---:|---:|---:|---:|---:|')
foreach ($r in $Report.p1) {
    $null = $md.AppendLine("| $(Format-Number $r.lag_s '0.#') s | $($r.label) | $(Format-Number $r.time_to_clean_s) s | $(Format-Number $r.over_floor_s) s | $(Format-Number $r.ratio_to_floor) | $(Format-Number $r.ratio_to_loop) | $($r.requests) | $($r.deprovision_posts) | $($r.clean_runs)/$($r.runs) |")
}
$null = $md.AppendLine()
$p2r = $Report.p2
$null = $md.AppendLine("**P2: bulk** ($($p2r.workflows) workflows x 6 resources, 10 ms latency per request, deprovision pool max $($p2r.pool_max), safe concurrency $($p2r.safe_concurrency))")
$null = $md.AppendLine()
$null = $md.AppendLine('| variant | wall | / script | / floor | requests | deprovision POSTs | clean | peak working set | working set before | managed allocated |')
$null = $md.AppendLine('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
foreach ($r in $p2r.rows) {
    if ($r.variant -eq 'floor') {
        $null = $md.AppendLine("| $($r.label) | $(Format-Number $r.wall_s '0.0') s | $(Format-Number $r.ratio_to_script) | 1.00 | | | | | | |")
    }
    else {
        $null = $md.AppendLine("| $($r.label) | $(Format-Number $r.wall_s '0.0') s | $(Format-Number $r.ratio_to_script) | $(Format-Number $r.ratio_to_floor) | $($r.requests) | $($r.deprovision_posts) | $($r.clean)/$($p2r.workflows) | $(Format-Number $r.peak_working_set_mib '0') MiB | $(Format-Number $r.working_set_before_mib '0') MiB | $(Format-Number $r.allocated_mib '0.0') MiB |")
    }
}
$null = $md.AppendLine()
$p3r = $Report.p3
$null = $md.AppendLine('**P3: start-up and size**')
$null = $md.AppendLine()
$null = $md.AppendLine('| measure | time | managed allocated | managed heap kept |')
$null = $md.AppendLine('|---|---:|---:|---:|')
$null = $md.AppendLine("| bare ``pwsh -NoProfile`` start | $(Format-Number $p3r.bare_start_s) s | | |")
$null = $md.AppendLine("| start + ``Import-Module`` + first cmdlet (Get-FlowWorkflowStatus) | $(Format-Number $p3r.module_first_cmdlet_s) s (+$(Format-Number $p3r.module_over_bare_s) s) | | |")
$null = $md.AppendLine("| status read of $($p3r.large_resources) resources | $(Format-Number $p3r.status_read.wall_s) s | $(Format-Number $p3r.status_read.allocated_mib '0.0') MiB | $(Format-Number $p3r.status_read.heap_kept_mib '0.0') MiB |")
$null = $md.AppendLine("| ``-WhatIf`` of $($p3r.large_resources) steps | $(Format-Number $p3r.whatif.wall_s) s | $(Format-Number $p3r.whatif.allocated_mib '0.0') MiB | $(Format-Number $p3r.whatif.heap_kept_mib '0.0') MiB |")
$null = $md.AppendLine()
$p4r = $Report.p4
$null = $md.AppendLine('**P4: simulator throughput** (C# load client on loopback; server pauses 0)')
$null = $md.AppendLine()
$null = $md.AppendLine('| request | clients | throughput | p50 | p99 | errors |')
$null = $md.AppendLine('|---|---:|---:|---:|---:|---:|')
$null = $md.AppendLine("| GET _status | $($p4r.status.clients) | $(Format-Number $p4r.status.per_second '0') requests/s | $(Format-Number $p4r.status.p50_ms) ms | $(Format-Number $p4r.status.p99_ms) ms | $($p4r.status.errors) |")
$null = $md.AppendLine("| POST _deprovision (prepared workflows, 3 resources) | $($p4r.deprovision.clients) | $(Format-Number $p4r.deprovision.per_second '0.0') workflows/s | $(Format-Number $p4r.deprovision.p50_ms) ms | $(Format-Number $p4r.deprovision.p99_ms) ms | $($p4r.deprovision.errors) |")

$stamp = [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss', [cultureinfo]::InvariantCulture) + $(if ($Quick) { '-quick' } else { '' })
$latest = if ($Quick) { 'latest-quick' } else { 'latest' }
$json = $Report | ConvertTo-Json -Depth 10
foreach ($name in "bench-$stamp", $latest) {
    Set-Content -LiteralPath (Join-Path $OutDir "$name.json") -Value $json
    Set-Content -LiteralPath (Join-Path $OutDir "$name.md") -Value $md.ToString()
}
Write-Host ''
Write-Host $md.ToString()
Write-Host "Written: $(Join-Path $OutDir "bench-$stamp.md") and .json"
