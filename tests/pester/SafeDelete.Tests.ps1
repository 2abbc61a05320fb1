# ML Commons' safe delete (plugins.ml_commons.safe_delete_model) end to end: the packaged module against the simulator.
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    $script:Sim = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20'
    $script:Conn = Connect-FlowCluster -Uri $script:Sim.Url -PassThru
    $r = Invoke-Simulator -Simulator $script:Sim -Method PUT -Path '/_cluster/settings' -Body @{ persistent = @{ 'plugins.ml_commons.safe_delete_model' = $true } }
    if ($r.Status -ne 200) { throw "safe delete could not be turned on: $($r.Status)" }
}

AfterAll {
    Disconnect-FlowCluster -ErrorAction SilentlyContinue
    $script:Sim | Stop-FlowSimulator
}

Describe 'A model its own ingest pipeline uses' {
    BeforeAll {
        Clear-SimulatorState -Simulator $script:Sim
        $script:Id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix safe)
        $output = Invoke-FlowDeprovision -WorkflowId $script:Id -Force -PassThru -Connection $script:Conn `
            -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $script:First = Split-Output $output
        $script:Errors = @($errors)
        $script:Calls = Get-DeprovisionCalls -Simulator $script:Sim $script:Id
    }

    It 'stops after the second answer, not at the stall time, leaving the model with a Reason naming the pipeline' {
        @($script:Calls.status) | Should -Be @(202, 202)
        # The run's last request came within seconds of its first, far from the 60 s stall rule.
        $requests = @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -notlike '/_simulator*' })
        ($requests[-1].end_ms - $script:Calls[0].start_ms) | Should -BeLessThan 10000
        $script:First.Result[0].Status | Should -Be 'Partial'
        $model = @($script:First.Left | Where-Object { $_.Status -eq 'Failed' -and $_.ResourceType -eq 'model_id' })
        $model | Should -HaveCount 1
        $model[0].Reason | Should -Match "used by this workflow's ingest pipeline demo-embedding-pipeline-safe"
        $model[0].Reason | Should -Match "allow 'demo-embedding-pipeline-safe'"
    }

    It 'says in the error which -AllowDelete lets the model go' {
        $script:Errors | Should -HaveCount 1
        $script:Errors[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionIncomplete*'
        $script:Errors[0].ErrorDetails.RecommendedAction | Should -Match '-AllowDelete demo-embedding-pipeline-safe'
    }

    It 'is Deprovisioned with -AllowDelete for the pipeline and the index' {
        $result = Split-Output ($script:First.Left | Invoke-FlowDeprovision -AllowDelete demo-embedding-pipeline-safe, demo-passages-safe -Force -PassThru -Connection $script:Conn -WarningAction SilentlyContinue)
        $result.Result[0].Status | Should -Be 'Deprovisioned'
        $result.Left | Should -BeNullOrEmpty
    }
}

Describe 'A model an agent outside the workflow uses' {
    It 're-sends once the agent is gone and ends Deprovisioned' {
        Clear-SimulatorState -Simulator $script:Sim
        $template = @{
            name = 'safe-delete-agent'
            workflows = @{ provision = @{ nodes = @(
                @{ id = 'connector'; type = 'create_connector'; user_inputs = @{
                    name = 'c'; description = 'd'; version = '1'; protocol = 'http'; parameters = @{ endpoint = 'api.example.invalid' }
                    credential = @{ key = 'not-a-secret' }; actions = @(@{ action_type = 'predict'; method = 'POST'; url = 'https://api.example.invalid/' }) } }
                @{ id = 'model'; type = 'register_remote_model'; previous_node_inputs = @{ connector = 'connector_id' }; user_inputs = @{ name = 'm'; deploy = $true } }
            ) } }
        }
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template $template
        $modelId = ((Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$id/_status").Body.resources_created | Where-Object workflow_step_name -EQ 'register_remote_model').resource_id
        $agent = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_ml/agents/_register' -Body @{
            name = 'outside'; type = 'flow'; tools = @(@{ type = 'MLModelTool'; parameters = @{ model_id = $modelId; prompt = 'p' } }) }
        $agentId = $agent.Body.agent_id

        $run = Start-FlowCommand -Script 'param($Id, $Conn) Invoke-FlowDeprovision -WorkflowId $Id -Connection $Conn -Force -PassThru -Verbose' -Arguments @{ Id = $id; Conn = $script:Conn }
        # The module watches the agent with the agent search (what safe delete sees) once the server has refused the model
        # twice: then the test deletes it.
        $null = Wait-FlowCondition -Because 'the module searches the agents using the model' -Condition {
            @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/_plugins/_ml/agents/_search' }).Count -ge 2 }
        (Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path "/_plugins/_ml/agents/$agentId").Status | Should -Be 200
        $done = Wait-FlowCommand -Command $run

        $result = (Split-Output $done.Output).Result
        $result[0].Status | Should -Be 'Deprovisioned'
        @((Get-DeprovisionCalls -Simulator $script:Sim $id).status) | Should -Be @(202, 202, 200)
        ($done.Verbose -join "`n") | Should -Match "Waiting for agent $agentId to stop using model $modelId"
        # The connector failed only because its own model did: the request goes as soon as the search no longer finds the agent.
        ($done.Verbose -join "`n") | Should -Match "nothing uses model $modelId any more after"
        ($done.Verbose -join "`n") | Should -Not -Match 'do not explain it'
        $deleted = Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.method -eq 'DELETE' -and $_.path -eq "/_plugins/_ml/agents/$agentId" }
        $lastPost = (Get-DeprovisionCalls -Simulator $script:Sim $id)[-1]
        $lastPost.start_ms | Should -BeGreaterThan $deleted.end_ms
    }
}
