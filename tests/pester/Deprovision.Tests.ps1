# Invoke-FlowDeprovision and Get-FlowWorkflowStatus end to end: the packaged module against the simulator process.
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    $script:Sim = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20'
    $script:Conn = Connect-FlowCluster -Uri $script:Sim.Url -PassThru
}

AfterAll {
    Disconnect-FlowCluster -ErrorAction SilentlyContinue
    $script:Sim | Stop-FlowSimulator
}

Describe 'The demo story' {
    BeforeAll {
        # 700 ms: more than the server's passes of one request take on a busy machine (so the first answer is a 202),
        # less than the module's first retry delay (at least 0.8 s, so the second is a 200).
        Clear-SimulatorState -Simulator $script:Sim -Config @{ undeploy_lag_ms = 700 }
        $script:Template = New-FlowTestTemplate -Suffix story
        $script:Id = New-ProvisionedWorkflow -Simulator $script:Sim -Template $script:Template
        $script:Before = Get-FlowWorkflowStatus -WorkflowId $script:Id -All -Connection $script:Conn
        $output = Invoke-FlowDeprovision -WorkflowId $script:Id -Force -PassThru -Connection $script:Conn `
            -ErrorVariable firstErrors -ErrorAction SilentlyContinue -WarningVariable firstWarnings -WarningAction SilentlyContinue
        $script:First = Split-Output $output
        $script:FirstErrors = @($firstErrors)
        $script:FirstWarnings = @($firstWarnings)
        $script:FirstCalls = Get-DeprovisionCalls -Simulator $script:Sim $script:Id
    }

    It 'Get-FlowWorkflowStatus -All lists the six resources the template created, all Present' {
        $script:Before.State | Should -Be 'COMPLETED'
        $script:Before.Resources | Should -HaveCount 6
        @($script:Before.Resources.Status | Select-Object -Unique) | Should -Be @('Present')
        @($script:Before.Resources.StepName | Sort-Object) | Should -Be @('create_connector', 'create_index', 'create_ingest_pipeline', 'deploy_model', 'register_model_group', 'register_remote_model')
        ($script:Before.Resources | Where-Object StepName -EQ 'create_index').ResourceId | Should -Be 'demo-passages-story'
    }

    It 'the first deprovision answers 202 (model still deployed), retries, and stops at the index and pipeline' {
        @($script:FirstCalls.status) | Should -Be @(202, 403)
        $script:First.Result | Should -HaveCount 1
        $script:First.Result[0].Status | Should -Be 'NeedsAllowDelete'
        $script:First.Result[0].Attempts | Should -Be 2
        @($script:First.Left.ResourceId | Sort-Object) | Should -Be @('demo-embedding-pipeline-story', 'demo-passages-story')
        @($script:First.Left.Status | Select-Object -Unique) | Should -Be @('NeedsAllowDelete')
        $script:First.Left | ForEach-Object { $_.RequiresAllowDelete | Should -BeTrue; $_.WorkflowId | Should -Be $script:Id; $_.Reason | Should -Not -BeNullOrEmpty }
    }

    It 'reports the leftovers as one FlowDeprovisionNeedsAllowDelete error naming the workflow' {
        $script:FirstErrors | Should -HaveCount 1
        $script:FirstErrors[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionNeedsAllowDelete*'
        $script:FirstErrors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $script:FirstErrors[0].TargetObject | Should -Be $script:Id
    }

    It 'reports the model group as Retained, with a warning naming it' {
        $groupId = ($script:Before.Resources | Where-Object ResourceType -EQ 'model_group_id').ResourceId
        @($script:First.Result[0].Retained.ResourceId) | Should -Be @($groupId)
        ($script:FirstWarnings -join "`n") | Should -Match ([regex]::Escape($groupId))
        $script:First.Left.ResourceType | Should -Not -Contain 'model_group_id'
    }

    It 'piping the leftovers back with -AllowDelete finishes with one deprovision request, and the workflow is empty' {
        Clear-SimulatorState -Simulator $script:Sim
        $left = $script:First.Left
        $second = Split-Output ($left | Invoke-FlowDeprovision -AllowDelete $left.ResourceId -Force -PassThru -Connection $script:Conn)
        $second.Left | Should -HaveCount 0
        $second.Result[0].Status | Should -Be 'Deprovisioned'
        @($second.Result[0].AllowDeleteSent | Sort-Object) | Should -Be @('demo-embedding-pipeline-story', 'demo-passages-story')
        $calls = Get-DeprovisionCalls -Simulator $script:Sim $script:Id
        $calls | Should -HaveCount 1
        $calls[0].status | Should -Be 200
        $calls[0].query | Should -Match 'allow_delete='
        $after = Get-FlowWorkflowStatus -WorkflowId $script:Id -All -Connection $script:Conn
        $after.State | Should -Be 'NOT_STARTED'
        $after.Resources | Should -HaveCount 0
    }
}

Describe 'Retries against a cluster that is catching up' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim -Config @{ undeploy_lag_ms = 0 } }
    AfterEach { Clear-SimulatorState -Simulator $script:Sim -Config @{ undeploy_lag_ms = 0 } }

    It 'an undeploy lag ends in success: the request log shows a 202 and then a 200' {
        # 700 ms: more than the server's passes of one request take on a busy machine (so the first answer is a 202),
        # less than the module's first retry delay (at least 0.8 s, so the second is a 200).
        $null = Clear-SimulatorState -Simulator $script:Sim -Config @{ undeploy_lag_ms = 700 }
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -Force -PassThru -Connection $script:Conn -WarningAction SilentlyContinue)
        $out.Left | Should -HaveCount 0
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        $out.Result[0].Attempts | Should -Be 2
        @((Get-DeprovisionCalls -Simulator $script:Sim $id).status) | Should -Be @(202, 200)
        (Get-FlowWorkflowStatus -WorkflowId $id -Connection $script:Conn).State | Should -Be 'NOT_STARTED'
    }

    It 'a busy cluster during the first status read (503 twice) is waited out, and the workflow still ends clean' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        Add-SimulatorFault -Simulator $script:Sim -Method GET -Path "$id/_status`$" -Kind 503 -Count 2 -RetryAfterSeconds 1
        $verbose = Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -Force -PassThru -Connection $script:Conn -WarningAction SilentlyContinue -Verbose 4>&1
        $out = Split-Output ($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        $reads = @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -like "*$id/_status" })
        @($reads[0..2].status) | Should -Be @(503, 503, 200)
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*reading the status failed*trying again in*' }) | Should -HaveCount 2
    }

    It 'a 429 and a 503 with Retry-After are retried, the Retry-After wait is honoured, and it succeeds' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        Add-SimulatorFault -Simulator $script:Sim -Method POST -Path '_deprovision$' -Kind 429 -Count 1 -RetryAfterSeconds 2
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -Force -PassThru -Connection $script:Conn -WarningAction SilentlyContinue)
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        $calls = Get-DeprovisionCalls -Simulator $script:Sim $id
        @($calls.status) | Should -Be @(429, 200)
        ($calls[1].start_ms - $calls[0].end_ms) | Should -BeGreaterOrEqual 1900

        $id2 = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        Add-SimulatorFault -Simulator $script:Sim -Method POST -Path '_deprovision$' -Kind 503 -Count 1 -RetryAfterSeconds 1
        $out2 = Split-Output (Invoke-FlowDeprovision -WorkflowId $id2 -AllowDelete '*' -Force -PassThru -Connection $script:Conn -WarningAction SilentlyContinue)
        $out2.Result[0].Status | Should -Be 'Deprovisioned'
        @((Get-DeprovisionCalls -Simulator $script:Sim $id2).status) | Should -Be @(503, 200)
    }

    It 'a workflow that does not exist is NotFound with FlowWorkflowNotFound, and nothing is deleted' {
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId 'no-such-workflow' -Force -PassThru -Connection $script:Conn -ErrorVariable notFound -ErrorAction SilentlyContinue)
        $out.Result[0].Status | Should -Be 'NotFound'
        $notFound | Should -HaveCount 1
        $notFound[0].FullyQualifiedErrorId | Should -BeLike 'FlowWorkflowNotFound*'
        $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object method -EQ 'POST') | Should -HaveCount 0
    }
}

Describe '-WhatIf' {
    It 'prints every step in the order the server runs them and sends no POST' {
        Clear-SimulatorState -Simulator $script:Sim
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix whatif)
        $stored = (Get-FlowWorkflowStatus -WorkflowId $id -All -Connection $script:Conn).Resources
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        # ShouldProcess messages go to the host, so run it where the host's output can be read.
        $run = Invoke-FreshPwsh -Script "Import-Module '$env:FLOW_TEST_MODULE'; Connect-FlowCluster '$($script:Sim.Url)' | Out-Null; Invoke-FlowDeprovision -WorkflowId '$id' -AllowDelete 'demo-passages-*' -WhatIf"
        $run.ExitCode | Should -Be 0
        $lines = @($run.Output -split "`r?`n" | Where-Object { $_ -like 'What if:*' })
        $lines | Should -HaveCount 6
        # The server runs resources_created in reverse stored order.
        [array]::Reverse($stored)
        for ($i = 0; $i -lt 6; $i++) {
            $lines[$i] | Should -BeLike "*$id*step $($i + 1) of 6*$($stored[$i].ResourceType) $($stored[$i].ResourceId)*"
        }
        # The index is allowed by the wildcard, the pipeline is not, the model group is only dropped.
        $indexLine = $lines | Where-Object { $_ -like '*index_name demo-passages-whatif*' }
        $indexLine | Should -BeLike '*delete_index index_name demo-passages-whatif*'
        $indexLine | Should -Not -BeLike '*needs -AllowDelete*'
        $lines | Where-Object { $_ -like '*pipeline_id demo-embedding-pipeline-whatif*' } | Should -BeLike '*needs -AllowDelete demo-embedding-pipeline-whatif*'
        $lines | Where-Object { $_ -like '*model_group_id*' } | Should -BeLike '*without deleting*'
        @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object method -NE 'GET') | Should -HaveCount 0
        (Get-FlowWorkflowStatus -WorkflowId $id -Connection $script:Conn).Resources | Should -HaveCount 6
    }
}

Describe 'Stopping' {
    BeforeAll {
        # The contract is 1 s; a loaded 2-core machine may keep the stopping thread off a core for a while, so the
        # assertion allows that margin on top. Each case would otherwise wait 20-30 s (a timer or a request).
        $script:StopContractMs = 1000
        $script:LoadedMachineMarginMs = 2000

        # Starts a deprovision in another runspace, waits until -Until (given the running PowerShell) says it is where
        # it should be stopped, then stops it and measures how long Stop() took.
        function script:Measure-Stop([string] $Id, [scriptblock] $Until) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($manifest, $url, $id) Import-Module $manifest; Connect-FlowCluster $url | Out-Null; Invoke-FlowDeprovision -WorkflowId $id -AllowDelete * -Force -MaxAttempts 50 -TimeoutSec 120 -Verbose').
                    AddArgument($env:FLOW_TEST_MODULE).AddArgument($script:Sim.Url).AddArgument($Id)
                $async = $ps.BeginInvoke()
                $null = Wait-FlowCondition -Because 'the deprovision reached the point where it is stopped' -TimeoutSec 60 -Condition { & $Until $ps }
                $ps.InvocationStateInfo.State | Should -Be 'Running'
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Stop()
                [pscustomobject]@{ Elapsed = $watch.Elapsed; State = $ps.InvocationStateInfo.State; Completed = $async.IsCompleted }
            }
            finally { $ps.Dispose() }
        }
    }
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim }
    AfterEach {
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/gates'
        Clear-SimulatorState -Simulator $script:Sim
    }

    It 'stopping the pipeline while it waits to retry (Retry-After 30 s) returns within 1 s' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        Add-SimulatorFault -Simulator $script:Sim -Method POST -Path '_deprovision$' -Kind 429 -Count 100 -RetryAfterSeconds 30
        # The module says it is waiting: it is in the 30 s delay.
        $stop = Measure-Stop $id { param($ps) @($ps.Streams.Verbose | Where-Object { $_.Message -like '*Waiting 30.0 s before attempt 2*' }).Count -ge 1 }
        $stop.State | Should -Be 'Stopped'
        $stop.Completed | Should -BeTrue
        $stop.Elapsed.TotalMilliseconds | Should -BeLessThan ($script:StopContractMs + $script:LoadedMachineMarginMs)
        Get-DeprovisionCalls -Simulator $script:Sim $id | Should -HaveCount 1
    }

    It 'stopping the pipeline during a request the server holds returns within 1 s' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        Set-SimulatorGate -Simulator $script:Sim -Name deprovision-start -WorkflowId $id
        $stop = Measure-Stop $id { param($ps) @((Get-SimulatorGate -Simulator $script:Sim).waiting | Where-Object workflow_id -EQ $id).Count -ge 1 }
        $stop.State | Should -Be 'Stopped'
        $stop.Elapsed.TotalMilliseconds | Should -BeLessThan ($script:StopContractMs + $script:LoadedMachineMarginMs)
        # The server still finishes the work the client left (it never cancels a deprovision).
        Open-SimulatorGate -Simulator $script:Sim -Name deprovision-start -WorkflowId $id | Should -Be 1
        $post = Wait-FlowCondition -Because 'the server finished the abandoned deprovision' -Condition { Get-DeprovisionCalls -Simulator $script:Sim $id }
        $post[0].client_disconnected | Should -BeTrue
    }

    It 'stopping the pipeline while it reads a slow answer returns within 1 s' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        Add-SimulatorFault -Simulator $script:Sim -Method POST -Path '_deprovision$' -Kind slow -Count 1 -DelayMs 20000
        # A fault with a count leaves the table when it is used: the slow answer has begun.
        $stop = Measure-Stop $id { param($ps) @((Invoke-Simulator -Simulator $script:Sim -Path '/_simulator/faults').Body).Count -eq 0 }
        $stop.State | Should -Be 'Stopped'
        $stop.Elapsed.TotalMilliseconds | Should -BeLessThan ($script:StopContractMs + $script:LoadedMachineMarginMs)
    }
}

Describe 'A user without ML Commons delete rights, and secrets' {
    BeforeAll {
        $script:AdminPassword = 'Adm1n-Pa55-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:FfPassword = 'Ff-S3cret-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $script:Secure = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20',
            '--user', "admin:$($script:AdminPassword):all_access", '--user', "ff:$($script:FfPassword):flow_framework_full_access"
        $script:AdminCred = [pscredential]::new('admin', (ConvertTo-SecureString $script:AdminPassword -AsPlainText -Force))
        $script:FfCred = [pscredential]::new('ff', (ConvertTo-SecureString $script:FfPassword -AsPlainText -Force))
        $script:FfConn = Connect-FlowCluster -Uri $script:Secure.Url -Credential $script:FfCred -PassThru
        $script:Basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("ff:$($script:FfPassword)"))
    }
    AfterAll { $script:Secure | Stop-FlowSimulator }

    It 'gets the ML resources back as Failed leftovers with a Reason, a Partial result and FlowDeprovisionIncomplete' {
        $id = New-ProvisionedWorkflow -Simulator $script:Secure -Template (New-FlowTestTemplate) -Credential $script:AdminCred
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -MaxAttempts 2 -Force -PassThru -Connection $script:FfConn `
                -ErrorVariable incomplete -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $out.Result[0].Status | Should -Be 'Partial'
        $out.Left.ResourceType | Should -Contain 'model_id'
        $out.Left.ResourceType | Should -Contain 'connector_id'
        $out.Left | ForEach-Object {
            $_.Status | Should -Be 'Failed'
            $_.Reason | Should -Not -BeNullOrEmpty
            $_.Attempts | Should -BeGreaterOrEqual 1
        }
        $incomplete | Should -HaveCount 1
        $incomplete[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionIncomplete*'
        $incomplete[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $incomplete[0].TargetObject | Should -Be $id
        @((Get-SimulatorRequests -Simulator $script:Secure | Where-Object { $_.path -like "*/$id/_deprovision" }).status | Select-Object -Unique) | Should -Be @(202)
    }

    It 'stops at -TimeoutSec without starting an attempt past it, with FlowDeprovisionIncomplete as OperationTimeout' {
        $id = New-ProvisionedWorkflow -Simulator $script:Secure -Template (New-FlowTestTemplate) -Credential $script:AdminCred
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -MaxAttempts 50 -TimeoutSec 3 -Force -PassThru -Connection $script:FfConn `
                -ErrorVariable late -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $out.Result[0].Status | Should -Be 'Partial'
        $out.Result[0].Attempts | Should -BeLessThan 50
        $late | Should -HaveCount 1
        $late[0].FullyQualifiedErrorId | Should -BeLike 'FlowDeprovisionIncomplete*'
        $late[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $calls = @(Get-SimulatorRequests -Simulator $script:Secure | Where-Object { $_.path -like "*/$id/_deprovision" })
        $calls.Count | Should -Be $out.Result[0].Attempts
        # No attempt starts after the 3 s limit (the next one, without the rule, would come seconds later); the server's
        # clock sees each request a little after the module sent it, hence the loaded-machine margin.
        ($calls[-1].start_ms - $calls[0].start_ms) | Should -BeLessThan 3500
    }

    It 'neither -Verbose 4>&1, -Debug 5>&1, the connection, nor $Error contains the password' {
        $id = New-ProvisionedWorkflow -Simulator $script:Secure -Template (New-FlowTestTemplate) -Credential $script:AdminCred
        $script = @"
`$ErrorActionPreference = 'Continue'
Import-Module '$env:FLOW_TEST_MODULE'
`$cred = [pscredential]::new('ff', (ConvertTo-SecureString '$($script:FfPassword)' -AsPlainText -Force))
Connect-FlowCluster -Uri '$($script:Secure.Url)' -Credential `$cred -PassThru | Format-List * | Out-String
Invoke-FlowDeprovision -WorkflowId '$id' -AllowDelete '*' -MaxAttempts 2 -Force -PassThru -Verbose -Debug -WarningAction Continue 4>&1 5>&1 | Out-String -Width 500
`$bad = [pscredential]::new('ff', (ConvertTo-SecureString 'Wrong-$($script:FfPassword)' -AsPlainText -Force))
try { Connect-FlowCluster -Uri '$($script:Secure.Url)' -Credential `$bad } catch { }
'---ERRORS---'
`$Error | ForEach-Object { `$_ | Format-List * -Force | Out-String -Width 500; `$_.Exception | Format-List * -Force | Out-String -Width 500 }
"@
        $run = Invoke-FreshPwsh -Script $script
        $all = $run.Output + $run.Errors
        # Verbose records merged into output lose their 'VERBOSE: ' prefix in Out-String; the request line is the proof.
        $all | Should -Match 'POST /_plugins/_flow_framework/workflow/.+/_deprovision\?allow_delete=.+ -> 202 in \d+ ms'
        $all | Should -Match 'FlowDeprovisionIncomplete'
        $all | Should -Match 'FlowAuthenticationFailed'
        $all | Should -Not -Match ([regex]::Escape($script:FfPassword))
        $all | Should -Not -Match ([regex]::Escape($script:Basic))
        $all | Should -Not -Match 'Authorization:'
    }
}

Describe 'Exit codes of pwsh -Command with -ErrorAction Stop' {
    It 'exits non-zero when leftovers remain, and 0 when the workflow ends clean' {
        Clear-SimulatorState -Simulator $script:Sim
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        $prefix = "Import-Module '$env:FLOW_TEST_MODULE'; Connect-FlowCluster '$($script:Sim.Url)' | Out-Null;"
        $left = Invoke-FreshPwsh -Script "$prefix Invoke-FlowDeprovision -WorkflowId '$id' -Force -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null; 'not reached'"
        $left.ExitCode | Should -Not -Be 0
        $left.Output | Should -Not -Match 'not reached'
        ($left.Output + $left.Errors) | Should -Match 'AllowDelete'
        (Get-FlowWorkflowStatus -WorkflowId $id -Connection $script:Conn).Resources | Should -HaveCount 2

        $clean = Invoke-FreshPwsh -Script "$prefix Invoke-FlowDeprovision -WorkflowId '$id' -AllowDelete '*' -Force -ErrorAction Stop | Out-Null; 'reached'"
        $clean.ExitCode | Should -Be 0
        $clean.Output | Should -Match 'reached'
        (Get-FlowWorkflowStatus -WorkflowId $id -Connection $script:Conn).State | Should -Be 'NOT_STARTED'
    }
}

Describe 'Piping leftovers of several workflows back' {
    It 'sends one deprovision per workflow, however many leftovers of it are piped' {
        Clear-SimulatorState -Simulator $script:Sim
        $ids = 'pipeA', 'pipeB' | ForEach-Object { New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate -Suffix $_) }
        $left = @($ids | Invoke-FlowDeprovision -Force -Connection $script:Conn -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $left | Should -HaveCount 4
        $null = Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path '/_simulator/requests'
        $out = Split-Output ($left | Invoke-FlowDeprovision -AllowDelete 'demo-passages-*', 'demo-embedding-pipeline-*' -Force -PassThru -Connection $script:Conn)
        $out.Left | Should -HaveCount 0
        $out.Result | Should -HaveCount 2
        @($out.Result.Status | Select-Object -Unique) | Should -Be @('Deprovisioned')
        foreach ($id in $ids) { Get-DeprovisionCalls -Simulator $script:Sim $id | Should -HaveCount 1 }
    }
}

Describe 'Behaviours of a real cluster' {
    BeforeEach { Clear-SimulatorState -Simulator $script:Sim }

    It 'after a 200, a confirming status read that answers 404 (template already deleted) is success' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        (Invoke-Simulator -Simulator $script:Sim -Method DELETE -Path "/_plugins/_flow_framework/workflow/$id").Status | Should -Be 200
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -Force -PassThru -Connection $script:Conn -ErrorVariable errs -WarningAction SilentlyContinue)
        $errs | Should -HaveCount 0
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        $out.Left | Should -HaveCount 0
        @(Get-SimulatorRequests -Simulator $script:Sim | Where-Object { $_.path -like "*/$id/_status" })[-1].status | Should -Be 404
    }

    It 'an -AllowDelete pattern that matches nothing is a warning, and the other pattern still works' {
        $id = New-ProvisionedWorkflow -Simulator $script:Sim -Template (New-FlowTestTemplate)
        $out = Split-Output (Invoke-FlowDeprovision -WorkflowId $id -AllowDelete 'nomatch-*', 'demo-*' -Force -PassThru -Connection $script:Conn -WarningVariable w -WarningAction SilentlyContinue)
        $out.Result[0].Status | Should -Be 'Deprovisioned'
        @($out.Result[0].AllowDeleteSent) | Should -HaveCount 2
        ($w -join "`n") | Should -Match "nomatch-\*"
        (Get-DeprovisionCalls -Simulator $script:Sim $id)[0].query | Should -Not -Match 'nomatch'
    }

    It 'with multi-tenancy (one deprovision at a time per tenant) the 429s are retried and all end Deprovisioned' {
        $mt = Start-FlowSimulator -ArgumentList '--step-pause-ms', '5', '--pass-pause-ms', '20', '--multi-tenancy'
        try {
            $headers = @{ 'x-tenant-id' = 'tenant-a' }
            $ids = foreach ($i in 1..5) { New-ProvisionedWorkflow -Simulator $mt -Template (New-FlowTestTemplate) -Headers $headers }
            $conn = Connect-FlowCluster -Uri $mt.Url -TenantId 'tenant-a' -PassThru
            $out = Split-Output ($ids | Invoke-FlowDeprovision -AllowDelete '*' -ThrottleLimit 4 -Force -PassThru -Connection $conn -WarningAction SilentlyContinue)
            $log = @(Get-SimulatorRequests -Simulator $mt | Where-Object { $_.path -like '*/_deprovision' })
        }
        finally { $mt | Stop-FlowSimulator }
        @($out.Result.Status | Select-Object -Unique) | Should -Be @('Deprovisioned')
        $out.Result | Should -HaveCount 5
        @($log | Where-Object status -EQ 200) | Should -HaveCount 5
        @($log | Where-Object status -EQ 429).Count | Should -BeGreaterThan 0 -Because 'the per-tenant cap of 1 must have been hit for the retry to be tested'
        @($log.tenant | Select-Object -Unique) | Should -Be @('tenant-a')
    }
}
