# Security end to end: TLS, basic-auth users with limited roles, and multi-tenancy, each against its own simulator
# process, through the packaged module. Each test asserts what a user sees: error id, category, target, text, objects.
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    $script:FastSim = @('--step-pause-ms', '5', '--pass-pause-ms', '20', '--provision-delay-ms', '5')

    function script:New-Pw([string] $Prefix) { "$Prefix-$([guid]::NewGuid().ToString('n').Substring(0, 12))" }
    function script:New-Cred([string] $User, [string] $Password) {
        [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }

    # A connection that Connect-FlowCluster never checked, as a runbook holds after the password was rotated on the
    # cluster. Connect-FlowCluster itself refuses a bad password, so the constructor is reached by reflection.
    function script:New-UncheckedConnection([string] $Uri, [pscredential] $Credential) {
        $ctor = [FlowFramework.FlowConnection].GetConstructors([System.Reflection.BindingFlags]'NonPublic,Instance')[0]
        $ctor.Invoke(@([uri]$Uri, $Credential, $false, $null, 30))
    }

    # Runs a statement that should end with a terminating error; returns the error and whether the statement went on.
    function script:Invoke-ExpectTerminating([scriptblock] $Script) {
        $outcome = [pscustomobject]@{ Error = $null; Continued = $false; Output = [System.Collections.Generic.List[object]]::new() }
        try {
            & $Script | ForEach-Object { $outcome.Output.Add($_) }
            $outcome.Continued = $true
        } catch {
            $outcome.Error = $_
        }
        $outcome
    }

    function script:Get-WorkflowResources($Sim, [string] $Id, [pscredential] $Credential, [hashtable] $Headers = @{}) {
        $r = Invoke-Simulator -Simulator $Sim -Path "/_plugins/_flow_framework/workflow/$Id/_status" -Credential $Credential -Headers $Headers
        $r.Status | Should -Be 200
        @($r.Body.PSObject.Properties['resources_created'] | ForEach-Object { $_.Value })
    }
}

Describe 'TLS with a self-signed certificate' {
    BeforeAll {
        $script:Tls = Start-FlowSimulator -ArgumentList (@('--tls') + $script:FastSim)
        $script:Tls.Url | Should -BeLike 'https://*'
    }
    AfterAll { $script:Tls | Stop-FlowSimulator }

    It 'Connect-FlowCluster without -SkipCertificateCheck stops with FlowClusterUnavailable that names the switch' {
        Clear-SimulatorState -Simulator $script:Tls
        $run = Invoke-ExpectTerminating { Connect-FlowCluster -Uri $script:Tls.Url -PassThru -ErrorAction SilentlyContinue 6>$null }
        $run.Continued | Should -BeFalse -Because 'a cluster that cannot be reached is a terminating error'
        $run.Output | Should -HaveCount 0
        $e = $run.Error
        $e.FullyQualifiedErrorId | Should -BeLike 'FlowClusterUnavailable,*'
        $e.CategoryInfo.Category | Should -Be 'ConnectionError'
        $e.TargetObject | Should -Be ([uri]$script:Tls.Url).ToString()
        $e.Exception.Message | Should -BeLike "*$($script:Tls.Url)*"
        $e.Exception.Message | Should -Match 'SSL|certificate'
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*-SkipCertificateCheck*'
        # The TLS handshake failed, so no HTTP request reached the server.
        @(Get-SimulatorRequests -Simulator $script:Tls) | Should -HaveCount 0
    }

    It 'with -SkipCertificateCheck it connects, and status and deprovision work end to end over https' {
        $id = New-ProvisionedWorkflow -Simulator $script:Tls -Template (New-FlowTestTemplate)
        Clear-SimulatorState -Simulator $script:Tls
        $conn = Connect-FlowCluster -Uri $script:Tls.Url -SkipCertificateCheck -PassThru 6>$null
        $conn.Uri.Scheme | Should -Be 'https'
        $conn.SkipCertificateCheck | Should -BeTrue
        $conn.Version | Should -Not -BeNullOrEmpty

        $before = Get-FlowWorkflowStatus -WorkflowId $id -Connection $conn
        $before.WorkflowId | Should -Be $id
        $before.State | Should -Be 'COMPLETED'
        $before.Resources | Should -HaveCount 6

        $out = Invoke-FlowDeprovision -WorkflowId $id -AllowDelete '*' -Force -PassThru -Connection $conn -WarningAction SilentlyContinue
        $result = @($out | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] })
        @($out | Where-Object { $_ -is [FlowFramework.FlowResource] }) | Should -HaveCount 0
        $result | Should -HaveCount 1
        $result[0].Status | Should -Be 'Deprovisioned'
        $result[0].Retained.ResourceType | Should -Be 'model_group_id'

        $after = Get-FlowWorkflowStatus -WorkflowId $id -Connection $conn
        $after.State | Should -Be 'NOT_STARTED'
        $after.Resources | Should -HaveCount 0
        $requests = @(Get-SimulatorRequests -Simulator $script:Tls)
        ($requests | Where-Object path -Like '*/_deprovision').status | Should -Contain 200
        Disconnect-FlowCluster
    }
}

Describe 'Basic authentication and roles' {
    BeforeAll {
        $script:AdminPw = New-Pw 'Adm'
        $script:FfPw = New-Pw 'Ff'
        $script:MlPw = New-Pw 'Ml'
        $script:ReadPw = New-Pw 'Ro'
        $script:Auth = Start-FlowSimulator -ArgumentList (@(
                '--user', "admin:$($script:AdminPw):all_access",
                '--user', "ffonly:$($script:FfPw):flow_framework_full_access",
                '--user', "mlonly:$($script:MlPw):ml_full_access",
                '--user', "ffread:$($script:ReadPw):flow_framework_read_access") + $script:FastSim)
        $script:Admin = New-Cred 'admin' $script:AdminPw
        $script:Ids = @(
            New-ProvisionedWorkflow -Simulator $script:Auth -Template (New-FlowTestTemplate) -Credential $script:Admin
            New-ProvisionedWorkflow -Simulator $script:Auth -Template (New-FlowTestTemplate) -Credential $script:Admin
        )
    }
    AfterAll {
        Disconnect-FlowCluster -ErrorAction SilentlyContinue
        $script:Auth | Stop-FlowSimulator
    }

    It 'a wrong password makes Connect-FlowCluster stop with FlowAuthenticationFailed, and the password is nowhere' {
        Clear-SimulatorState -Simulator $script:Auth
        $wrong = New-Pw 'Wrong'
        $run = Invoke-ExpectTerminating { Connect-FlowCluster -Uri $script:Auth.Url -Credential (New-Cred 'admin' $wrong) -PassThru -ErrorAction SilentlyContinue 6>$null }
        $run.Continued | Should -BeFalse
        $e = $run.Error
        $e.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $e.TargetObject | Should -Be ([uri]$script:Auth.Url).ToString()
        $e.Exception.Message | Should -BeLike "*user 'admin'*HTTP 401*Unauthorized*"
        $e.ErrorDetails.RecommendedAction | Should -BeLike '*-Credential*'
        ($e | Out-String) + $e.ErrorDetails.RecommendedAction | Should -Not -BeLike "*$wrong*"
        $log = @(Get-SimulatorRequests -Simulator $script:Auth)
        $log | Should -HaveCount 1
        $log[0].path | Should -Be '/'
        $log[0].status | Should -Be 401
    }

    It 'a connection whose password no longer works stops Invoke-FlowDeprovision at the first workflow' {
        $stale = New-UncheckedConnection $script:Auth.Url (New-Cred 'admin' (New-Pw 'Rotated'))
        Clear-SimulatorState -Simulator $script:Auth
        $run = Invoke-ExpectTerminating { $script:Ids[0], $script:Ids[1], 'third-workflow' | Invoke-FlowDeprovision -Force -PassThru -Connection $stale -ErrorAction SilentlyContinue }
        $run.Continued | Should -BeFalse -Because '401 makes the connection unusable, so the error is terminating'
        $e = $run.Error
        $e.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $e.TargetObject | Should -Be $script:Ids[0]
        $e.Exception.Message | Should -BeLike "*user 'admin'*HTTP 401*"
        # Only the first workflow's status read was sent; nothing later in the input was processed.
        $log = @(Get-SimulatorRequests -Simulator $script:Auth)
        $log | Should -HaveCount 1
        $log[0].path | Should -Be "/_plugins/_flow_framework/workflow/$($script:Ids[0])/_status"
        $log[0].status | Should -Be 401
        @($run.Output | Where-Object { $_ -is [FlowFramework.FlowResource] }) | Should -HaveCount 0
        (Get-WorkflowResources $script:Auth $script:Ids[0] $script:Admin) | Should -HaveCount 6
        $stale.Dispose()
    }

    It 'no credential on a cluster that requires one: FlowAuthenticationFailed in a fresh pwsh, no further input processed' {
        Clear-SimulatorState -Simulator $script:Auth
        $script = @'
Import-Module $env:FLOW_TEST_MODULE
$seen = [System.Collections.Generic.List[object]]::new(); $continued = $false; $err = $null
try { 'wf-one', 'wf-two', 'wf-three' | Invoke-FlowDeprovision -Force -ErrorAction SilentlyContinue | ForEach-Object { $seen.Add($_) }; $continued = $true }
catch { $err = $_ }
[pscustomobject]@{ Continued = $continued; Output = $seen.Count; Id = $err.FullyQualifiedErrorId; Category = "$($err.CategoryInfo.Category)"
    Target = "$($err.TargetObject)"; Message = $err.Exception.Message; Action = $err.ErrorDetails.RecommendedAction } | ConvertTo-Json -Compress
'@
        $run = Invoke-FreshPwsh -Script $script -Environment @{ OPENSEARCH_URL = $script:Auth.Url } -TimeoutSec 60
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $r = $run.Output | ConvertFrom-Json
        $r.Continued | Should -BeFalse
        $r.Output | Should -Be 0
        $r.Id | Should -BeLike 'FlowAuthenticationFailed,*'
        $r.Category | Should -Be 'AuthenticationError'
        $r.Target | Should -Be 'wf-one'
        $r.Message | Should -BeLike '*(none were sent)*HTTP 401*'
        $r.Action | Should -BeLike '*Connect-FlowCluster*-Credential*'
        $log = @(Get-SimulatorRequests -Simulator $script:Auth)
        $log | Should -HaveCount 1
        $log[0].path | Should -Be '/_plugins/_flow_framework/workflow/wf-one/_status'
        $log[0].user | Should -BeNullOrEmpty
    }

    It 'a user with only ML Commons rights gets FlowAccessDenied per workflow, with the server text, and the rest still run' {
        $conn = Connect-FlowCluster -Uri $script:Auth.Url -Credential (New-Cred 'mlonly' $script:MlPw) -PassThru 6>$null
        Clear-SimulatorState -Simulator $script:Auth
        $status = @($script:Ids | Get-FlowWorkflowStatus -Connection $conn -ErrorVariable statusErrors -ErrorAction SilentlyContinue)
        $deprov = @($script:Ids | Invoke-FlowDeprovision -Force -PassThru -Connection $conn -ErrorVariable deprovErrors -ErrorAction SilentlyContinue)

        $status | Should -HaveCount 0
        $statusErrors | Should -HaveCount 2
        for ($i = 0; $i -lt 2; $i++) {
            $statusErrors[$i].FullyQualifiedErrorId | Should -BeLike 'FlowAccessDenied,*'
            $statusErrors[$i].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $statusErrors[$i].TargetObject | Should -Be $script:Ids[$i]
            $statusErrors[$i].Exception.Message | Should -BeLike "*'$($script:Ids[$i])'*HTTP 403*Failed to get workflow status.*"
        }
        # Deprovision reads the status first, so the same 403 stops each workflow before any POST; both were tried.
        $deprovErrors | Should -HaveCount 2
        @($deprovErrors.TargetObject) | Should -Be $script:Ids
        $deprovErrors | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'FlowAccessDenied,*'
            $_.Exception.Message | Should -BeLike '*Failed to get workflow status.*'
        }
        @($deprov | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] }).Status | Should -Be @('Failed', 'Failed')
        @($deprov | Where-Object { $_ -is [FlowFramework.FlowResource] }) | Should -HaveCount 0

        $log = @(Get-SimulatorRequests -Simulator $script:Auth)
        $log | Should -HaveCount 4
        @($log.user | Select-Object -Unique) | Should -Be @('mlonly')
        @($log.status | Select-Object -Unique) | Should -Be @(403)
        @($log | Where-Object method -EQ 'POST') | Should -HaveCount 0
        Disconnect-FlowCluster
    }

    It 'a read-only Flow Framework user can read status but its deprovision gets FlowAccessDenied "Failed to get workflow."' {
        # Like a real cluster, GET / needs cluster:monitor/main, which the read-only role lacks: Connect warns and connects.
        $conn = Connect-FlowCluster -Uri $script:Auth.Url -Credential (New-Cred 'ffread' $script:ReadPw) -PassThru -WarningVariable connectWarnings -WarningAction SilentlyContinue 6>$null
        $conn | Should -BeOfType ([FlowFramework.FlowConnection])
        $connectWarnings | Should -HaveCount 1
        "$connectWarnings" | Should -BeLike "*accepted user 'ffread' but refused GET / (HTTP 403: no permissions for ``[cluster:monitor/main``]*"
        Clear-SimulatorState -Simulator $script:Auth
        $status = @($script:Ids | Get-FlowWorkflowStatus -Connection $conn)
        $status | Should -HaveCount 2
        $status | ForEach-Object { $_.Resources | Should -HaveCount 6 }

        $deprov = @($script:Ids | Invoke-FlowDeprovision -Force -Connection $conn -ErrorVariable deprovErrors -ErrorAction SilentlyContinue)
        # Nothing was deprovisioned, so every resource of both workflows comes back, saying why.
        $deprov | Should -HaveCount 12
        $deprov | ForEach-Object {
            $_ | Should -BeOfType ([FlowFramework.FlowResource])
            $_.Status | Should -BeIn @('Present', 'NeedsAllowDelete')
            $_.Reason | Should -Not -BeNullOrEmpty
        }
        @($deprov | Where-Object Status -EQ 'Present' | Where-Object Reason -NotLike '*Failed to get workflow.*') | Should -HaveCount 0
        $deprovErrors | Should -HaveCount 2
        @($deprovErrors.TargetObject | Sort-Object) | Should -Be @($script:Ids | Sort-Object)
        $deprovErrors | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'FlowAccessDenied,*'
            $_.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $_.Exception.Message | Should -BeLike '*HTTP 403*The server said: Failed to get workflow.'
            $_.ErrorDetails.RecommendedAction | Should -BeLike '*flow_framework_full_access*'
        }
        $posts = @(Get-SimulatorRequests -Simulator $script:Auth | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/_deprovision' })
        $posts | Should -HaveCount 2 -Because 'a 403 is not retried'
        @($posts.user | Select-Object -Unique) | Should -Be @('ffread')
        $script:Ids | ForEach-Object { (Get-WorkflowResources $script:Auth $_ $script:Admin) | Should -HaveCount 6 }
        Disconnect-FlowCluster
    }

    It 'a Flow Framework user sees the workflows, and the request log names the user on every request' {
        $conn = Connect-FlowCluster -Uri $script:Auth.Url -Credential (New-Cred 'ffonly' $script:FfPw) -PassThru 6>$null
        $conn.UserName | Should -Be 'ffonly'
        Clear-SimulatorState -Simulator $script:Auth
        $status = @($script:Ids | Get-FlowWorkflowStatus -All -Connection $conn)
        @($status.WorkflowId) | Should -Be $script:Ids
        $status | ForEach-Object { $_.User | Should -Be 'admin' -Because 'the state keeps the user who provisioned it' }
        $status | ForEach-Object { $_.HasTemplate | Should -BeTrue }
        $log = @(Get-SimulatorRequests -Simulator $script:Auth)
        # Per piped id: its status, and the template search that fills HasTemplate.
        @($log | ForEach-Object { "$($_.method) $($_.path -replace '/workflow/[^/]+/_status$', '/workflow/<id>/_status')" }) |
            Should -Be (@('GET /_plugins/_flow_framework/workflow/<id>/_status', 'POST /_plugins/_flow_framework/workflow/_search') * 2)
        $log | ForEach-Object { $_.user | Should -Be 'ffonly' }
        @($log | Where-Object method -EQ 'GET') | ForEach-Object { $_.query | Should -Be 'all=true' }
        Disconnect-FlowCluster
    }
}

Describe 'Multi-tenancy' {
    BeforeAll {
        $script:MtPw = New-Pw 'Mt'
        $script:Mt = Start-FlowSimulator -ArgumentList (@('--multi-tenancy', '--user', "admin:$($script:MtPw):all_access") + $script:FastSim)
        $script:MtAdmin = New-Cred 'admin' $script:MtPw
        $script:T1 = @{ 'x-tenant-id' = 't1' }
        $script:MtId = New-ProvisionedWorkflow -Simulator $script:Mt -Template (New-FlowTestTemplate) -Credential $script:MtAdmin -Headers $script:T1
    }
    AfterAll {
        Disconnect-FlowCluster -ErrorAction SilentlyContinue
        $script:Mt | Stop-FlowSimulator
    }

    It 'another tenant gets FlowAccessDenied "No permission to access this resource", and nothing changes' {
        $conn = Connect-FlowCluster -Uri $script:Mt.Url -Credential $script:MtAdmin -TenantId t2 -PassThru 6>$null
        $conn.TenantId | Should -Be 't2'
        Clear-SimulatorState -Simulator $script:Mt
        $status = @(Get-FlowWorkflowStatus -WorkflowId $script:MtId -Connection $conn -ErrorVariable statusErrors -ErrorAction SilentlyContinue)
        $deprov = @(Invoke-FlowDeprovision -WorkflowId $script:MtId -Force -Connection $conn -ErrorVariable deprovErrors -ErrorAction SilentlyContinue)
        $status + $deprov | Should -HaveCount 0
        foreach ($e in @($statusErrors) + @($deprovErrors)) {
            $e.FullyQualifiedErrorId | Should -BeLike 'FlowAccessDenied,*'
            $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e.TargetObject | Should -Be $script:MtId
            $e.Exception.Message | Should -BeLike '*HTTP 403*No permission to access this resource'
            $e.ErrorDetails.RecommendedAction | Should -BeLike '*-TenantId*'
        }
        @($statusErrors) + @($deprovErrors) | Should -HaveCount 2
        $log = @(Get-SimulatorRequests -Simulator $script:Mt)
        $log | Should -HaveCount 2
        $log | ForEach-Object { $_.tenant | Should -Be 't2'; $_.user | Should -Be 'admin'; $_.status | Should -Be 403 }
        (Get-WorkflowResources $script:Mt $script:MtId $script:MtAdmin $script:T1) | Should -HaveCount 6
        Disconnect-FlowCluster
    }

    It 'without -TenantId the server''s "Tenant ID header is missing or has no value" surfaces as FlowAccessDenied' {
        $conn = Connect-FlowCluster -Uri $script:Mt.Url -Credential $script:MtAdmin -PassThru 6>$null
        $conn.TenantId | Should -BeNullOrEmpty
        Clear-SimulatorState -Simulator $script:Mt
        $null = Get-FlowWorkflowStatus -WorkflowId $script:MtId -Connection $conn -ErrorVariable statusErrors -ErrorAction SilentlyContinue
        $statusErrors | Should -HaveCount 1
        $statusErrors[0].FullyQualifiedErrorId | Should -BeLike 'FlowAccessDenied,*'
        $statusErrors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $statusErrors[0].TargetObject | Should -Be $script:MtId
        $statusErrors[0].Exception.Message | Should -BeLike '*HTTP 403*Tenant ID header is missing or has no value'
        $log = @(Get-SimulatorRequests -Simulator $script:Mt)
        $log | Should -HaveCount 1
        $log[0].tenant | Should -BeNullOrEmpty
        Disconnect-FlowCluster
    }

    It 'the owning tenant sees its workflow and deprovisions it, sending x-tenant-id on every request' {
        $conn = Connect-FlowCluster -Uri $script:Mt.Url -Credential $script:MtAdmin -TenantId t1 -PassThru 6>$null
        Clear-SimulatorState -Simulator $script:Mt
        $before = Get-FlowWorkflowStatus -WorkflowId $script:MtId -All -Connection $conn
        $before.WorkflowId | Should -Be $script:MtId
        $before.TenantId | Should -Be 't1'
        $before.Resources | Should -HaveCount 6

        $out = @(Invoke-FlowDeprovision -WorkflowId $script:MtId -AllowDelete '*' -Force -PassThru -Connection $conn -WarningAction SilentlyContinue)
        $result = @($out | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] })
        $result | Should -HaveCount 1
        $result[0].Status | Should -Be 'Deprovisioned'
        @($out | Where-Object { $_ -is [FlowFramework.FlowResource] }) | Should -HaveCount 0

        $log = @(Get-SimulatorRequests -Simulator $script:Mt)
        $log.Count | Should -BeGreaterOrEqual 4   # status, status (plan), deprovision, confirming status
        $log | ForEach-Object { $_.tenant | Should -Be 't1'; $_.user | Should -Be 'admin' }
        @($log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/_deprovision' }).status | Should -Contain 200
        (Get-FlowWorkflowStatus -WorkflowId $script:MtId -Connection $conn).Resources | Should -HaveCount 0
        Disconnect-FlowCluster
    }
}
