# Shared by the Pester files: start and stop the simulator, run a fresh pwsh, read the request log.
Set-StrictMode -Version 3

# Start-FlowSimulator and Stop-FlowSimulator come from the module the demo and the bench use too.
Import-Module (Join-Path $PSScriptRoot '../../build/SimulatorProcess.psm1')

function Invoke-Simulator {
    <# Plain REST call to the simulator (setup and inspection only; the module under test does the real work). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Simulator,
        [string] $Method = 'GET',
        [Parameter(Mandatory)][string] $Path,
        $Body,
        [pscredential] $Credential,
        [hashtable] $Headers = @{}
    )
    $params = @{ Method = $Method; Uri = "$($Simulator.Url)$Path"; Headers = $Headers; SkipHttpErrorCheck = $true; StatusCodeVariable = 'code' }
    if ($null -ne $Body) {
        $params.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 20 -Compress }
        $params.ContentType = 'application/json'
    }
    if ($Credential) { $params.Credential = $Credential; $params.Authentication = 'Basic'; $params.AllowUnencryptedAuthentication = $true }
    if ($Simulator.Url -like 'https*') { $params.SkipCertificateCheck = $true }
    $response = Invoke-RestMethod @params
    [pscustomobject]@{ Status = $code; Body = $response }
}

function New-ProvisionedWorkflow {
    <#
    .SYNOPSIS
    Creates and provisions a template through the simulator's REST API and waits until provisioning is done.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Simulator,
        [Parameter(Mandatory)] $Template,
        [pscredential] $Credential,
        [hashtable] $Headers = @{},
        # Sends one request (method, path, body) and returns Status and Body instead of Invoke-Simulator, for a
        # simulator that wants more than basic auth (an IAM-only one checks every signature).
        [scriptblock] $Send
    )
    if ($null -eq $Send) {
        $Send = { param($Method, $Path, $Body) Invoke-Simulator -Simulator $Simulator -Method $Method -Path $Path -Body $Body -Credential $Credential -Headers $Headers }
    }
    $created = & $Send 'POST' '/_plugins/_flow_framework/workflow?provision=true' $Template
    if ($created.Status -notin 201, 202) { throw "create failed: $($created.Status) $($created.Body | ConvertTo-Json -Compress)" }
    $id = $created.Body.workflow_id
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    do {
        Start-Sleep -Milliseconds 50
        $status = & $Send 'GET' "/_plugins/_flow_framework/workflow/$id/_status" $null
    } while ($status.Body.state -eq 'PROVISIONING' -and [DateTime]::UtcNow -lt $deadline)
    if ($status.Body.state -ne 'COMPLETED') { throw "provisioning of $id ended in $($status.Body.state): $($status.Body.error)" }
    $id
}

function Get-SimulatorRequests {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    $body = (Invoke-Simulator -Simulator $Simulator -Path '/_simulator/requests').Body
    @($body | ForEach-Object { $_ })   # one JSON array in, one object per request out
}

function Invoke-FreshPwsh {
    <#
    .SYNOPSIS
    Runs a script in a new pwsh -NoProfile process and returns its exit code and both output streams.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Script, [hashtable] $Environment = @{}, [int] $TimeoutSec = 120)
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-Command', $Script) { $info.ArgumentList.Add($a) }
    $info.WorkingDirectory = $env:FLOW_TEST_REPO_ROOT
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    foreach ($key in $Environment.Keys) { $info.Environment[$key] = [string]$Environment[$key] }
    $process = [System.Diagnostics.Process]::Start($info)
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSec * 1000)) { $process.Kill($true); throw "fresh pwsh did not finish in $TimeoutSec s" }
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $out.Result; Errors = $err.Result }
}

function Clear-SimulatorState {
    <# Forgets the request log and every injected fault; optionally sets config keys (snake_case, e.g. undeploy_lag_ms). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [hashtable] $Config)
    $null = Invoke-Simulator -Simulator $Simulator -Method DELETE -Path '/_simulator/faults'
    $null = Invoke-Simulator -Simulator $Simulator -Method DELETE -Path '/_simulator/requests'
    if ($Config) {
        $r = Invoke-Simulator -Simulator $Simulator -Method PUT -Path '/_simulator/config' -Body $Config
        if ($r.Status -ne 200) { throw "config failed: $($r.Status) $($r.Body | ConvertTo-Json -Compress)" }
    }
}

function Add-SimulatorFault {
    <# Injects a fault: kind 429|503|500|reset|slow|malformed on requests whose path matches the regex. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $Kind,
        [string] $Method, [int] $Count, [int] $RetryAfterSeconds, [int] $DelayMs)
    $body = @{ path = $Path; kind = $Kind }
    if ($Method) { $body.method = $Method }
    if ($PSBoundParameters.ContainsKey('Count')) { $body.count = $Count }
    if ($PSBoundParameters.ContainsKey('RetryAfterSeconds')) { $body.retry_after_seconds = $RetryAfterSeconds }
    if ($PSBoundParameters.ContainsKey('DelayMs')) { $body.delay_ms = $DelayMs }
    $r = Invoke-Simulator -Simulator $Simulator -Method POST -Path '/_simulator/faults' -Body $body
    if ($r.Status -notin 200, 201) { throw "fault failed: $($r.Status) $($r.Body | ConvertTo-Json -Compress)" }
}

function New-FlowTestTemplate {
    <#
    .SYNOPSIS
    The demo's template (demo/demo-template.json) with index, pipeline and model group names made unique by a suffix, so many
    copies can be provisioned on one simulator.
    #>
    [CmdletBinding()]
    param([string] $Suffix = [guid]::NewGuid().ToString('n').Substring(0, 8))
    $Suffix = $Suffix.ToLowerInvariant()   # index names must be lowercase
    $raw = Get-Content -LiteralPath (Join-Path $env:FLOW_TEST_REPO_ROOT 'demo/demo-template.json') -Raw
    # Model group names are unique on a cluster, and deprovisioning keeps the group, so it needs the suffix too.
    $raw.Replace('"flowframework-demo-models"', "`"flowframework-demo-models-$Suffix`"").Replace('"demo-embedding-pipeline"', "`"demo-embedding-pipeline-$Suffix`"").Replace('"demo-passages"', "`"demo-passages-$Suffix`"")
}

function Get-MaxInFlight {
    <#
    .SYNOPSIS
    The largest number of requests that overlapped in time, from the request log's start_ms and answered_ms (when the
    answer was handed over, so before any client could have read it; end_ms when no answer was sent).
    An end at the same millisecond as a start does not count as overlapping.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowEmptyCollection()][object[]] $Requests)
    $events = foreach ($r in $Requests) {
        $end = if ($null -ne $r.answered_ms) { [double]$r.answered_ms } else { [double]$r.end_ms }
        [pscustomobject]@{ At = [double]$r.start_ms; Delta = 1 }
        [pscustomobject]@{ At = $end; Delta = -1 }
    }
    $now = 0; $max = 0
    foreach ($e in ($events | Sort-Object At, Delta)) {
        $now += $e.Delta
        if ($now -gt $max) { $max = $now }
    }
    $max
}

function Set-SimulatorGate {
    <# Arms a gate at a named hold point of the simulator (for one workflow or model id, or for all when none is given). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)][string] $Name, [string] $WorkflowId, [int] $Pass = 0)
    $body = @{ name = $Name; pass = $Pass }
    if ($WorkflowId) { $body.workflow_id = $WorkflowId }
    $r = Invoke-Simulator -Simulator $Simulator -Method POST -Path '/_simulator/gates' -Body $body
    if ($r.Status -ne 200) { throw "arming gate $Name failed: $($r.Status) $($r.Body | ConvertTo-Json -Compress)" }
}

function Wait-SimulatorGate {
    <# Returns once at least -Waiting requests are held at the gate; throws when they are not there within -TimeoutMs. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)][string] $Name, [int] $Waiting = 1, [int] $TimeoutMs = 60000)
    $r = Invoke-Simulator -Simulator $Simulator -Method POST -Path "/_simulator/gates/$Name/_await" -Body @{ waiting = $Waiting; timeout_ms = $TimeoutMs }
    if ($r.Status -ne 200) { throw "fewer than $Waiting held at gate $Name within $TimeoutMs ms: $($r.Body | ConvertTo-Json -Compress -Depth 5)" }
    @($r.Body | ForEach-Object { $_ })
}

function Get-SimulatorGate {
    <# The armed gates, each with the requests it holds (waiting[].workflow_id). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    @((Invoke-Simulator -Simulator $Simulator -Path '/_simulator/gates').Body | ForEach-Object { $_ })
}

function Open-SimulatorGate {
    <# Releases (and disarms) the gates at a hold point; returns how many held requests went on. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)][string] $Name, [string] $WorkflowId)
    $body = if ($WorkflowId) { @{ workflow_id = $WorkflowId } } else { $null }
    [int](Invoke-Simulator -Simulator $Simulator -Method POST -Path "/_simulator/gates/$Name/_release" -Body $body).Body.released
}

function Wait-FlowCondition {
    <#
    .SYNOPSIS
    Polls a condition (a scriptblock) until it returns something true; throws with -Because after -TimeoutSec.
    For events the simulator cannot gate (a request log entry appears when the server is done with a request).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][scriptblock] $Condition, [Parameter(Mandatory)][string] $Because, [int] $TimeoutSec = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $value = & $Condition
        if ($value) { return $value }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting until $Because." }
        Start-Sleep -Milliseconds 50
    }
}

function Start-FlowCommand {
    <#
    .SYNOPSIS
    Runs a script in a new runspace of this process with the module under test imported, without waiting for it.
    The runspace shares this process, so a FlowConnection passed in -Arguments is the very same connection.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Script, [hashtable] $Arguments = @{})
    $ps = [powershell]::Create()
    $null = $ps.AddScript("Import-Module '$env:FLOW_TEST_MODULE'").AddStatement().AddScript($Script)
    foreach ($key in $Arguments.Keys) { $null = $ps.AddParameter($key, $Arguments[$key]) }
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $output)
    [pscustomobject]@{ PowerShell = $ps; Async = $async; Output = $output }
}

function Wait-FlowCommand {
    <#
    .SYNOPSIS
    Waits (at most -TimeoutSec, then stops it and throws) for a Start-FlowCommand to end; returns its output, errors,
    warnings and verbose messages, and disposes it.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Command, [int] $TimeoutSec = 120)
    $ps = $Command.PowerShell
    try {
        if (-not $Command.Async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSec))) {
            $ps.Stop()
            throw "The command did not end within $TimeoutSec s (a hang)."
        }
        $terminating = $null
        try { $null = $ps.EndInvoke($Command.Async) } catch { $terminating = $_ }
        [pscustomobject]@{
            Output      = @($Command.Output | ForEach-Object { $_.psobject.BaseObject })
            Errors      = @($ps.Streams.Error)
            Warnings    = @($ps.Streams.Warning | ForEach-Object Message)
            Verbose     = @($ps.Streams.Verbose | ForEach-Object Message)
            Terminating = $terminating
        }
    }
    finally { $ps.Dispose() }
}

function Split-Output {
    <# Invoke-FlowDeprovision's output split into its leftovers (Left) and its -PassThru results (Result). #>
    param([object[]] $Output)
    [pscustomobject]@{
        Left   = @($Output | Where-Object { $_ -is [FlowFramework.FlowResource] })
        Result = @($Output | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] })
    }
}

function Get-DeprovisionCalls {
    <# The deprovision POSTs of one workflow in the simulator's request log. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)][string] $WorkflowId, [Parameter(Mandatory)] $Simulator)
    @(Get-SimulatorRequests -Simulator $Simulator | Where-Object { $_.method -eq 'POST' -and $_.path -eq "/_plugins/_flow_framework/workflow/$WorkflowId/_deprovision" })
}

function Get-DeprovisionPool {
    <# The simulator's own view of its deprovision pool: max, active threads and queued tasks. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Simulator)
    (Invoke-Simulator -Simulator $Simulator -Path '/_simulator/pools').Body.opensearch_deprovision_workflow
}

Export-ModuleMember -Function Start-FlowSimulator, Stop-FlowSimulator, Invoke-Simulator, New-ProvisionedWorkflow, Get-SimulatorRequests, Invoke-FreshPwsh, Clear-SimulatorState, Add-SimulatorFault, New-FlowTestTemplate, Get-MaxInFlight, Set-SimulatorGate, Wait-SimulatorGate, Get-SimulatorGate, Open-SimulatorGate, Wait-FlowCondition, Start-FlowCommand, Wait-FlowCommand, Get-DeprovisionPool, Split-Output, Get-DeprovisionCalls
