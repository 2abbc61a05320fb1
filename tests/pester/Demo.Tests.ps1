# README's main command: demo/Invoke-Demo.ps1 run as build.ps1 -Task Demo runs it, in a fresh pwsh.

Describe 'The demo (demo/Invoke-Demo.ps1)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
        $demo = Join-Path $env:FLOW_TEST_REPO_ROOT 'demo/Invoke-Demo.ps1'
        $script:Run = Invoke-FreshPwsh -Script "& '$demo' -ModuleManifest '$env:FLOW_TEST_MODULE' -SimulatorDll '$env:FLOW_TEST_SIMULATOR'; exit `$LASTEXITCODE" -TimeoutSec 90
        $script:Text = $script:Run.Output + $script:Run.Errors
    }

    It 'exits 0 and says the workflow is fully deprovisioned' {
        $script:Run.ExitCode | Should -Be 0 -Because $script:Text
        $script:Text | Should -Match 'Workflow \S+ is fully deprovisioned\.'
        $script:Text | Should -Not -Match 'Demo failed'
    }

    It 'shows the retries: a 202 first, then the 403 for the index and pipeline, then the piped-back 200' {
        $script:Text | Should -Match 'POST /_plugins/_flow_framework/workflow/\S+/_deprovision -> 202'
        # Attempt 2 follows a wait, or (when the undeploy lag ended while the slow first answer came, as on a loaded
        # machine) goes at once with the reads that show the way clear.
        $script:Text | Should -Match 'Waiting (for .+|[\d.]+ s) before attempt 2|nothing to wait for, sending attempt 2 now'
        $script:Text | Should -Match 'Result: NeedsAllowDelete after 2 attempts'
        $script:Text | Should -Match 'NeedsAllowDelete\s+pipeline_id\s+demo-embedding-pipeline'
        $script:Text | Should -Match 'NeedsAllowDelete\s+index_name\s+demo-passages'
        $script:Text | Should -Match 'Retained .*model_group_id'
    }

    It 'ends with the workflow NOT_STARTED and empty, and prints its request count and wall time' {
        $script:Text | Should -Match '\S+\s+NOT_STARTED\s+NOT_STARTED\s+0'
        $script:Text | Should -Match 'Requests sent to the cluster for the teardown: \d+ in all: \d+ to connect and provision, \d+ by the module''s status and deprovision cmdlets \(3 deprovision calls\)\.'
        $script:Text | Should -Match 'whole demo [\d.]+ s'
        $script:Text | Should -Match 'Stopped the simulator\.'
    }

    It 'then finds an orphan with Get-FlowWorkflowStatus -HasResources and removes everything with Remove-FlowWorkflow -Deprovision' {
        $script:Text | Should -Match 'still lists 6 resource\(s\)'
        $script:Text | Should -Match '\S+\s+COMPLETED\s+6\s+False'
        $script:Text | Should -Match 'Deleted model group \S+'
        $script:Text | Should -Match 'Workflows holding resources: 0; templates left: 0\.'
    }
}
