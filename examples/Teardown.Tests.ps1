# Tests the teardown runbook Remove-StaleWorkflows.ps1 against the simulator, without a cluster.
# Needs Pester 5, the FlowFramework module, and the simulator tool:
#   dotnet tool install --tool-path ./tools --add-source ./out/nupkg FlowFramework.Simulator
#   $env:FLOWFRAMEWORK_SIMULATOR = './tools/flowframework-simulator'; Invoke-Pester ./examples/Teardown.Tests.ps1
BeforeAll {
    Import-Module ($env:FLOWFRAMEWORK_MODULE ?? 'FlowFramework')

    # Start the simulator on a free port and read the address it prints.
    $simulator = $env:FLOWFRAMEWORK_SIMULATOR ?? 'flowframework-simulator'
    $start = [Diagnostics.ProcessStartInfo]::new($(if ($simulator -like '*.dll') { 'dotnet' } else { $simulator }))
    foreach ($argument in @(if ($simulator -like '*.dll') { $simulator }) + @('--port', '0')) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $script:Simulator = [Diagnostics.Process]::Start($start)
    do { $line = $script:Simulator.StandardOutput.ReadLine() } until ($null -eq $line -or $line -match 'listening on (\S+)')
    if ($null -eq $line) { throw 'The simulator did not start.' }
    Connect-FlowCluster -Uri $Matches[1]

    $script:Template = @{
        name     = 'runbook-test'
        use_case = 'SEMANTIC_SEARCH'
        version  = @{ template = '1.0.0'; compatibility = @('2.12.0', '3.0.0') }
        workflows = @{ provision = @{ nodes = @(
            @{ id = 'group'; type = 'register_model_group'; user_inputs = @{ name = 'runbook-test-models' } }
            @{ id = 'connector'; type = 'create_connector'; user_inputs = @{
                name = 'embeddings'; description = 'test'; version = '1'; protocol = 'http'
                parameters = @{ endpoint = 'embeddings.example.invalid' }; credential = @{ key = 'not-a-secret' }
                actions = @(@{ action_type = 'predict'; method = 'POST'; url = 'https://embeddings.example.invalid/' }) } }
            @{ id = 'model'; type = 'register_remote_model'; previous_node_inputs = @{ connector = 'connector_id'; group = 'model_group_id' }
               user_inputs = @{ name = 'embedding-model'; function_name = 'remote'; deploy = $true } }
            @{ id = 'index'; type = 'create_index'; user_inputs = @{ index_name = 'runbook-test-passages'; configurations = '{}' } }
        ) } }
    }
}

AfterAll {
    Disconnect-FlowCluster
    if ($script:Simulator -and -not $script:Simulator.HasExited) { $script:Simulator.Kill($true) }
}

Describe 'Remove-StaleWorkflows.ps1' {
    It 'removes a provisioned workflow, its resources, its model group and its template' {
        $workflow = New-FlowWorkflow -Template $script:Template -Provision -Wait
        $workflow.State | Should -Be 'COMPLETED'
        (Get-FlowWorkflowStatus $workflow.WorkflowId).Resources.Count | Should -Be 5

        & (Join-Path $PSScriptRoot 'Remove-StaleWorkflows.ps1') -AllowDelete 'runbook-test-*'

        Get-FlowWorkflowStatus -HasResources | Should -BeNullOrEmpty
        Get-FlowWorkflow -Name 'runbook-test' | Should -BeNullOrEmpty
    }

    It 'leaves an index it may not delete, and says so' {
        $workflow = New-FlowWorkflow -Template $script:Template -Provision -Wait

        { & (Join-Path $PSScriptRoot 'Remove-StaleWorkflows.ps1') } | Should -Throw -ErrorId 'FlowDeprovisionNeedsAllowDelete*'

        $left = Get-FlowWorkflowStatus -HasResources
        $left.WorkflowId | Should -Be $workflow.WorkflowId
        $left.Resources.ResourceId | Should -Be 'runbook-test-passages'
        & (Join-Path $PSScriptRoot 'Remove-StaleWorkflows.ps1') -AllowDelete 'runbook-test-*'
    }
}
