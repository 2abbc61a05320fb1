@{
    Synopsis    = 'Gets the provisioning state of Flow Framework workflows and the resources each one created.'
    Description = @'
Get-FlowWorkflowStatus calls GET /_plugins/_flow_framework/workflow/<id>/_status for each id and writes one
FlowWorkflowStatus per workflow. Its Resources property lists every resource the workflow created, in the
server's stored order, as FlowResource objects with Status Present: connectors, models and their deployments,
model groups, agents, pipelines and indices.

Ids bind from the pipeline by value and by property name (WorkflowId, Id or workflow_id), so the objects of other
cmdlets and of ConvertFrom-Json can be piped in. A missing workflow is a non-terminating FlowWorkflowNotFound
error and the pipeline goes on; rejected credentials stop the command (FlowAuthenticationFailed).
'@
    Parameters  = @{
        WorkflowId = 'One or more workflow ids, exactly as the create call returned them. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id).'
        All        = 'Ask the server for the whole state document (all=true): provisioning progress, start and end times, and the user are filled in too.'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                = 'Workflow ids.'
        'FlowFramework.FlowResource'   = 'Leftovers of Invoke-FlowDeprovision bind by their WorkflowId property.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflowStatus' = 'WorkflowId, State, ProvisioningProgress, ProvisionStartTime, ProvisionEndTime (UTC), Error, User, TenantId and Resources.' }
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
            Title   = 'Piping leftovers back'
            Code    = @'
$left = Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -Force
$left | Get-FlowWorkflowStatus | Select-Object WorkflowId, State, @{ n = 'Left'; e = { $_.Resources.Count } }
'@
            Remarks = 'Leftover FlowResource objects bind by WorkflowId; each workflow id is read once per object piped.'
        }
    )
    Links       = @('Invoke-FlowDeprovision', 'Connect-FlowCluster')
}
