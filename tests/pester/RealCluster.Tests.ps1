# Issue 8 end to end: the packaged module against a simulator that is as unkind as a real cluster (a deprovision pool
# that deadlocks, work that outlives the client, asynchronous deploys, resources deleted by hand).
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.
# Nothing here waits for time to pass: requests are held at the simulator's gates, and overlap is read from the
# request log's start/end timestamps.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    # Defaults as upstream for a 2-processor node: the deprovision pool's max is max(4, 2 - 1) = 4.
    $script:Sim = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20', '--provision-delay-ms', '1'
    $script:Deprovisions = '^/_plugins/_flow_framework/workflow/[^/]+/_deprovision$'

    function script:Get-PoolMax($Simulator) {
        $pool = Invoke-Simulator -Simulator $Simulator -Path '/_nodes/thread_pool'
        @($pool.Body.nodes.PSObject.Properties.Value.thread_pool.opensearch_deprovision_workflow.max | Measure-Object -Minimum)[0].Minimum
    }
    function script:New-Workflows([int] $Count, [string] $Prefix) {
        foreach ($i in 1..$Count) { New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix "$Prefix$i") }
    }
    # A workflow with one resource: a connector (one deprovision step, so the request's own time limit is the
    # server's worst case for one step, about 11 s).
    function script:New-ConnectorTemplate {
        $demo = Get-Content -LiteralPath (Join-Path $env:FLOW_TEST_REPO_ROOT 'demo/demo-template.json') -Raw | ConvertFrom-Json -AsHashtable
        $demo.workflows.provision.nodes = @($demo.workflows.provision.nodes | Where-Object { $_.type -eq 'create_connector' })
        $demo.workflows.provision.Remove('edges')
        $demo
    }
}

AfterAll {
    $script:Sim | Stop-FlowSimulator
}

Describe 'The deprovision pool (max 4 on a 2-processor node)' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim -Config @{ latency_ms = 20 } }
    AfterEach {
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/gates'
        Clear-SimulatorState -Simulator $script:Sim -Config @{ latency_ms = 0 }
    }

    It 'is read as 4 from GET _nodes/thread_pool' {
        Get-PoolMax $script:Sim | Should -Be 4
    }

    It '24 workflows with <Name> end Deprovisioned with at most <Cap> deprovisions in flight, and the pool is idle after' -ForEach @(
        @{ Name = 'the default settings'; Parameters = @{}; Cap = 2; Warned = $false }
        @{ Name = '-ThrottleLimit 16'; Parameters = @{ ThrottleLimit = 16 }; Cap = 3; Warned = $true }
    ) {
        $ids = @(New-Workflows 24 ($Name -replace '\W', '').ToLowerInvariant())
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        $conn = Connect-FlowCluster -Uri $script:Sim.Url -PassThru
        # Hold the first deprovisions at the start of their sequence until as many as the cap are in flight: proof
        # that the run does reach the cap, so the bound below is not met by a run that never overlapped.
        Set-SimulatorGate -Simulator $script:Sim -Name deprovision-start
        $run = Start-FlowCommand -Script 'param($Ids, $Conn, $Parameters) $Ids | Invoke-FlowDeprovision -Connection $Conn -AllowDelete * -Force -PassThru -WarningAction Continue @Parameters' `
            -Arguments @{ Ids = $ids; Conn = $conn; Parameters = $Parameters }
        $held = Wait-SimulatorGate -Simulator $script:Sim -Name deprovision-start -Waiting $Cap
        # The pool holds one thread per held sequence, and one is always left for the steps.
        (Get-DeprovisionPool -Simulator $script:Sim).active | Should -Be $Cap
        Open-SimulatorGate -Simulator $script:Sim -Name deprovision-start | Should -Be $Cap
        $done = Wait-FlowCommand -Command $run -TimeoutSec 180
        $all = Get-SimulatorRequests -Simulator $script:Sim

        $done.Terminating | Should -BeNullOrEmpty
        $done.Errors | Should -HaveCount 0
        $out = Split-Output $done.Output
        $out.Left | Should -HaveCount 0
        $out.Result | Should -HaveCount 24
        @($out.Result.Status | Select-Object -Unique) | Should -Be @('Deprovisioned')
        @($out.Result.WorkflowId | Sort-Object) | Should -Be @($ids | Sort-Object)
        $capWarnings = @($done.Warnings | Where-Object { $_ -like '-ThrottleLimit *' })
        if ($Warned) {
            $capWarnings | Should -HaveCount 1
            $capWarnings[0] | Should -BeLike '-ThrottleLimit 16 is more than this connection allows; running 3 at once. The cluster''s deprovision thread pool has 4 threads*'
        }
        else { $capWarnings | Should -HaveCount 0 }

        $deprovisions = @($all | Where-Object { $_.path -match $script:Deprovisions })
        $deprovisions | Should -HaveCount 24
        @($deprovisions.status | Select-Object -Unique) | Should -Be @(200)
        Get-MaxInFlight -Requests $deprovisions | Should -Be $Cap
        $pool = Get-DeprovisionPool -Simulator $script:Sim
        ($pool.active, $pool.queue) | Should -Be @(0, 0)
    }

    It 'four raw concurrent Invoke-RestMethod deprovisions do hang the node until /_simulator/reset' {
        $ids = @(New-Workflows 4 raw)
        $later = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix later)
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        # All four sequences take a pool thread before any of them runs a step.
        Set-SimulatorGate -Simulator $script:Sim -Name deprovision-start
        $jobs = foreach ($id in $ids) {
            Start-ThreadJob -ArgumentList "$($script:Sim.Url)/_plugins/_flow_framework/workflow/$id/_deprovision?allow_delete=*" -ScriptBlock {
                param($url)
                try { Invoke-RestMethod -Method Post -Uri $url -TimeoutSec 3 -ErrorAction Stop | Out-Null; 'answered' }
                catch { "no answer: $($_.Exception.GetType().Name): $($_.Exception.Message)" }
            }
        }
        try {
            $null = Wait-SimulatorGate -Simulator $script:Sim -Name deprovision-start -Waiting 4
            Open-SimulatorGate -Simulator $script:Sim -Name deprovision-start | Should -Be 4
            # Every thread is a sequence waiting for its first step, which is queued behind them on the same pool.
            $pool = Wait-FlowCondition -Because 'the four sequences have queued their first steps' -TimeoutSec 30 -Condition {
                $p = Get-DeprovisionPool -Simulator $script:Sim
                if ($p.queue -ge 4) { $p }
            }
            ($pool.max, $pool.active, $pool.queue) | Should -Be @(4, 4, 4)
            $answers = @($jobs | Wait-Job -Timeout 60 | Receive-Job)
        }
        finally { $jobs | Remove-Job -Force }
        $answers | Should -HaveCount 4
        $answers | ForEach-Object { $_ | Should -BeLike 'no answer: *Timeout*' }
        # The node still answers everything else, but a later deprovision of another workflow hangs as well.
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$later/_status").Status | Should -Be 200
        { Invoke-RestMethod -Method Post -Uri "$($script:Sim.Url)/_plugins/_flow_framework/workflow/$later/_deprovision" -TimeoutSec 2 } | Should -Throw '*Timeout*'
        (Get-DeprovisionPool -Simulator $script:Sim).queue | Should -Be 5
        # Nothing of the four has been deleted: they never ran a step.
        foreach ($id in $ids) {
            (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.resources_created | Should -HaveCount 6
        }

        (Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_simulator/reset').Status | Should -Be 200
        $pool = Get-DeprovisionPool -Simulator $script:Sim
        ($pool.active, $pool.queue) | Should -Be @(0, 0)
        $fresh = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix afterreset)
        (Invoke-Simulator -Simulator $script:Sim -Method POST -Path "/_plugins/_flow_framework/workflow/$fresh/_deprovision?allow_delete=demo-passages-afterreset,demo-embedding-pipeline-afterreset").Status | Should -Be 200
    }

    It 'two runspaces relying on $env:OPENSEARCH_URL share one connection: together never more than the cap in flight' {
        $ids = @(New-Workflows 12 implicit)
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        $previous = $env:OPENSEARCH_URL
        $env:OPENSEARCH_URL = $script:Sim.Url
        try {
            # Each half asks for the most the connection allows; two separate connections would each allow 3, 6 in
            # all, and the node would hang with 4.
            $halves = @(, $ids[0..5]) + @(, $ids[6..11])
            $results = $halves | ForEach-Object -ThrottleLimit 2 -TimeoutSeconds 180 -Parallel {
                Import-Module $env:FLOW_TEST_MODULE
                $_ | Invoke-FlowDeprovision -AllowDelete * -ThrottleLimit 3 -Force -PassThru -WarningAction SilentlyContinue |
                    Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] }
            }
        }
        finally { $env:OPENSEARCH_URL = $previous }
        $results | Should -HaveCount 12
        @($results.Status | Select-Object -Unique) | Should -Be @('Deprovisioned')
        $deprovisions = @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -match $script:Deprovisions })
        $deprovisions | Should -HaveCount 12
        Get-MaxInFlight -Requests $deprovisions | Should -BeLessOrEqual 3
        @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object path -EQ '/_nodes/thread_pool') | Should -HaveCount 1 -Because 'both runspaces used one connection, which read the pool once'
    }
}

Describe 'A deprovision outlives the client that gave up on it' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim }
    AfterEach { $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/gates' }

    It 'after a client timeout the status is watched and no second POST is sent while the first is still running' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-ConnectorTemplate)
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        # -TimeoutSec 1 on the connection; the deprovision request itself gets the server's worst case for its one
        # step (about 11 s), after which the client gives up while the server still holds the request.
        $conn = Connect-FlowCluster -Uri $script:Sim.Url -TimeoutSec 1 -PassThru
        Set-SimulatorGate -Simulator $script:Sim -Name deprovision-start -WorkflowId $id
        $run = Start-FlowCommand -Script 'param($Id, $Conn) Invoke-FlowDeprovision -WorkflowId $Id -Connection $Conn -Force -PassThru -Verbose' -Arguments @{ Id = $id; Conn = $conn }
        $null = Wait-SimulatorGate -Simulator $script:Sim -Name deprovision-start -Waiting 1
        # The plan's status read, then two reads of the watch: the client has given up and is watching.
        $null = Wait-FlowCondition -Because 'the module watches the status after its request timed out' -TimeoutSec 60 -Condition {
            @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -eq "/_plugins/_flow_framework/workflow/$id/_status" }).Count -ge 3
        }
        # Still exactly one request of this workflow held at the gate: nothing was sent again.
        $gate = @(Get-SimulatorGate -Simulator $script:Sim | Where-Object name -EQ 'deprovision-start')
        @($gate.waiting | Where-Object workflow_id -EQ $id) | Should -HaveCount 1
        Get-DeprovisionCalls -Simulator $script:Sim $id | Should -HaveCount 0 -Because 'the request log records a request when the server is done with it'

        Open-SimulatorGate -Simulator $script:Sim -Name deprovision-start -WorkflowId $id | Should -Be 1
        $done = Wait-FlowCommand -Command $run -TimeoutSec 60
        $out = Split-Output $done.Output
        $out.Result | Should -HaveCount 1
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        $out.Result[0].Attempts | Should -Be 1
        $done.Errors | Should -HaveCount 0
        $posts = @(Get-DeprovisionCalls -Simulator $script:Sim $id)
        $posts | Should -HaveCount 1
        $posts[0].client_disconnected | Should -BeTrue
        $posts[0].status | Should -Be 200
        $statusReads = @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -eq "/_plugins/_flow_framework/workflow/$id/_status" })
        @($statusReads | Where-Object { $_.start_ms -gt $posts[0].end_ms }).Count | Should -BeGreaterOrEqual 1 -Because 'the watch saw the finished deprovision'
        ($done.Verbose -join "`n") | Should -Match 'got no answer within 11\.\d s; the server goes on working on it'
        ($done.Verbose -join "`n") | Should -Match 'The status shows NOT_STARTED'
    }
}

Describe 'Models deploy asynchronously' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim }
    AfterEach {
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/gates'
        Clear-SimulatorState -Simulator $script:Sim -Config @{ deploy_lag_ms = 0 }
    }

    It 'provision then deprovision while the model is still DEPLOYING ends Deprovisioned, and the late deployment changes nothing' {
        # The deployment lands only when the test says so: the deprovision surely meets a DEPLOYING model.
        Set-SimulatorGate -Simulator $script:Sim -Name deploy-complete
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix deploying)
        $model = @((Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.resources_created | Where-Object resource_type -EQ 'model_id')[0].resource_id
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/models/$model").Body.model_state | Should -Be 'DEPLOYING'
        $null = Wait-SimulatorGate -Simulator $script:Sim -Name deploy-complete -Waiting 1

        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -Connection (Connect-FlowCluster -Uri $script:Sim.Url -PassThru) -AllowDelete * -Force -PassThru `
                -ErrorVariable errs -WarningAction SilentlyContinue)
        $errs | Should -HaveCount 0
        $out.Left | Should -HaveCount 0
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        @($out.Result[0].Deprovisioned | Where-Object ResourceId -EQ $model).StepName | Sort-Object | Should -Be @('deploy_model', 'register_remote_model')
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/models/$model").Status | Should -Be 404
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.state | Should -Be 'NOT_STARTED'

        # The deployment that was still under way lands on a model that is gone.
        Open-SimulatorGate -Simulator $script:Sim -Name deploy-complete | Should -Be 1
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/models/$model").Status | Should -Be 404
    }

    It 'with --deploy-lag-ms, the common CI pattern (provision, then tear down at once) ends Deprovisioned with no special parameter' {
        Clear-SimulatorState -Simulator $script:Sim -Config @{ deploy_lag_ms = 1500 }
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix cipattern)
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -Connection (Connect-FlowCluster -Uri $script:Sim.Url -PassThru) -AllowDelete * -Force -PassThru -WarningAction SilentlyContinue)
        $out.Left | Should -HaveCount 0
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.state | Should -Be 'NOT_STARTED'
    }
}

Describe 'A resource deleted outside the workflow' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim }

    It 'ends with that index Missing, everything else deleted, one request, and the way out in the Reason' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix byhand)
        (Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/demo-passages-byhand').Status | Should -Be 200
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -Connection (Connect-FlowCluster -Uri $script:Sim.Url -PassThru) -AllowDelete * -Force -PassThru `
                -ErrorVariable incomplete -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

        $out.Left | Should -HaveCount 1
        $left = $out.Left[0]
        ($left.Status, $left.ResourceType, $left.ResourceId, $left.WorkflowId) | Should -Be @('Missing', 'index_name', 'demo-passages-byhand', $id)
        $left.Reason | Should -BeLike "*HEAD /demo-passages-byhand answered 404*DELETE _plugins/_flow_framework/workflow/$id`?clear_status=true*"
        $out.Result[0].Status | Should -Be 'Partial'
        @($out.Result[0].Deprovisioned.ResourceType | Sort-Object) | Should -Be @('connector_id', 'model_id', 'model_id', 'pipeline_id')
        $incomplete | Should -HaveCount 1
        $incomplete[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionIncomplete*'
        $incomplete[0].ErrorDetails.RecommendedAction | Should -BeLike "*clear_status=true*"
        # Only a Missing leftover is left: retrying cannot help, so it stopped after one request.
        @((Get-DeprovisionCalls -Simulator $script:Sim $id).status) | Should -Be @(202)
        @((Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.resources_created.resource_id) | Should -Be @('demo-passages-byhand')
    }
}
