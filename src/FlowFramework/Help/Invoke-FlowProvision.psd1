@{
    Synopsis    = 'Provisions Flow Framework workflows, optionally waiting until provisioning ends.'
    Description = @'
Invoke-FlowProvision sends POST /_plugins/_flow_framework/workflow/<id>/_provision for each workflow. -Parameter
fills the template's ${{key}} placeholders; it is sent as a flat JSON body, so secrets never appear in a URL or a
log. The server provisions only a workflow whose state is NOT_STARTED; its refusal (HTTP 400) keeps its text in a
FlowProvisionRejected error.

Without -Wait it writes each workflow's status right after the server accepted (usually PROVISIONING). With -Wait
it waits for all of them side by side until each is COMPLETED or FAILED (at most 600 seconds each; for longer,
pipe into Wait-FlowWorkflow -TimeoutSec), with one progress bar per workflow, and writes the final status; a
FAILED provisioning is a FlowProvisioningFailed error carrying the server's error text.
'@
    Parameters  = @{
        WorkflowId = 'Workflow ids. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id). Tab completion offers the newest templates.'
        Parameter  = 'Substitutions for the template''s ${{key}} placeholders, such as @{ api_key = $key }. Values are sent as strings (true/false for booleans).'
        Wait       = 'Wait until provisioning ends (COMPLETED or FAILED), at most 600 seconds per workflow, with progress.'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'              = 'Workflow ids.'
        'FlowFramework.FlowWorkflow' = 'Workflows from Get-FlowWorkflow or New-FlowWorkflow bind by WorkflowId.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflowStatus' = 'Each workflow''s status: right after the start, or the final one with -Wait.' }
    Notes       = 'Supports -WhatIf and -Confirm.'
    Examples    = @(
        @{
            Title   = 'Provision and wait'
            Code    = @'
Invoke-FlowProvision 8xL8bowB8y25Tqfenm50 -Wait -ErrorAction Stop | Select-Object -ExpandProperty Resources
'@
            Remarks = 'Stops on FAILED with the server''s error text.'
        }
        @{
            Title   = 'Secrets as substitutions'
            Code    = @'
$key = (Get-Secret openai -AsPlainText)
Invoke-FlowProvision $workflowId -Parameter @{ openai_key = $key } -Wait
'@
            Remarks = 'The parameters travel in the request body only.'
        }
        @{
            Title   = 'Re-provision every workflow of a name after a reset'
            Code    = @'
Get-FlowWorkflow -Name 'lab-*' | Where-Object State -EQ 'NOT_STARTED' | Invoke-FlowProvision -Wait
'@
            Remarks = 'Waits for all of them side by side.'
        }
    )
    Links       = @('Wait-FlowWorkflow', 'New-FlowWorkflow', 'Invoke-FlowDeprovision', 'about_FlowFramework')
}
