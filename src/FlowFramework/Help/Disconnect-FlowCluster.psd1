@{
    Synopsis    = 'Forgets the default connection that Connect-FlowCluster set for this session.'
    Description = @'
After Disconnect-FlowCluster the cmdlets fall back to $env:OPENSEARCH_URL and then http://localhost:9200, unless
they are given -Connection. Connection objects kept with -PassThru stay usable.
'@
    Parameters  = @{}
    Inputs      = @{ 'None' = 'This cmdlet takes no pipeline input.' }
    Outputs     = @{ 'None' = 'This cmdlet writes nothing.' }
    Examples    = @(
        @{
            Title   = 'End of a session'
            Code    = 'Disconnect-FlowCluster'
            Remarks = 'Clears the default connection.'
        }
        @{
            Title   = 'Runbook clean-up'
            Code    = @'
try { Connect-FlowCluster $env:OPENSEARCH_URL -Credential $credential; Invoke-FlowDeprovision -WorkflowId $id -Force }
finally { Disconnect-FlowCluster }
'@
            Remarks = 'A runbook leaves no default connection behind, whatever happened.'
        }
        @{
            Title   = 'Back to the environment default'
            Code    = @'
Disconnect-FlowCluster
$env:OPENSEARCH_URL = 'http://127.0.0.1:9200'
Get-FlowWorkflowStatus -WorkflowId 8xL8bowB8y25Tqfenm50
'@
            Remarks = 'Without a default connection the cmdlets use OPENSEARCH_URL.'
        }
    )
    Links       = @('Connect-FlowCluster')
}
