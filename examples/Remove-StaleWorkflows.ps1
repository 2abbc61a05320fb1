<#
.SYNOPSIS
A teardown runbook: removes every workflow that still holds resources (orphans included), with its model groups.
#>
[CmdletBinding()]
param(
    # Indices and pipelines the runbook may delete (exact ids or wildcards).
    [string[]] $AllowDelete = @()
)
$ErrorActionPreference = 'Stop'
Get-FlowWorkflowStatus -HasResources |
    Remove-FlowWorkflow -Deprovision -AllowDelete $AllowDelete -IncludeModelGroups -Force
