@{
    Synopsis    = 'Waits until Flow Framework workflows finish provisioning, and fails on FAILED with the server''s error.'
    Description = @'
Wait-FlowWorkflow reads GET /_plugins/_flow_framework/workflow/<id>/_status?all=true until the state is COMPLETED or
FAILED, with pauses that start at a quarter of a second and grow by half up to five seconds, and a progress bar per
workflow (state, resources created, time). Workflows are waited for side by side. Busy or unreachable clusters
(429, 502-504, no answer) are waited out until the time limit.

It writes each final FlowWorkflowStatus. A FAILED provisioning also writes a FlowProvisioningFailed error carrying
the server's error text; a NOT_STARTED workflow (nothing is provisioning it) is FlowWorkflowNotProvisioning; a
workflow still provisioning at the limit is FlowWaitTimeout (provisioning goes on on the server).
'@
    Parameters  = @{
        WorkflowId = 'Workflow ids. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id). Tab completion offers the newest templates.'
        TimeoutSec = 'The longest wait for each workflow, in seconds (1 to 86400, default 600).'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                    = 'Workflow ids.'
        'FlowFramework.FlowWorkflow'       = 'Workflows bind by WorkflowId.'
        'FlowFramework.FlowWorkflowStatus' = 'Status objects bind by WorkflowId.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflowStatus' = 'The final status of each workflow (COMPLETED, FAILED, or the last one read).' }
    Examples    = @(
        @{
            Title   = 'Wait for a workflow provisioned elsewhere'
            Code    = @'
Wait-FlowWorkflow 8xL8bowB8y25Tqfenm50 -TimeoutSec 1800
'@
            Remarks = 'Shows progress until the state is COMPLETED or FAILED.'
        }
        @{
            Title   = 'Runbook: fail the job with the server''s reason'
            Code    = @'
try { New-FlowWorkflow -Template ./t.json -Provision | Wait-FlowWorkflow -ErrorAction Stop }
catch { Write-Output "Provisioning failed: $($_.Exception.Message)"; exit 1 }
'@
            Remarks = 'The error message carries the server''s error text, such as the failing step and its cause.'
        }
        @{
            Title   = 'Wait for many, then list the failed ones'
            Code    = @'
$final = Get-FlowWorkflowStatus -State PROVISIONING | Wait-FlowWorkflow -ErrorAction SilentlyContinue
$final | Where-Object State -EQ 'FAILED' | Format-Table WorkflowId, Error
'@
            Remarks = 'Every workflow is waited for side by side; the FAILED ones are still written.'
        }
    )
    Links       = @('Invoke-FlowProvision', 'New-FlowWorkflow', 'Get-FlowWorkflowStatus', 'about_FlowFramework')
}
