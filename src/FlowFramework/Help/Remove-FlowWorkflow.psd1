@{
    Synopsis    = 'Deletes Flow Framework workflows; with -Deprovision, tears down what they created first.'
    Description = @'
Remove-FlowWorkflow sends DELETE /_plugins/_flow_framework/workflow/<id> (with clear_status=true for -ClearStatus).
The server deletes the template, and the state only when it lists no resources or clear_status is set; it never
deletes the resources themselves. So without -Deprovision, a workflow whose state still lists resources keeps
them (and, without -ClearStatus, its state): the cmdlet says so in the confirmation and in a warning, and
Get-FlowWorkflowStatus -HasResources lists such orphans later (HasTemplate False).

With -Deprovision it first runs the same deprovision as Invoke-FlowDeprovision (status, plan, confirmation naming
every step, retries, -AllowDelete, -IncludeModelGroups), and deletes the template only when nothing but retained
resources (model groups the server keeps) is left. Otherwise the leftovers, the warning and the error come out
exactly as from Invoke-FlowDeprovision, and the template stays so that the workflow can be deprovisioned again.
With -ClearStatus, leftovers that are all Missing (deleted outside the workflow, which the server fails on
forever) no longer keep the template: it goes with its state.

ConfirmImpact is High: it asks for each workflow unless -Force is given; -WhatIf shows every step and changes
nothing. Writes nothing for a removed workflow, and the leftovers (FlowResource) of one that is kept.
'@
    Parameters  = @{
        WorkflowId         = 'Workflow ids. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id), so Get-FlowWorkflow and Get-FlowWorkflowStatus objects pipe straight in. Tab completion offers the newest templates.'
        Deprovision        = 'Deprovision first (as Invoke-FlowDeprovision), and delete the template only when nothing but retained resources is left.'
        AllowDelete        = 'With -Deprovision: index and pipeline ids (exact or with * and ?, case-sensitive) the server may delete. Never taken from piped objects.'
        IncludeModelGroups = 'With -Deprovision: once the workflow is clean, delete the model groups it registered. A group that still has models (409) or may not be deleted (403) is a leftover with its reason, and the template stays.'
        ClearStatus        = 'Send clear_status=true: the server deletes the state with the template even when it lists resources (which stay on the cluster, untracked). The way out for Missing leftovers.'
        Force              = 'Do not ask for confirmation. Needed in unattended runs.'
        Connection         = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                    = 'Workflow ids.'
        'FlowFramework.FlowWorkflow'       = 'Workflows bind by WorkflowId.'
        'FlowFramework.FlowWorkflowStatus' = 'Status objects (orphans included) bind by WorkflowId.'
    }
    Outputs     = @{ 'FlowFramework.FlowResource' = 'With -Deprovision, the leftovers of a workflow whose template was kept (Failed, NeedsAllowDelete or Missing, with Reason).' }
    Notes       = 'Exit behaviour: with -ErrorAction Stop, pwsh -Command exits 1 when any workflow is left behind. Ctrl+C stops within a second.'
    Examples    = @(
        @{
            Title   = 'Tear down and delete one workflow'
            Code    = @'
Remove-FlowWorkflow 8xL8bowB8y25Tqfenm50 -Deprovision -AllowDelete my-index, my-pipeline -IncludeModelGroups -WhatIf
Remove-FlowWorkflow 8xL8bowB8y25Tqfenm50 -Deprovision -AllowDelete my-index, my-pipeline -IncludeModelGroups
'@
            Remarks = '-WhatIf lists every step; the second command asks once, then removes everything the workflow created and its template.'
        }
        @{
            Title   = 'Clean every orphan and every leftover on the cluster'
            Code    = @'
Get-FlowWorkflowStatus -HasResources | Remove-FlowWorkflow -Deprovision -AllowDelete 'demo-*' -IncludeModelGroups -Force
'@
            Remarks = 'Orphans (HasTemplate False) are deprovisioned by id like any other workflow; their state goes with the last resource.'
        }
        @{
            Title   = 'The way out for resources deleted by hand'
            Code    = @'
$left = Remove-FlowWorkflow $id -Deprovision -Force -ErrorAction SilentlyContinue
if ($left -and -not ($left | Where-Object Status -NE 'Missing')) { Remove-FlowWorkflow $id -Deprovision -ClearStatus -Force }
'@
            Remarks = 'When only Missing leftovers keep the template, -ClearStatus deletes it with its state.'
        }
    )
    Links       = @('Invoke-FlowDeprovision', 'Get-FlowWorkflowStatus', 'Get-FlowWorkflow', 'about_FlowFramework')
}
