@{
    Synopsis    = 'Creates a Flow Framework workflow from a template or a built-in use case, and optionally provisions it and waits.'
    Description = @'
New-FlowWorkflow sends POST /_plugins/_flow_framework/workflow with a template, given as the path of a JSON file, a
JSON string, a hashtable (or PSCustomObject, as ConvertFrom-Json makes) shaped like a template, or with -UseCase as
one of the server's built-in use cases (?use_case=NAME) whose substitutions come from -Parameter, sent as a flat
JSON body. The template is checked to be one JSON object before anything is sent; the server then validates it,
and its validation errors are kept, word for word, in a FlowInvalidTemplate error.

-Provision adds provision=true: the server starts provisioning at once. -Wait then waits until provisioning ends,
reading the status with growing pauses and showing progress (at most 600 seconds; for longer, pipe into
Wait-FlowWorkflow -TimeoutSec). A FAILED provisioning writes the workflow and a FlowProvisioningFailed error that
carries the server's error text, so the runbook can clean up what was created.

Writes one FlowWorkflow per template, with its State.
'@
    Parameters  = @{
        Template   = 'The template: a path to a JSON file (or a FileInfo), a JSON string starting with {, or a hashtable / PSCustomObject with the template''s fields (name, description, use_case, version, workflows.provision.nodes). Accepts pipeline input.'
        UseCase    = 'A built-in use case, such as semantic_search or hybrid_search; tab completion offers the names. Unknown names are the server''s 400, kept in the error.'
        Parameter  = 'With -UseCase: its substitutions, such as @{ ''create_connector.credential.key'' = $key }. Values are sent as strings, in the request body (never in the URL).'
        Provision  = 'Start provisioning as part of the create (provision=true).'
        Wait       = 'With -Provision: wait until provisioning ends (COMPLETED or FAILED), at most 600 seconds, with progress.'
        Connection = 'The cluster to use, from Connect-FlowCluster -PassThru. Defaults to the session connection, then $env:OPENSEARCH_URL, then http://localhost:9200.'
    }
    Inputs      = @{
        'System.String'        = 'Template paths or JSON strings.'
        'System.IO.FileInfo'   = 'Template files, from Get-ChildItem.'
        'System.Collections.Hashtable' = 'Templates as hashtables.'
    }
    Outputs     = @{ 'FlowFramework.FlowWorkflow' = 'The new workflow as the server stores it, with its State (COMPLETED or FAILED after -Wait).' }
    Notes       = 'Supports -WhatIf and -Confirm. A create is never retried: one that got no answer may have happened, so check with Get-FlowWorkflow -Name.'
    Examples    = @(
        @{
            Title   = 'Create, provision and wait in one step'
            Code    = @'
$wf = New-FlowWorkflow -Template ./rag-template.json -Provision -Wait -ErrorAction Stop
Get-FlowWorkflowStatus $wf.WorkflowId | Select-Object -ExpandProperty Resources
'@
            Remarks = 'Stops the script when the server rejects the template or provisioning fails.'
        }
        @{
            Title   = 'From a built-in use case with substitutions'
            Code    = @'
New-FlowWorkflow -UseCase semantic_search -Parameter @{
    'create_ingest_pipeline.model_id' = $modelId
    'create_index.name'               = 'passages'
}
'@
            Remarks = 'Creates the template only; provision it later with Invoke-FlowProvision.'
        }
        @{
            Title   = 'From a hashtable, keeping the workflow when provisioning fails'
            Code    = @'
$template = Get-Content ./template.json -Raw | ConvertFrom-Json -AsHashtable
$template.name = "nightly-$(Get-Date -Format yyyyMMdd)"
$wf = New-FlowWorkflow -Template $template -Provision -Wait -ErrorVariable failed -ErrorAction SilentlyContinue
if ($failed) { $wf | Remove-FlowWorkflow -Deprovision -Force }
'@
            Remarks = 'A FAILED workflow is still written, so what it created can be torn down.'
        }
    )
    Links       = @('Invoke-FlowProvision', 'Wait-FlowWorkflow', 'Get-FlowWorkflow', 'about_FlowFramework')
}
