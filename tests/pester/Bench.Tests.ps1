# The benchmark works: bench/Invoke-Bench.ps1 -Quick runs every part in a fresh pwsh and writes its table and JSON.
# Nothing here is about speed: the figures only have to exist, be numbers, and come from runs that ended clean.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    $root = $env:FLOW_TEST_REPO_ROOT
    $script:Out = Join-Path $TestDrive 'bench'
    $loadClient = Join-Path $root 'bench/FlowFramework.Bench.Load/bin/Release/net10.0/FlowFramework.Bench.Load.dll'
    $script:Run = Invoke-FreshPwsh -TimeoutSec 300 -Script (
        "& '$root/bench/Invoke-Bench.ps1' -Quick -OutDir '$script:Out' -ModuleManifest '$env:FLOW_TEST_MODULE' " +
        "-SimulatorDll '$env:FLOW_TEST_SIMULATOR' -LoadClientDll '$loadClient'")
    $script:Json = Join-Path $script:Out 'latest-quick.json'
    $script:Report = if (Test-Path -LiteralPath $script:Json) { Get-Content -LiteralPath $script:Json -Raw | ConvertFrom-Json }
    $script:Table = if (Test-Path -LiteralPath (Join-Path $script:Out 'latest-quick.md')) { Get-Content -LiteralPath (Join-Path $script:Out 'latest-quick.md') -Raw }
}

Describe 'build.ps1 -Task Bench -Quick' {
    It 'ends without an error and writes the JSON and the Markdown table' {
        $script:Run.ExitCode | Should -Be 0 -Because "$($script:Run.Errors) $($script:Run.Output)"
        $script:Report | Should -Not -BeNullOrEmpty
        $script:Table | Should -Not -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $script:Out -Filter 'bench-*-quick.*').Count | Should -Be 2
    }

    It 'names the machine it ran on' {
        $script:Report.machine.logical_cpus | Should -BeGreaterThan 0
        $script:Report.machine.pwsh | Should -Be $PSVersionTable.PSVersion.ToString()
        $script:Table | Should -Match '^Machine: .+logical CPUs'
    }

    It 'P1 times every approach to a clean workflow, side by side with the floor' {
        $rows = @($script:Report.p1)
        @($rows.approach) | Should -Be @('floor', 'module', 'loop', 'advice')
        foreach ($row in $rows) {
            $row.clean_runs | Should -Be $row.runs -Because "$($row.approach) must end clean"
            $row.time_to_clean_s | Should -BeGreaterThan 0
            $row.deprovision_posts | Should -BeGreaterOrEqual 1
            $row.requests | Should -BeGreaterOrEqual $row.deprovision_posts
            $row.ratio_to_floor | Should -BeGreaterThan 0
        }
        ($rows | Where-Object approach -EQ 'floor').over_floor_s | Should -Be 0
        # The module reads the status and what blocks the leftovers; the scripts send only deprovisions.
        ($rows | Where-Object approach -EQ 'module').requests | Should -BeGreaterThan ($rows | Where-Object approach -EQ 'module').deprovision_posts
        ($rows | Where-Object approach -EQ 'loop').requests | Should -Be ($rows | Where-Object approach -EQ 'loop').deprovision_posts
    }

    It 'P2 runs the module at its default and at the cap and the script over the same workflows, beside the floor' {
        $rows = @($script:Report.p2.rows)
        @($rows.variant) | Should -Be @('floor', 'module_default', 'module_cap', 'script')
        $script:Report.p2.safe_concurrency | Should -Be ($script:Report.p2.pool_max - 1)
        foreach ($row in $rows | Where-Object variant -NE 'floor') {
            $row.clean | Should -Be $script:Report.p2.workflows -Because "$($row.variant) must clean every workflow"
            $row.wall_s | Should -BeGreaterThan 0
            $row.peak_working_set_mib | Should -BeGreaterThan 0
            $row.ratio_to_floor | Should -BeGreaterThan 0
        }
        ($rows | Where-Object variant -EQ 'floor').wall_s | Should -BeGreaterThan 0
        ($rows | Where-Object variant -EQ 'script').ratio_to_script | Should -Be 1
    }

    It 'P3 measures the start-up and a status read and a -WhatIf of every resource' {
        $p3 = $script:Report.p3
        $p3.bare_start_s | Should -BeGreaterThan 0
        $p3.module_first_cmdlet_s | Should -BeGreaterThan 0
        $p3.status_read.items | Should -Be $p3.large_resources
        $p3.status_read.allocated_mib | Should -BeGreaterThan 0
        $p3.whatif.wall_s | Should -BeGreaterThan 0
    }

    It 'P4 measures the simulator with the load client, without errors' {
        $script:Report.p4.status.per_second | Should -BeGreaterThan 0
        $script:Report.p4.status.errors | Should -Be 0
        $script:Report.p4.deprovision.per_second | Should -BeGreaterThan 0
        $script:Report.p4.deprovision.errors | Should -Be 0
    }

    It 'the table has one section per part and a row per P1 approach' {
        foreach ($part in 'P1: time to clean', 'P2: bulk', 'P3: start-up and size', 'P4: simulator throughput') {
            $script:Table | Should -Match ([regex]::Escape("**$part"))
        }
        @($script:Table -split "`n" | Where-Object { $_ -match '^\| 1\.3 s \|' }).Count | Should -Be 4
    }
}
