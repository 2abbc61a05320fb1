# The baseline: what the documentation leaves a user to write. Call _deprovision; on 202 wait a fixed 10 s and call
# again (up to 10 times); no status read, the leftovers are only the 202 text.
function Invoke-BaselineDeprovision {
    param([string] $BaseUrl, [string] $WorkflowId, [int] $WaitSeconds = 10, [int] $MaxCalls = 10)
    for ($call = 1; $call -le $MaxCalls; $call++) {
        $body = Invoke-RestMethod -Method POST -Uri "$BaseUrl/_plugins/_flow_framework/workflow/$WorkflowId/_deprovision" -SkipHttpErrorCheck -StatusCodeVariable code
        if ($code -eq 200) { return }
        if ($code -ne 202) { return "$WorkflowId $code $($body.error)" }
        Start-Sleep -Seconds $WaitSeconds
    }
    "$WorkflowId still 202 after $MaxCalls calls"
}
