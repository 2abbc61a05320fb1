@{
    Synopsis    = 'Gets the provisioning state of Flow Framework workflows and the resources each one created.'
    Description = @'
Get-FlowWorkflowStatus calls GET /_plugins/_flow_framework/workflow/<id>/_status for each id and writes one
FlowWorkflowStatus per workflow. Without ids it lists the state documents instead (every page of
POST /_plugins/_flow_framework/workflow/state/_search, in workflow id order), narrowed with -State and
-HasResources.

HasTemplate says whether the workflow's template still exists (one template search per batch of states):
False marks an orphan, a state whose template was deleted while its resources are still on the cluster (the
Dashboards delete dialog does that). Orphans pipe into Invoke-FlowDeprovision like any other workflow. Its Resources property lists every resource the workflow created, in the
server's stored order, as FlowResource objects with Status Present: connectors, models and their deployments,
model groups, agents, pipelines and indices.

Ids bind from the pipeline by value and by property name (WorkflowId, Id or workflow_id), so the objects of other
cmdlets and of ConvertFrom-Json can be piped in. A missing workflow is a non-terminating FlowWorkflowNotFound
error and the pipeline goes on; rejected credentials stop the command (FlowAuthenticationFailed).
'@
    Parameters  = @{
        WorkflowId = 'One or more workflow ids, exactly as the create call returned them. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id).'
        State        = 'Without ids: only workflows in these states (NOT_STARTED, PROVISIONING, FAILED, COMPLETED).'
        HasResources = 'Without ids: only workflows whose state still lists resources (what is left to tear down), orphans included.'
        All        = 'Ask the server for the whole state document (all=true): provisioning progress, start and end times, and the user are filled in too.'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                = 'Workflow ids.'
        'FlowFramework.FlowResource'   = 'Leftovers of Invoke-FlowDeprovision bind by their WorkflowId property.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflowStatus' = 'WorkflowId, State, ProvisioningProgress, ProvisionStartTime, ProvisionEndTime (UTC), Error, User, TenantId, Resources and HasTemplate.' }
    Examples    = @(
        @{
            Title   = 'Interactive: what did a workflow create?'
            Code    = @'
$status = Get-FlowWorkflowStatus -WorkflowId 8xL8bowB8y25Tqfenm50 -All
$status.Resources | Format-Table StepName, ResourceType, ResourceId
'@
            Remarks = 'Shows the state and every resource in the order the server stored them.'
        }
        @{
            Title   = 'Runbook: wait until provisioning is over'
            Code    = @'
do { Start-Sleep -Seconds 5; $s = Get-FlowWorkflowStatus $workflowId -ErrorAction Stop } while ($s.State -eq 'PROVISIONING')
if ($s.State -eq 'FAILED') { throw "Provisioning failed: $($s.Error)" }
'@
            Remarks = 'Stops the runbook on any error, and on a failed provisioning.'
        }
        @{
            Title   = 'Find everything that still holds resources, orphans included, and tear it down'
            Code    = @'
$left = Get-FlowWorkflowStatus -HasResources
$left | Format-Table WorkflowId, State, HasTemplate, @{ n = 'Resources'; e = { $_.Resources.Count } }
$left | Where-Object HasTemplate -EQ $false | Invoke-FlowDeprovision -Force
'@
            Remarks = 'Lists every workflow whose state lists resources (all pages); the orphans, whose template is gone, are deprovisioned by id like any other.'
        }
        @{
            Title   = 'Piping leftovers back'
            Code    = @'
$left = Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -Force
$left | Get-FlowWorkflowStatus | Select-Object WorkflowId, State, @{ n = 'Left'; e = { $_.Resources.Count } }
'@
            Remarks = 'Leftover FlowResource objects bind by WorkflowId; each workflow id is read once per object piped.'
        }
    )
    Links       = @('Invoke-FlowDeprovision', 'Remove-FlowWorkflow', 'Get-FlowWorkflow', 'about_FlowFramework')
}
