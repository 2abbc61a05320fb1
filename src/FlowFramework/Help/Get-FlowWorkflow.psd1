@{
    Synopsis    = 'Gets Flow Framework workflow templates, each with its provisioning state.'
    Description = @'
Get-FlowWorkflow reads workflow templates: with -WorkflowId, one GET /_plugins/_flow_framework/workflow/<id> per id;
without, every page of POST /_plugins/_flow_framework/workflow/_search (oldest first). It writes one FlowWorkflow
per template as each page arrives: WorkflowId, Name, Description, UseCase, Version, CreatedTime, LastUpdatedTime,
LastProvisionedTime and State. State comes from one state search for the ids of each page (not one request per
workflow); it is empty for a template without a state, and a warning says so when the user may not read states.

-Name takes exact names and wildcards (* and ?). The server's name.keyword field matches case-sensitively, so the
search is narrowed on the server with the same patterns and the result is then filtered exactly, case-sensitively,
on the client. -UseCase matches the template's use_case field in any case.

The objects bind by WorkflowId to every cmdlet that takes -WorkflowId. A missing id is a non-terminating
FlowWorkflowNotFound error and the pipeline goes on; rejected credentials stop the command.
'@
    Parameters  = @{
        WorkflowId = 'Workflow ids to read (one GET each). Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id). Without it, every template is listed. Tab completion offers the ids and names of the newest templates.'
        Name       = 'Template names, exactly or with wildcards (* and ?), case-sensitive like the server''s keyword match. A template is kept when any pattern matches.'
        UseCase    = 'Use cases: keeps templates whose use_case field equals one of them, in any case (a template made from the semantic_search use case has use_case SEMANTIC_SEARCH). Tab completion offers the built-in use case names.'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                    = 'Workflow ids.'
        'FlowFramework.FlowWorkflowStatus' = 'Status objects bind by WorkflowId.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflow' = 'WorkflowId, Name, Description, UseCase, Version, CreatedTime, LastUpdatedTime, LastProvisionedTime (UTC) and State.' }
    Examples    = @(
        @{
            Title   = 'Interactive: every workflow on the cluster'
            Code    = @'
Get-FlowWorkflow | Sort-Object LastProvisionedTime | Format-Table WorkflowId, Name, State, LastProvisionedTime
'@
            Remarks = 'Reads every page of the template search; State comes from one state search per page.'
        }
        @{
            Title   = 'By name pattern and use case'
            Code    = @'
Get-FlowWorkflow -Name 'rag-*', 'demo-?' -UseCase semantic_search
'@
            Remarks = 'Names are case-sensitive, as on the server; the use case matches in any case.'
        }
        @{
            Title   = 'Runbook: tear down every failed workflow of a team'
            Code    = @'
Get-FlowWorkflow -Name 'team-a-*' | Where-Object State -EQ 'FAILED' |
    Remove-FlowWorkflow -Deprovision -AllowDelete 'team-a-*' -Force -ErrorAction Continue -ErrorVariable failed
if ($failed) { exit 1 }
'@
            Remarks = 'The objects bind by WorkflowId; each template is deleted once its workflow is clean.'
        }
    )
    Links       = @('Get-FlowWorkflowStatus', 'New-FlowWorkflow', 'Remove-FlowWorkflow', 'about_FlowFramework')
}
