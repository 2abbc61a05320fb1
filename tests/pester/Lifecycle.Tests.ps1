# The workflow lifecycle end to end: the packaged module against the simulator process. Search paging, orphans,
# model groups, Wait on FAILED, and Remove-FlowWorkflow with and without -Deprovision, as the server does them.
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    $script:Sim = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20', '--provision-delay-ms', '5'
    $script:Conn = Connect-FlowCluster -Uri $script:Sim.Url -PassThru

    function script:Get-Calls([string] $Method, [string] $PathPattern) {
        @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.method -eq $Method -and $_.path -match $PathPattern })
    }
    function script:New-Provisioned([string] $Suffix) {
        New-FlowWorkflow -Template (New-FlowTestTemplate -Suffix $Suffix) -Provision -Wait -Connection $script:Conn -ErrorAction Stop
    }
    function script:Get-GroupId([string] $WorkflowId) {
        ((Get-FlowWorkflowStatus $WorkflowId -Connection $script:Conn).Resources | Where-Object ResourceType -EQ 'model_group_id').ResourceId
    }
}

AfterAll {
    Disconnect-FlowCluster -ErrorAction SilentlyContinue
    $script:Sim | Stop-FlowSimulator
}

Describe 'Listing over more than one page' {
    BeforeAll {
        Clear-SimulatorState -Simulator $script:Sim
        foreach ($n in 1..105) {
            $r = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_flow_framework/workflow' -Body @{ name = ('page-{0:000}' -f $n); use_case = 'PAGING' }
            if ($r.Status -ne 201) { throw "create failed: $($r.Status)" }
        }
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
    }

    It 'Get-FlowWorkflow reads every page of templates, oldest first, with each page''s states from one state search' {
        $all = @(Get-FlowWorkflow -Name 'page-*' -Connection $script:Conn)
        $all | Should -HaveCount 105
        $all[0].Name | Should -Be 'page-001'
        $all[104].Name | Should -Be 'page-105'
        @($all.State | Select-Object -Unique) | Should -Be @('NOT_STARTED')
        $all[0].UseCase | Should -Be 'PAGING'
        (Get-Calls POST '/workflow/_search$') | Should -HaveCount 2
        (Get-Calls POST '/workflow/state/_search$') | Should -HaveCount 2
        Get-Calls GET '/_status$' | Should -HaveCount 0
    }

    It '-Name is exact and case-sensitive, like the server''s keyword match' {
        @(Get-FlowWorkflow -Name 'page-00?' -Connection $script:Conn).Name | Should -Be @('page-001', 'page-002', 'page-003', 'page-004', 'page-005', 'page-006', 'page-007', 'page-008', 'page-009')
        @(Get-FlowWorkflow -Name 'PAGE-*' -Connection $script:Conn) | Should -HaveCount 0
        @(Get-FlowWorkflow -UseCase paging -Connection $script:Conn) | Should -HaveCount 105
    }

    It 'Get-FlowWorkflowStatus -State reads every page of states, each with HasTemplate' {
        Clear-SimulatorState -Simulator $script:Sim
        $states = @(Get-FlowWorkflowStatus -State NOT_STARTED -Connection $script:Conn)
        $states.Count | Should -BeGreaterOrEqual 105
        @($states.HasTemplate | Select-Object -Unique) | Should -Be @($true)
        (Get-Calls POST '/workflow/state/_search$').Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Orphans: Remove-FlowWorkflow without -Deprovision, found again and cleaned' {
    BeforeAll {
        Clear-SimulatorState -Simulator $script:Sim
        $script:Wf = New-Provisioned orphan
        $script:Group = Get-GroupId $script:Wf.WorkflowId
        $null = Remove-FlowWorkflow $script:Wf.WorkflowId -Force -Connection $script:Conn -WarningVariable removeWarnings -WarningAction SilentlyContinue
        $script:RemoveWarnings = @($removeWarnings)
    }

    It 'the server deletes the template but keeps the state with its resources (it never refuses), and the module says so' {
        $script:Wf.State | Should -Be 'COMPLETED'
        (Get-Calls DELETE "/workflow/$($script:Wf.WorkflowId)$")[0].status | Should -Be 200
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$($script:Wf.WorkflowId)").Status | Should -Be 404
        $state = Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$($script:Wf.WorkflowId)/_status"
        $state.Status | Should -Be 200
        @($state.Body.resources_created) | Should -HaveCount 6
        $script:RemoveWarnings | Should -HaveCount 1
        $script:RemoveWarnings[0] | Should -Match 'still lists 6 resource\(s\)'
    }

    It 'Get-FlowWorkflowStatus -HasResources finds the orphan with HasTemplate False' {
        $orphan = @(Get-FlowWorkflowStatus -HasResources -Connection $script:Conn | Where-Object WorkflowId -EQ $script:Wf.WorkflowId)
        $orphan | Should -HaveCount 1
        $orphan[0].HasTemplate | Should -BeFalse
        $orphan[0].Resources | Should -HaveCount 6
    }

    It 'piped into Remove-FlowWorkflow -Deprovision it is torn down completely: resources, model group and state' {
        Get-FlowWorkflowStatus -HasResources -Connection $script:Conn | Where-Object HasTemplate -EQ $false |
            Remove-FlowWorkflow -Deprovision -AllowDelete 'demo-*' -IncludeModelGroups -Force -Connection $script:Conn -ErrorAction Stop
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$($script:Wf.WorkflowId)/_status").Status | Should -Be 404
        (Invoke-Simulator -Simulator $script:Sim -Path '/demo-passages-orphan').Status | Should -Be 404
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/model_groups/$($script:Group)").Status | Should -Be 404
        @(Get-FlowWorkflowStatus -HasResources -Connection $script:Conn | Where-Object WorkflowId -EQ $script:Wf.WorkflowId) | Should -HaveCount 0
    }
}

Describe 'Model groups' {
    It 'Invoke-FlowDeprovision -IncludeModelGroups deletes the group after the model is gone' {
        Clear-SimulatorState -Simulator $script:Sim
        $wf = New-Provisioned groups
        $group = Get-GroupId $wf.WorkflowId
        $output = Invoke-FlowDeprovision $wf.WorkflowId -AllowDelete 'demo-*' -IncludeModelGroups -Force -PassThru -Connection $script:Conn -ErrorAction Stop -WarningVariable warnings
        $result = $output | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] }
        $result.Status | Should -Be 'Deprovisioned'
        $result.Retained | Should -HaveCount 0
        @($result.Deprovisioned | Where-Object ResourceType -EQ 'model_group_id').ResourceId | Should -Be @($group)
        $warnings | Should -HaveCount 0
        $log = @(Get-SimulatorRequests -Simulator $script:Sim)
        $modelDelete = [array]::FindLastIndex([object[]]$log, [Predicate[object]] { param($r) $r.method -eq 'POST' -and $r.path -like '*/_deprovision' -and $r.status -eq 200 })
        $groupDelete = [array]::FindIndex([object[]]$log, [Predicate[object]] { param($r) $r.method -eq 'DELETE' -and $r.path -eq "/_plugins/_ml/model_groups/$group" })
        $groupDelete | Should -BeGreaterThan $modelDelete
        $log[$groupDelete].status | Should -Be 200
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/model_groups/$group").Status | Should -Be 404
    }

    It 'a group that still has a model registered outside the workflow (409) is kept as a leftover with the server''s reason' {
        Clear-SimulatorState -Simulator $script:Sim
        $wf = New-Provisioned conflict
        $group = Get-GroupId $wf.WorkflowId
        $connector = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_ml/connectors/_create' -Body @{
            name = 'outside'; description = 'not the workflow''s'; version = '1'; protocol = 'http'; parameters = @{ endpoint = 'x.example.invalid' }
            credential = @{ key = 'k' }; actions = @(@{ action_type = 'predict'; method = 'POST'; url = 'https://x.example.invalid/' })
        }
        $model = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_ml/models/_register' -Body @{
            name = 'outside-model'; function_name = 'remote'; connector_id = $connector.Body.connector_id; model_group_id = $group
        }
        $model.Status | Should -Be 200

        $output = Invoke-FlowDeprovision $wf.WorkflowId -AllowDelete 'demo-*' -IncludeModelGroups -Force -PassThru -Connection $script:Conn -ErrorVariable failed -ErrorAction SilentlyContinue
        $left = @($output | Where-Object { $_ -is [FlowFramework.FlowResource] })
        $left | Should -HaveCount 1
        $left[0].ResourceId | Should -Be $group
        $left[0].Status | Should -Be 'Failed'
        $left[0].Reason | Should -Match 'HTTP 409: Cannot delete the model group when it has associated model versions'
        ($output | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] }).Status | Should -Be 'Partial'
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionIncomplete*'
        (Get-Calls DELETE "/_plugins/_ml/model_groups/$group$")[0].status | Should -Be 409
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_ml/model_groups/$group").Status | Should -Be 200
    }

    It 'Remove-FlowWorkflow -Deprovision -IncludeModelGroups keeps the template when the group is left' {
        Clear-SimulatorState -Simulator $script:Sim
        $wf = New-Provisioned keep
        $group = Get-GroupId $wf.WorkflowId
        $connector = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_ml/connectors/_create' -Body @{
            name = 'outside2'; description = 'd'; version = '1'; protocol = 'http'; parameters = @{ endpoint = 'x.example.invalid' }
            credential = @{ key = 'k' }; actions = @(@{ action_type = 'predict'; method = 'POST'; url = 'https://x.example.invalid/' })
        }
        $null = Invoke-Simulator -Simulator $script:Sim -Method POST -Path '/_plugins/_ml/models/_register' -Body @{ name = 'outside-model-2'; function_name = 'remote'; connector_id = $connector.Body.connector_id; model_group_id = $group }

        $left = @(Remove-FlowWorkflow $wf.WorkflowId -Deprovision -AllowDelete 'demo-*' -IncludeModelGroups -Force -Connection $script:Conn -ErrorAction SilentlyContinue -ErrorVariable failed)

        $left.ResourceId | Should -Be @($group)
        $failed | Should -HaveCount 1
        (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$($wf.WorkflowId)").Status | Should -Be 200
        Get-Calls DELETE "/_plugins/_flow_framework/workflow/$($wf.WorkflowId)$" | Should -HaveCount 0
    }
}

Describe 'Waiting for provisioning' {
    BeforeAll {
        Clear-SimulatorState -Simulator $script:Sim
        $null = Invoke-Simulator -Simulator $script:Sim -Method PUT -Path '/taken-index' -Body @{}
        $script:Failing = @{
            name = 'fails'; description = 'creates an index that exists'; use_case = ''
            version = @{ template = '1.0.0'; compatibility = @('2.12.0', '3.0.0') }
            workflows = @{ provision = @{ nodes = @(@{ id = 'make_index'; type = 'create_index'; user_inputs = @{ index_name = 'taken-index'; configurations = '{}' } }) } }
        }
    }

    It 'New-FlowWorkflow -Provision -Wait on a FAILED provisioning writes the workflow and an error carrying the server''s error text' {
        $wf = New-FlowWorkflow -Template $script:Failing -Provision -Wait -Connection $script:Conn -ErrorVariable failed -ErrorAction SilentlyContinue
        $script:FailedId = $wf.WorkflowId
        $wf.State | Should -Be 'FAILED'
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'FlowProvisioningFailed*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failed[0].TargetObject | Should -Be $wf.WorkflowId
        $serverError = (Invoke-Simulator -Simulator $script:Sim -Path "/_plugins/_flow_framework/workflow/$($wf.WorkflowId)/_status").Body.error
        $serverError | Should -Not -BeNullOrEmpty
        $serverError | Should -Match 'already exists'
        $failed[0].Exception.Message.Contains($serverError) | Should -BeTrue -Because $failed[0].Exception.Message
    }

    It 'Wait-FlowWorkflow on it says the same, and Invoke-FlowProvision keeps the server''s refusal text' {
        $status = Wait-FlowWorkflow $script:FailedId -Connection $script:Conn -ErrorVariable waitFailed -ErrorAction SilentlyContinue
        $status.State | Should -Be 'FAILED'
        $waitFailed[0].FullyQualifiedErrorId | Should -BeLike 'FlowProvisioningFailed*'
        $null = Invoke-FlowProvision $script:FailedId -Connection $script:Conn -ErrorVariable provisionFailed -ErrorAction SilentlyContinue
        $provisionFailed[0].FullyQualifiedErrorId | Should -BeLike 'FlowProvisionRejected*'
        $provisionFailed[0].Exception.Message | Should -Match 'can not be provisioned unless its state is NOT_STARTED'
    }

    It 'a use case provisions and completes with -Provision -Wait, and a server validation error keeps its text' {
        $wf = New-FlowWorkflow -UseCase semantic_search -Parameter @{ 'create_ingest_pipeline.model_id' = 'm1' } -Connection $script:Conn -ErrorAction Stop
        $wf.UseCase | Should -Be 'SEMANTIC_SEARCH'
        $wf.State | Should -Be 'NOT_STARTED'
        $null = New-FlowWorkflow -Template '{"name":"bad","unknown_field":1}' -Connection $script:Conn -ErrorVariable invalid -ErrorAction SilentlyContinue
        $invalid[0].FullyQualifiedErrorId | Should -BeLike 'FlowInvalidTemplate*'
        $invalid[0].Exception.Message | Should -Match ([regex]::Escape('Unable to parse field [unknown_field] in a template object.'))
    }
}

Describe 'README' {
    It 'shows examples/<_> word for word, so the runbook test the suite runs is the one users read' -ForEach @('Teardown.Tests.ps1', 'Remove-StaleWorkflows.ps1') {
        $readme = (Get-Content -LiteralPath (Join-Path $env:FLOW_TEST_REPO_ROOT 'README.md') -Raw) -replace "`r`n", "`n"
        $example = (Get-Content -LiteralPath (Join-Path $env:FLOW_TEST_REPO_ROOT "examples/$_") -Raw) -replace "`r`n", "`n"
        $readme.Contains("``````powershell`n$example``````") | Should -BeTrue
    }
}
