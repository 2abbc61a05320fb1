# The baselines the module is measured against: what a user scripts without it. Plain Invoke-RestMethod, no status
# reads; the leftovers are only the 202 text.

function Invoke-ResendLoop {
    <#
    .SYNOPSIS
    Calls _deprovision and, while it answers 202, sleeps a fixed time and calls again: every 1 s (a tight loop) or
    after 10 s (the documented advice: upstream's integration tests re-call after about 10 s).
    #>
    param([string] $BaseUrl, [string] $WorkflowId, [double] $IntervalSeconds, [string[]] $AllowDelete = @(), [int] $MaxCalls = 100)
    $uri = "$BaseUrl/_plugins/_flow_framework/workflow/$WorkflowId/_deprovision"
    if ($AllowDelete) { $uri += '?allow_delete=' + ($AllowDelete -join ',') }
    for ($call = 1; $call -le $MaxCalls; $call++) {
        $body = Invoke-RestMethod -Method POST -Uri $uri -SkipHttpErrorCheck -StatusCodeVariable code
        if ($code -eq 200) { return }
        if ($code -ne 202) { return "$WorkflowId HTTP $code $($body.error)" }
        Start-Sleep -Milliseconds ([int]($IntervalSeconds * 1000))
    }
    "$WorkflowId still 202 after $MaxCalls calls"
}

function Invoke-OracleDeprovision {
    <#
    .SYNOPSIS
    The floor: calls _deprovision and, after a 202, asks the simulator when the dependency clears
    (GET /_simulator/clearings, which no real cluster has) and calls again exactly then.
    #>
    param([string] $BaseUrl, [string] $WorkflowId, [int] $MaxCalls = 100)
    $uri = "$BaseUrl/_plugins/_flow_framework/workflow/$WorkflowId/_deprovision"
    for ($call = 1; $call -le $MaxCalls; $call++) {
        $body = Invoke-RestMethod -Method POST -Uri $uri -SkipHttpErrorCheck -StatusCodeVariable code
        if ($code -eq 200) { return }
        if ($code -ne 202) { return "$WorkflowId HTTP $code $($body.error)" }
        $pending = @(Invoke-RestMethod -Uri "$BaseUrl/_simulator/clearings" | ForEach-Object { $_ } | Where-Object { -not $_.cleared })
        if ($pending) {
            $due = ($pending | Measure-Object -Property clears_at_ms -Maximum).Maximum
            $wait = $due - [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
            if ($wait -gt 0) { Start-Sleep -Milliseconds ([int]$wait + 1) }
        }
    }
    "$WorkflowId still 202 after $MaxCalls calls"
}
