#Requires -Version 7.2
<#
.SYNOPSIS
The FlowFramework demo: provision a small semantic-search workflow on the bundled simulator, then tear it down.

.DESCRIPTION
Starts the simulator (a local stand-in for an OpenSearch node with Flow Framework and ML Commons) on a free
loopback port with an undeploy lag, so the first deprovision answer is a 202 like on a real cluster. Then:
provisions demo/demo-template.json, shows its resources, deprovisions with -Verbose so the retries show, shows the
index and pipeline that need explicit permission, pipes them back with -AllowDelete, and shows the workflow empty.
Then the lifecycle: a second workflow provisioned with New-FlowWorkflow -Provision -Wait is orphaned by deleting its
template, found with Get-FlowWorkflowStatus -HasResources, and removed with Remove-FlowWorkflow -Deprovision.
The simulator is stopped at the end, also on Ctrl+C. Exit code 0 only when the workflow ends empty.

.EXAMPLE
dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $SimulatorDll,
    [string] $Template = (Join-Path $PSScriptRoot 'demo-template.json'),
    [int] $UndeployLagMs = 1500
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$wall = [System.Diagnostics.Stopwatch]::StartNew()
$script:step = 0

function Write-Step([string] $Title, [string] $Explanation) {
    $script:step++
    Write-Host ''
    Write-Host "== Step $($script:step): $Title" -ForegroundColor Cyan
    if ($Explanation) { Write-Host "   $Explanation" -ForegroundColor DarkGray }
}

function Write-Note([string] $Text, [string] $Color = 'Gray') { Write-Host "   $Text" -ForegroundColor $Color }

function Show-Table($InputObject, [object[]] $Property) {
    # Tables go through Out-Host so they print in order with the narration.
    if ($Property) { $InputObject | Format-Table -Property $Property -AutoSize -Wrap | Out-Host }
    else { $InputObject | Format-Table -AutoSize -Wrap | Out-Host }
}

$simulator = $null
$exitCode = 1
$finished = $false   # stays $false only when Ctrl+C stops the script
try {
    Write-Step 'Start a local test cluster' `
        "The simulator behaves like an OpenSearch node with the Flow Framework and ML Commons plugins. It keeps a model 'deployed' for $UndeployLagMs ms after it is undeployed, like a real cluster whose nodes are still catching up."
    Import-Module (Join-Path $PSScriptRoot '../build/SimulatorProcess.psm1')
    $simulator = Start-FlowSimulator -SimulatorDll $SimulatorDll -ArgumentList @('--undeploy-lag-ms', "$UndeployLagMs")
    $url = $simulator.Url
    Write-Note "Listening on $url"

    Write-Step 'Connect to it' 'Connect-FlowCluster checks the address with GET / and makes it the default for this session.'
    Import-Module -Name (Resolve-Path -LiteralPath $ModuleManifest).ProviderPath -Force
    Connect-FlowCluster -Uri $url

    Write-Step 'Provision a workflow' "POST /_plugins/_flow_framework/workflow?provision=true with $(Split-Path -Leaf $Template): a connector to an embedding service, a remote model registered and deployed on it, an ingest pipeline that uses the model, an index that uses the pipeline, and a model group."
    $created = Invoke-RestMethod -Method Post -Uri "$url/_plugins/_flow_framework/workflow?provision=true" -ContentType 'application/json' -Body (Get-Content -LiteralPath $Template -Raw)
    $workflowId = $created.workflow_id
    $provisionDeadline = [DateTime]::UtcNow.AddSeconds(30)
    do {
        Start-Sleep -Milliseconds 100
        $state = (Invoke-RestMethod -Uri "$url/_plugins/_flow_framework/workflow/$workflowId/_status").state
    } while ($state -ne 'COMPLETED' -and $state -ne 'FAILED' -and [DateTime]::UtcNow -lt $provisionDeadline)
    if ($state -ne 'COMPLETED') { throw "Provisioning of $workflowId ended in state $state." }
    Write-Note "Workflow $workflowId is provisioned (state $state)."

    $setupRequests = @((Invoke-RestMethod -Uri "$url/_simulator/requests") | ForEach-Object { $_ }).Count

    Write-Step 'What did it create?' 'Get-FlowWorkflowStatus -All reads the workflow state; Resources lists everything provisioning created, in the order the server stored it. The model appears twice: once registered, once deployed.'
    $status = Get-FlowWorkflowStatus -WorkflowId $workflowId -All
    Show-Table $status -Property WorkflowId, State, ProvisioningProgress, @{ n = 'Resources'; e = { $_.Resources.Count } }
    Show-Table $status.Resources -Property StepName, StepId, ResourceType, ResourceId

    Write-Step 'Preview the teardown' 'With -WhatIf nothing is sent that changes the cluster; every step is listed in the order the server will run it.'
    Invoke-FlowDeprovision -WorkflowId $workflowId -WhatIf

    Write-Step 'Deprovision, with retries' 'Invoke-FlowDeprovision -Force -Verbose. VERBOSE lines show each request and each retry decision. Expect an HTTP 202 first (the model is still being undeployed, so the connector cannot go yet), a short wait, then a second attempt. The index and the pipeline stay: the server deletes those only with explicit permission (allow_delete).'
    $firstRun = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @(Invoke-FlowDeprovision -WorkflowId $workflowId -Force -Verbose -PassThru -ErrorAction SilentlyContinue -ErrorVariable deprovisionErrors)
    $firstRun.Stop()
    $left = @($output | Where-Object { $_ -is [FlowFramework.FlowResource] })
    $firstResult = $output | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] } | Select-Object -First 1
    Write-Note "Result: $($firstResult.Status) after $($firstResult.Attempts) attempts in $([math]::Round($firstRun.Elapsed.TotalSeconds, 1)) s."
    foreach ($e in $deprovisionErrors) {
        Write-Note "The module reported (as a non-terminating error, $($e.FullyQualifiedErrorId.Split(',')[0])):" Yellow
        Write-Note $e.Exception.Message Yellow
        if ($e.ErrorDetails -and $e.ErrorDetails.RecommendedAction) { Write-Note $e.ErrorDetails.RecommendedAction Yellow }
    }
    if ($firstResult.Retained) {
        Write-Note "Retained (the server dropped it from the workflow but did not delete it): $(($firstResult.Retained | ForEach-Object { "$($_.ResourceType) $($_.ResourceId)" }) -join ', ')"
    }

    Write-Step 'What is left?' 'The leftovers are FlowResource objects, so they can be inspected, filtered, and piped straight back in.'
    Show-Table $left -Property Status, ResourceType, ResourceId, Reason
    if ($left.Count -eq 0) { throw 'Expected the index and the pipeline to be left over; nothing was.' }

    Write-Step 'Give permission and finish' "`$left | Invoke-FlowDeprovision -AllowDelete $(($left.ResourceId) -join ',') -Force. All piped leftovers of one workflow cause a single deprovision call."
    $secondRun = [System.Diagnostics.Stopwatch]::StartNew()
    $second = @($left | Invoke-FlowDeprovision -AllowDelete $left.ResourceId -Force -PassThru)
    $secondRun.Stop()
    $secondResult = $second | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] } | Select-Object -First 1
    $stillLeft = @($second | Where-Object { $_ -is [FlowFramework.FlowResource] })
    Show-Table $secondResult -Property WorkflowId, Status, Attempts, @{ n = 'Deprovisioned'; e = { $_.Deprovisioned.Count } }, @{ n = 'Remaining'; e = { $_.Remaining.Count } }, @{ n = 'AllowDeleteSent'; e = { $_.AllowDeleteSent -join ',' } }

    Write-Step 'Check the workflow is empty' 'A fully deprovisioned workflow is back to NOT_STARTED with no resources; its template is kept, so it could be provisioned again.'
    $final = Get-FlowWorkflowStatus -WorkflowId $workflowId -All
    Show-Table $final -Property WorkflowId, State, ProvisioningProgress, @{ n = 'Resources'; e = { $_.Resources.Count } }

    # The teardown story's numbers, before the lifecycle steps below add their own requests.
    $log = Invoke-RestMethod -Uri "$url/_simulator/requests"
    $requests = @($log | ForEach-Object { $_ })   # the log is one JSON array; enumerate it

    Write-Step 'Someone deletes a template that still has resources' 'New-FlowWorkflow -Provision -Wait provisions a second copy; then Remove-FlowWorkflow without -Deprovision does what the Dashboards delete dialog does: the server deletes the template and keeps the state with its resources, an orphan. The module warns.'
    $copy = (Get-Content -LiteralPath $Template -Raw).Replace('"flowframework-demo-models"', '"flowframework-demo-models-2"').Replace('"demo-embedding-pipeline"', '"demo-embedding-pipeline-2"').Replace('"demo-passages"', '"demo-passages-2"')
    $second = New-FlowWorkflow -Template $copy -Provision -Wait -ErrorAction Stop
    Show-Table $second -Property WorkflowId, Name, State
    Remove-FlowWorkflow $second.WorkflowId -Force

    Write-Step 'Find what is left' 'Get-FlowWorkflowStatus -HasResources reads every page of the state search; HasTemplate shows the orphan.'
    $leftovers = @(Get-FlowWorkflowStatus -HasResources)
    Show-Table $leftovers -Property WorkflowId, State, @{ n = 'Resources'; e = { $_.Resources.Count } }, HasTemplate
    if (-not ($leftovers | Where-Object { $_.WorkflowId -eq $second.WorkflowId -and $_.HasTemplate -eq $false })) { throw 'Expected the orphan to be listed with HasTemplate False.' }

    Write-Step 'Remove everything' "Get-FlowWorkflowStatus -HasResources | Remove-FlowWorkflow -Deprovision -AllowDelete 'demo-*' -IncludeModelGroups -Force: each workflow is deprovisioned, its model groups deleted once it is clean, then its template (the orphan has none left). The first workflow, already empty, loses its template too."
    $leftovers | Remove-FlowWorkflow -Deprovision -AllowDelete 'demo-*' -IncludeModelGroups -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'model group|template' } | ForEach-Object { Write-Note $_.Message DarkGray }
    Remove-FlowWorkflow $workflowId -Deprovision -Force
    $stillHolding = @(Get-FlowWorkflowStatus -HasResources)
    $templatesLeft = @(Get-FlowWorkflow)
    Write-Note "Workflows holding resources: $($stillHolding.Count); templates left: $($templatesLeft.Count)."
    $lifecycleClean = $stillHolding.Count -eq 0 -and $templatesLeft.Count -eq 0

    Write-Step 'Summary'
    $deprovisionCalls = @($requests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/_deprovision' })
    $clean = $final.State -eq 'NOT_STARTED' -and $final.Resources.Count -eq 0 -and $stillLeft.Count -eq 0 -and $secondResult.Status -eq 'Deprovisioned' -and $lifecycleClean
    $wall.Stop()
    Write-Note "Requests sent to the cluster for the teardown: $($requests.Count) in all: $setupRequests to connect and provision, $($requests.Count - $setupRequests) by the module's status and deprovision cmdlets ($($deprovisionCalls.Count) deprovision calls)."
    Write-Note ("Time: first deprovision {0:N1} s, second {1:N1} s; whole demo {2:N1} s (wall clock, simulator start included)." -f $firstRun.Elapsed.TotalSeconds, $secondRun.Elapsed.TotalSeconds, $wall.Elapsed.TotalSeconds)
    if ($clean) {
        Write-Note "Workflow $workflowId is fully deprovisioned." Green
        $exitCode = 0
    }
    else {
        Write-Note "The workflow did not end clean: state $($final.State), $($final.Resources.Count) resources left." Red
    }
    $finished = $true
}
catch {
    Write-Host "Demo failed: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host $_.ScriptStackTrace -ForegroundColor DarkGray
    $exitCode = 1
    $finished = $true
}
finally {
    # Runs on success, on failure and on Ctrl+C: never leave the simulator behind.
    if ($simulator -and -not $simulator.Process.HasExited) {
        $simulator | Stop-FlowSimulator
        Write-Host ''
        Write-Host 'Stopped the simulator.' -ForegroundColor DarkGray
    }
    if (-not $finished) {
        # Ctrl+C: PowerShell would otherwise end with exit code 0; an interrupted demo did not end clean.
        Write-Host 'Interrupted.' -ForegroundColor Yellow
        [Environment]::Exit(130)
    }
}
exit $exitCode
