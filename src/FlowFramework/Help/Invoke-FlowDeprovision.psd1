@{
    Synopsis    = 'Deprovisions Flow Framework workflows, retrying until dependencies let go, and writes what is still left.'
    Description = @'
Invoke-FlowDeprovision reads each workflow's state, shows the plan (every step in the server's reverse order)
for confirmation, and calls POST /_plugins/_flow_framework/workflow/<id>/_deprovision. When the server answers
202 because a model is still deployed or a connector still used, it reads the leftovers from the status API and
watches what blocks them (the model's state, the models using the connector) about every quarter to half second,
and tries again as soon as it is gone. When nothing tells what blocks them (a denied read, another kind of
resource) it waits instead (exponential delay with jitter from about one second, capped at 30 seconds). It goes on
until everything is gone, -MaxAttempts or -TimeoutSec is reached, or the same leftovers keep failing for 60
seconds. A busy cluster (429, 502, 503, 504, timeouts, resets) is waited out with that delay, at least its
Retry-After, also on the status read that comes before the plan.

What is still left is written as FlowResource objects (Status Failed with a Reason, or NeedsAllowDelete), which
can be piped straight back in: the pipe carries the workflow ids, and any number of leftovers of one workflow
cause one deprovision of that workflow. -AllowDelete is never taken from the piped objects: deleting an index or a
pipeline always needs the ids or wildcards on the command line.

Indices and ingest or search pipelines are deleted only when their ids are passed to -AllowDelete (the server's
allow_delete). Model groups are dropped from the workflow by the server without being deleted: they are reported
as Retained, with a warning. Resources the workflow did not create are never touched.

Errors are non-terminating, one per workflow, with ids a runbook can match: FlowDeprovisionIncomplete,
FlowDeprovisionNeedsAllowDelete, FlowWorkflowNotFound, FlowAccessDenied, FlowThrottled, FlowClusterUnavailable,
FlowInvalidResponse, FlowInvalidWorkflowId. Rejected credentials (FlowAuthenticationFailed) stop the command.
With -ErrorAction Stop, pwsh -Command exits non-zero whenever anything is left.
'@
    Parameters  = @{
        WorkflowId    = 'One or more workflow ids. Accepts pipeline input by value and by property name (WorkflowId, Id, workflow_id), so leftovers and status objects pipe straight in.'
        AllowDelete   = 'Index and pipeline ids the server may delete, exactly or with wildcards (* and ?), case-sensitive like the server. They are matched against the index_name and pipeline_id resources of each workflow; a pattern that matches nothing is a warning.'
        MaxAttempts   = 'How many deprovision requests to send per workflow at most (1 to 1000, default 10).'
        TimeoutSec    = 'Time limit for each workflow''s whole run, in seconds (default 300). No attempt starts after it; the leftovers are reported with FlowDeprovisionIncomplete (OperationTimeout). The limit of one request is the connection''s (Connect-FlowCluster -TimeoutSec).'
        ThrottleLimit = 'How many workflows are deprovisioned at the same time (1 to 64, default 2). Never more than the connection allows: one fewer than the smallest opensearch_deprovision_workflow pool max of the nodes (GET _nodes/thread_pool, read once per connection; 4 assumed when it cannot be read, for example for users without cluster monitor rights, so 3). The server runs each deprovision on that pool and blocks one thread while its steps queue on the same pool, so as many requests in flight as the pool has threads hang every deprovision on the node until it restarts. The cap holds for the connection as a whole, across pipelines, runspaces and ForEach-Object -Parallel that share it; asking for more is a warning and runs at the cap.'
        IncludeModelGroups = 'Once the server reports a workflow clean, delete the model groups it registered (DELETE _plugins/_ml/model_groups/<id>), which the server itself keeps. A group that still has models (HTTP 409, models registered outside the workflow) or may not be deleted (403) stays, as a Failed leftover whose Reason has the server''s text and the way out. Without the switch, model groups are reported as Retained. Groups of a workflow that is not clean are not touched.'
        PassThru      = 'Also write one FlowDeprovisionResult per workflow: Status, Attempts, Duration, Deprovisioned, Remaining, Retained and AllowDeleteSent (also for workflows not found).'
        Force         = 'Do not ask for confirmation. Needed in unattended runs, where no one can answer the prompt.'
        Connection    = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'                    = 'Workflow ids.'
        'FlowFramework.FlowResource'       = 'Leftovers of an earlier run; they bind by WorkflowId.'
        'FlowFramework.FlowWorkflowStatus' = 'Status objects bind by WorkflowId.'
    }
    Outputs     = @{
        'FlowFramework.FlowResource'          = 'Each resource still left when the retries stop: Status Failed (with Reason and Attempts) or NeedsAllowDelete.'
        'FlowFramework.FlowDeprovisionResult' = 'With -PassThru, one per workflow.'
    }
    Notes       = 'Exit behaviour: run from pwsh -Command with -ErrorAction Stop, the process exits with 1 when any workflow has leftovers or fails, and 0 when all are deprovisioned. Ctrl+C stops within a second.'
    Examples    = @(
        @{
            Title   = 'Interactive: preview, then deprovision'
            Code    = @'
Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -WhatIf
Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -Verbose
'@
            Remarks = '-WhatIf names every step in the order the server will run it and changes nothing; the second command asks once, then shows each request and retry.'
        }
        @{
            Title   = 'Piping leftovers back with permission to delete an index'
            Code    = @'
$left = Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -Force
$left | Format-Table Status, ResourceType, ResourceId, Reason
$left | Invoke-FlowDeprovision -AllowDelete my-index, my-pipeline -Force
'@
            Remarks = 'The first run leaves the index and pipeline (they need permission); the second deletes them. Several leftovers of one workflow cause one deprovision.'
        }
        @{
            Title   = 'Unattended runbook'
            Code    = @'
Connect-FlowCluster $env:OPENSEARCH_URL -Credential $credential -ErrorAction Stop
$results = Get-Content ./workflows.txt |
    Invoke-FlowDeprovision -AllowDelete 'demo-*' -TimeoutSec 600 -ThrottleLimit 3 -Force -PassThru -ErrorAction Continue -ErrorVariable failures |
    Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] }
$results | Format-Table WorkflowId, Status, Attempts, Duration
if ($failures) { exit 1 }
'@
            Remarks = 'Deprovisions many workflows, four at a time, deleting indices and pipelines whose ids start with demo-, and fails the job when anything is left.'
        }
    )
    Links       = @('Get-FlowWorkflowStatus', 'Remove-FlowWorkflow', 'Connect-FlowCluster', 'about_FlowFramework')
}
