# Every way to sign in, end to end against the simulator through the packaged module: AWS SigV4 (default chain,
# profile, PSCredential keys), client certificates (object, .pfx, PEM with encrypted key, with basic auth), a private
# CA, and bearer tokens. Each connects, reads a status and deprovisions a workflow with two allow_delete ids; each
# failure gives its error id; a sweep looks for every secret in every stream, $Error, a transcript and the simulator's log.
# Runs in the fresh pwsh of Invoke-PesterSuite.ps1; reads $env:FLOW_TEST_MODULE, FLOW_TEST_SIMULATOR, FLOW_TEST_REPO_ROOT.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    Import-Module $env:FLOW_TEST_MODULE -Force
    # The AWS SDK's default chain must never reach for EC2 instance metadata (a non-loopback address) from a test.
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $script:FastSim = @('--step-pause-ms', '5', '--pass-pause-ms', '20', '--provision-delay-ms', '5', '--log-level', 'Debug')
    $script:Dir = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "flow-auth-$([guid]::NewGuid().ToString('n'))")).FullName
    $script:AwsVariables = 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'

    function script:New-Secret([string] $Prefix) { "$Prefix$([guid]::NewGuid().ToString('n'))" }
    function script:Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

    # Runs a statement that should end with a terminating error; returns the error and whether the statement went on.
    function script:Invoke-ExpectTerminating([scriptblock] $Script) {
        $outcome = [pscustomobject]@{ Error = $null; Continued = $false }
        try { & $Script | Out-Null; $outcome.Continued = $true } catch { $outcome.Error = $_ }
        $outcome
    }

    function script:Use-AwsEnvironment([hashtable] $Values) {
        foreach ($name in $script:AwsVariables) { Remove-Item "Env:$name" -ErrorAction SilentlyContinue }
        foreach ($name in $Values.Keys) { Set-Item "Env:$name" $Values[$name] }
    }

    # A SigV4 signer for test set-up only (creating workflows on the IAM-only simulator); the module and the
    # simulator each have their own.
    function script:Invoke-Signed([string] $Method, [string] $Url, [string] $Body, [string] $Key, [string] $Secret, [string] $Token) {
        $uri = [uri]$Url
        $amz = [DateTime]::UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", [cultureinfo]::InvariantCulture)
        $day = $amz.Substring(0, 8)
        $payload = [Text.Encoding]::UTF8.GetBytes([string]$Body)
        $hash = [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData($payload))
        $encode = { param($s) -join ([Text.Encoding]::UTF8.GetBytes($s) | ForEach-Object { if ([char]$_ -match '[A-Za-z0-9\-._~]') { [string][char]$_ } else { '%{0:X2}' -f $_ } }) }
        $path = ($uri.AbsolutePath -split '/' | ForEach-Object { & $encode $_ }) -join '/'
        $pairs = [string[]]@($uri.Query.TrimStart('?') -split '&' | Where-Object { $_ } | ForEach-Object {
                $kv = $_ -split '=', 2
                (& $encode ([uri]::UnescapeDataString($kv[0]))) + '=' + (& $encode ([uri]::UnescapeDataString($(if ($kv.Count -gt 1) { $kv[1] } else { '' }))))
            })
        [Array]::Sort($pairs, [StringComparer]::Ordinal)
        $headers = [ordered]@{ 'host' = $uri.Authority; 'x-amz-content-sha256' = $hash; 'x-amz-date' = $amz }
        if ($Token) { $headers['x-amz-security-token'] = $Token }
        $canonical = "$Method`n$path`n$($pairs -join '&')`n" + (-join ($headers.Keys | ForEach-Object { "${_}:$($headers[$_])`n" })) + "`n$($headers.Keys -join ';')`n$hash"
        $scope = "$day/us-east-1/es/aws4_request"
        $toSign = "AWS4-HMAC-SHA256`n$amz`n$scope`n" + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($canonical)))
        $k = [Text.Encoding]::UTF8.GetBytes("AWS4$Secret")
        foreach ($part in $day, 'us-east-1', 'es', 'aws4_request') { $k = [Security.Cryptography.HMACSHA256]::HashData($k, [Text.Encoding]::UTF8.GetBytes($part)) }
        $signature = [Convert]::ToHexStringLower([Security.Cryptography.HMACSHA256]::HashData($k, [Text.Encoding]::UTF8.GetBytes($toSign)))
        $send = @{}
        foreach ($name in $headers.Keys) { if ($name -ne 'host') { $send[$name] = $headers[$name] } }
        $send['Authorization'] = "AWS4-HMAC-SHA256 Credential=$Key/$scope, SignedHeaders=$($headers.Keys -join ';'), Signature=$signature"
        $params = @{ Method = $Method; Uri = $Url; Headers = $send; SkipHeaderValidation = $true; SkipCertificateCheck = $true; SkipHttpErrorCheck = $true; StatusCodeVariable = 'code' }
        if ($Body) { $params.Body = $Body; $params.ContentType = 'application/json' }
        $response = Invoke-RestMethod @params
        [pscustomobject]@{ Status = $code; Body = $response }
    }

    # Creates and provisions the test template; returns the workflow id and its two allow_delete ids.
    function script:New-Workflow($Sim, [scriptblock] $Send) {
        $suffix = [guid]::NewGuid().ToString('n').Substring(0, 8)
        $id = New-ProvisionedWorkflow -Simulator $Sim -Template (New-FlowTestTemplate -Suffix $suffix) -Send $Send
        [pscustomobject]@{ Id = $id; AllowDelete = @("demo-passages-$suffix", "demo-embedding-pipeline-$suffix") }
    }

    # What every sign-in way must do: connect, read the status, deprovision with two allow_delete ids.
    function script:Assert-FullCycle($Connection, $Workflow, $Sim) {
        $status = Get-FlowWorkflowStatus -WorkflowId $Workflow.Id -Connection $Connection
        $status.State | Should -Be 'COMPLETED'
        $status.Resources.Count | Should -BeGreaterThan 2
        $out = Invoke-FlowDeprovision -WorkflowId $Workflow.Id -AllowDelete $Workflow.AllowDelete -Force -PassThru -Connection $Connection -WarningAction SilentlyContinue
        $result = @($out | Where-Object { $_ -is [FlowFramework.FlowDeprovisionResult] })
        $result | Should -HaveCount 1
        $result[0].Status | Should -Be 'Deprovisioned'
        @($result[0].AllowDeleteSent) | Sort-Object | Should -Be (@($Workflow.AllowDelete) | Sort-Object)
        @($out | Where-Object { $_ -is [FlowFramework.FlowResource] }) | Should -HaveCount 0
        $sent = @(Get-SimulatorRequests -Simulator $Sim | Where-Object { $_.path -like "*/$($Workflow.Id)/_deprovision" })
        $sent.status | Should -Contain 200
        $query = ($sent | Where-Object status -EQ 200).query
        $query | Should -BeLike 'allow_delete=*,*'
        @($query.Substring('allow_delete='.Length) -split ',' | Sort-Object) | Should -Be (@($Workflow.AllowDelete) | Sort-Object)
    }

    function script:New-Authority([string] $Name) {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$Name", $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
    }

    function script:New-ClientCertificate($Authority, [string] $Subject) {
        $key = [Security.Cryptography.RSA]::Create(2048)
        $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $eku = [Security.Cryptography.OidCollection]::new(); $null = $eku.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2'))
        $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
        $issued = $request.Create($Authority, [DateTimeOffset]::UtcNow.AddHours(-1), [DateTimeOffset]::UtcNow.AddDays(1), [Security.Cryptography.RandomNumberGenerator]::GetBytes(8))
        [Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issued, $key)
    }

    function script:New-Jwt([byte[]] $Key, [string] $Subject, [long] $Expires) {
        $b64 = { param([byte[]] $b) [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        $head = & $b64 ([Text.Encoding]::UTF8.GetBytes('{"alg":"HS256","typ":"JWT"}'))
        $body = & $b64 ([Text.Encoding]::UTF8.GetBytes("{`"sub`":`"$Subject`",`"exp`":$Expires}"))
        "$head.$body." + (& $b64 ([Security.Cryptography.HMACSHA256]::HashData($Key, [Text.Encoding]::ASCII.GetBytes("$head.$body"))))
    }

    # Runs one sign-in way in a fresh pwsh with Verbose, Debug and Information on, a transcript, every stream captured
    # and $Error dumped; returns all of that text (plus the process's own output) for the secrets sweep.
    function script:Invoke-SweepRun([string] $Body, [hashtable] $Environment) {
        $name = [guid]::NewGuid().ToString('n')
        $files = @{ SWEEP_TRANSCRIPT = "$script:Dir/$name-transcript.txt"; SWEEP_STREAMS = "$script:Dir/$name-streams.txt"; SWEEP_ERRORS = "$script:Dir/$name-errors.txt" }
        $script = @"
`$ErrorActionPreference = 'Continue'
`$VerbosePreference = 'Continue'; `$DebugPreference = 'Continue'; `$InformationPreference = 'Continue'
Start-Transcript -Path `$env:SWEEP_TRANSCRIPT | Out-Null
Import-Module `$env:FLOW_TEST_MODULE
& { $Body } *>&1 | Out-String -Width 500 | Set-Content `$env:SWEEP_STREAMS
`$Error | ForEach-Object { `$_ | Format-List * -Force | Out-String -Width 500; `$_.Exception | Format-List * -Force | Out-String -Width 500; `$_.Exception.ToString(); `$_.ErrorDetails.RecommendedAction; `$_.ScriptStackTrace } | Set-Content `$env:SWEEP_ERRORS
Stop-Transcript | Out-Null
"@
        $all = @{ AWS_EC2_METADATA_DISABLED = 'true'; FLOW_TEST_MODULE = $env:FLOW_TEST_MODULE } + $files + $Environment
        $run = Invoke-FreshPwsh -Script $script -Environment $all -TimeoutSec 180
        $text = $run.Output + "`n" + $run.Errors + "`n" + (($files.Values | ForEach-Object { if (Test-Path $_) { Get-Content -Raw $_ } }) -join "`n")
        [pscustomobject]@{ Text = $text; Streams = (Get-Content -Raw $files.SWEEP_STREAMS -ErrorAction SilentlyContinue); Errors = (Get-Content -Raw $files.SWEEP_ERRORS -ErrorAction SilentlyContinue) }
    }

    function script:Assert-NoSecret([string] $Text, [string[]] $Secrets) {
        foreach ($secret in $Secrets) { $Text | Should -Not -BeLike "*$secret*" -Because 'no secret may appear in any output, error, transcript or log' }
        $Text | Should -Not -Match 'Signature=[0-9a-f]{16}' -Because 'no SigV4 signature may appear'
        $Text | Should -Not -CMatch '-----BEGIN [A-Z ]*PRIVATE KEY' -Because 'no private key may appear'
        $Text | Should -Not -Match 'Basic [A-Za-z0-9+/=]{12}' -Because 'no Authorization header may appear'
    }
}

AfterAll {
    Remove-Item -LiteralPath $script:Dir -Recurse -Force -ErrorAction SilentlyContinue
    Disconnect-FlowCluster -ErrorAction SilentlyContinue
}

Describe 'AWS SigV4' {
    BeforeAll {
        $script:Secret = New-Secret 'Sec'
        $script:SessionToken = New-Secret 'Tok'
        $script:PlainSecret = New-Secret 'Plain'
        $script:SimCa = Join-Path $script:Dir 'aws-sim-ca.pem'
        $script:Aws = Start-FlowSimulator -ArgumentList (@('--tls', '--write-ca', $script:SimCa, '--sigv4', 'us-east-1/es',
                '--aws-key', "ASIAFLOWTEST:$($script:Secret):$($script:SessionToken)", '--aws-key', "AKIAFLOWPLAIN:$($script:PlainSecret)") + $script:FastSim)
        $script:SendAws = { param($m, $p, $b) Invoke-Signed $m "$($script:Aws.Url)$p" $b 'ASIAFLOWTEST' $script:Secret $script:SessionToken }
        $script:Before = @{}
        foreach ($name in $script:AwsVariables) { $script:Before[$name] = [Environment]::GetEnvironmentVariable($name) }
        # The SDK reads AWS_SHARED_CREDENTIALS_FILE once per process, so every test here uses the same file; it has no
        # [default] profile, so the default chain finds nothing in it.
        $script:Profile = Join-Path $script:Dir 'credentials'
        $script:NoFiles = @{ AWS_SHARED_CREDENTIALS_FILE = $script:Profile; AWS_CONFIG_FILE = (Join-Path $script:Dir 'none-config') }
        Set-Content -LiteralPath $script:Profile -Value "[flowtest]`naws_access_key_id = ASIAFLOWTEST`naws_secret_access_key = $($script:Secret)`naws_session_token = $($script:SessionToken)`n"
    }
    AfterAll {
        foreach ($name in $script:AwsVariables) { [Environment]::SetEnvironmentVariable($name, $script:Before[$name]) }
        Disconnect-FlowCluster -ErrorAction SilentlyContinue
        $script:Aws | Stop-FlowSimulator
    }

    It 'the default chain (environment, with a session token) and the CA the simulator wrote: connect, status, deprovision with two allow_delete ids' {
        $wf = New-Workflow $script:Aws $script:SendAws
        Use-AwsEnvironment (@{ AWS_ACCESS_KEY_ID = 'ASIAFLOWTEST'; AWS_SECRET_ACCESS_KEY = $script:Secret; AWS_SESSION_TOKEN = $script:SessionToken } + $script:NoFiles)
        Clear-SimulatorState -Simulator $script:Aws
        $conn = Connect-FlowCluster $script:Aws.Url -AwsRegion us-east-1 -CertificateAuthorityPath $script:SimCa -PassThru 6>$null
        $conn.Authentication | Should -Be 'AwsSigV4'
        $conn.AwsRegion | Should -Be 'us-east-1'
        $conn.AwsService | Should -Be 'es'
        $conn.CertificateAuthorityPath | Should -Be $script:SimCa
        $conn.Version | Should -Be '3.2.0'
        Assert-FullCycle $conn $wf $script:Aws
        (Get-SimulatorRequests -Simulator $script:Aws).user | Sort-Object -Unique | Should -Be 'arn:aws:iam::123456789012:user/ASIAFLOWTEST'
    }

    It '-AwsCredential as a PSCredential of access key id and secret' {
        $wf = New-Workflow $script:Aws $script:SendAws
        Use-AwsEnvironment $script:NoFiles
        Clear-SimulatorState -Simulator $script:Aws
        $keys = [pscredential]::new('AKIAFLOWPLAIN', (Secure $script:PlainSecret))
        $conn = Connect-FlowCluster $script:Aws.Url -AwsRegion us-east-1 -AwsCredential $keys -SkipCertificateCheck -PassThru 6>$null
        $conn.Authentication | Should -Be 'AwsSigV4'
        Assert-FullCycle $conn $wf $script:Aws
    }

    It '-AwsProfile from a shared credentials file (with a session token)' {
        $wf = New-Workflow $script:Aws $script:SendAws
        Use-AwsEnvironment $script:NoFiles
        Clear-SimulatorState -Simulator $script:Aws
        $conn = Connect-FlowCluster $script:Aws.Url -AwsRegion us-east-1 -AwsProfile flowtest -CertificateAuthorityPath $script:SimCa -PassThru 6>$null
        Assert-FullCycle $conn $wf $script:Aws
    }

    It 'a wrong secret stops Connect-FlowCluster with FlowAuthenticationFailed and says what to check' {
        Use-AwsEnvironment $script:NoFiles
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Aws.Url -AwsRegion us-east-1 -AwsCredential ([pscredential]::new('AKIAFLOWPLAIN', (Secure 'not-the-secret'))) -SkipCertificateCheck 6>$null }
        $run.Continued | Should -BeFalse
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $run.Error.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $run.Error.Exception.Message | Should -BeLike "*region 'us-east-1'*service 'es'*signature we calculated does not match*"
        $run.Error.Exception.Message | Should -Not -BeLike '*Canonical String*'
        foreach ($word in 'region', 'service', 'clock', 'credentials source') { $run.Error.ErrorDetails.RecommendedAction | Should -BeLike "*$word*" }
    }

    It 'a wrong region stops with FlowAuthenticationFailed naming the region' {
        Use-AwsEnvironment $script:NoFiles
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Aws.Url -AwsRegion eu-west-1 -AwsCredential ([pscredential]::new('AKIAFLOWPLAIN', (Secure $script:PlainSecret))) -SkipCertificateCheck 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $run.Error.Exception.Message | Should -BeLike "*region 'eu-west-1'*Credential should be scoped to a valid region*"
    }

    It 'no credentials anywhere in the chain is FlowAwsCredentialNotFound naming the places searched, before any request' {
        Use-AwsEnvironment $script:NoFiles
        Clear-SimulatorState -Simulator $script:Aws
        $run = Invoke-ExpectTerminating { Connect-FlowCluster 'https://search-flows-abc.us-east-1.es.amazonaws.com' -AwsService es 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAwsCredentialNotFound,*'
        foreach ($place in 'AWS_ACCESS_KEY_ID', 'credentials file', 'config file', 'web identity', 'container', 'instance metadata') { $run.Error.Exception.Message | Should -BeLike "*$place*" }
        @(Get-SimulatorRequests -Simulator $script:Aws) | Should -HaveCount 0
    }

    It 'temporary credentials that expire during a run stop the next call with FlowAuthenticationFailed' {
        $wf = New-Workflow $script:Aws $script:SendAws
        Use-AwsEnvironment (@{ AWS_ACCESS_KEY_ID = 'ASIAFLOWTEST'; AWS_SECRET_ACCESS_KEY = $script:Secret; AWS_SESSION_TOKEN = $script:SessionToken } + $script:NoFiles)
        $conn = Connect-FlowCluster $script:Aws.Url -AwsRegion us-east-1 -SkipCertificateCheck -PassThru 6>$null
        $null = Invoke-Simulator -Simulator $script:Aws -Method POST -Path '/_simulator/aws/expire-tokens'
        $run = Invoke-ExpectTerminating { Invoke-FlowDeprovision -WorkflowId $wf.Id -AllowDelete $wf.AllowDelete -Force -Connection $conn }
        $run.Continued | Should -BeFalse -Because 'rejected credentials make the connection unusable'
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $run.Error.Exception.Message | Should -BeLike '*security token included in the request is expired*'
    }

    It 'secrets sweep: no secret key, session token or signature in any stream, $Error, transcript or the simulator log' {
        $environment = @{ AWS_ACCESS_KEY_ID = 'ASIAFLOWTEST'; AWS_SECRET_ACCESS_KEY = $script:Secret; AWS_SESSION_TOKEN = $script:SessionToken; AWS_CONFIG_FILE = 'none'; AWS_SHARED_CREDENTIALS_FILE = 'none'; SIM = $script:Aws.Url; PLAIN = $script:PlainSecret; PROFILE_FILE = $script:Profile }
        # The tokens were expired by the test above: this sweep runs what fails now and what works with plain keys.
        $run = Invoke-SweepRun -Environment $environment -Body @'
Connect-FlowCluster $env:SIM -AwsRegion us-east-1 -SkipCertificateCheck -Verbose -ErrorAction Continue
$c = Connect-FlowCluster $env:SIM -AwsRegion us-east-1 -AwsCredential ([pscredential]::new('AKIAFLOWPLAIN', (ConvertTo-SecureString $env:PLAIN -AsPlainText -Force))) -SkipCertificateCheck -PassThru -Verbose
Get-FlowWorkflowStatus missing-workflow -Connection $c -Verbose
Invoke-FlowDeprovision missing-workflow -AllowDelete a, b -Force -Connection $c -Verbose
Connect-FlowCluster $env:SIM -AwsRegion us-east-1 -AwsCredential ([pscredential]::new('AKIAFLOWPLAIN', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))) -SkipCertificateCheck -Verbose -ErrorAction Continue
$env:AWS_SHARED_CREDENTIALS_FILE = $env:PROFILE_FILE
Connect-FlowCluster $env:SIM -AwsRegion us-east-1 -AwsProfile flowtest -SkipCertificateCheck -Verbose -ErrorAction Continue
'@
        $run.Streams | Should -BeLike '*GET / -> 403*'
        $run.Streams | Should -BeLike '*GET /_plugins/_flow_framework/workflow/missing-workflow/_status?all=true -> 404*'
        $run.Errors | Should -BeLike '*FlowAuthenticationFailed*'
        $run.Errors | Should -BeLike '*FlowWorkflowNotFound*'
        $script:Aws | Stop-FlowSimulator
        $log = $script:Aws.LaterOutput.Result + $script:Aws.StandardError.Result
        $log | Should -BeLike '*Request*'   # the simulator did log (at Debug)
        Assert-NoSecret ($run.Text + $log) @($script:Secret, $script:SessionToken, $script:PlainSecret)
    }
}

Describe 'Client certificates and a private CA' {
    BeforeAll {
        $script:ClientCa = New-Authority 'Flow Test Client CA'
        $script:ClientCaPath = Join-Path $script:Dir 'client-ca.pem'
        Set-Content -LiteralPath $script:ClientCaPath -Value $script:ClientCa.ExportCertificatePem()
        $script:SimCa = Join-Path $script:Dir 'cert-sim-ca.pem'
        $script:AdminPw = New-Secret 'Adm'
        $script:Certs = Start-FlowSimulator -ArgumentList (@('--tls', '--write-ca', $script:SimCa, '--client-ca', $script:ClientCaPath,
                '--user', "admin:$($script:AdminPw):all_access", '--user', 'ops:unused:all_access') + $script:FastSim)
        $admin = [pscredential]::new('admin', (Secure $script:AdminPw))
        $sim = $script:Certs
        $script:SendBasic = { param($m, $p, $b) Invoke-Simulator -Simulator $sim -Method $m -Path $p -Body $b -Credential $admin }.GetNewClosure()
        $script:Ops = New-ClientCertificate $script:ClientCa 'CN=ops,OU=platform'
        $script:PfxPassword = New-Secret 'Pfx'
        $script:Pfx = Join-Path $script:Dir 'ops.pfx'
        [IO.File]::WriteAllBytes($script:Pfx, $script:Ops.Export('Pkcs12', $script:PfxPassword))
        $script:KeyPassword = New-Secret 'Key'
        $script:Pem = Join-Path $script:Dir 'ops.crt'
        $script:KeyPem = Join-Path $script:Dir 'ops.key'
        Set-Content -LiteralPath $script:Pem -Value $script:Ops.ExportCertificatePem()
        $pbe = [Security.Cryptography.PbeParameters]::new('Aes256Cbc', 'SHA256', 100000)
        Set-Content -LiteralPath $script:KeyPem -Value ([Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($script:Ops).ExportEncryptedPkcs8PrivateKeyPem($script:KeyPassword.ToCharArray(), $pbe))
        $script:OtherCaPath = Join-Path $script:Dir 'other-ca.pem'
        Set-Content -LiteralPath $script:OtherCaPath -Value (New-Authority 'Somebody Else CA').ExportCertificatePem()
    }
    AfterAll {
        Disconnect-FlowCluster -ErrorAction SilentlyContinue
        $script:Certs | Stop-FlowSimulator
    }

    It '-Certificate with the simulator''s CA as -CertificateAuthorityPath signs in as the certificate''s CN' {
        $wf = New-Workflow $script:Certs $script:SendBasic
        Clear-SimulatorState -Simulator $script:Certs
        $conn = Connect-FlowCluster $script:Certs.Url -Certificate $script:Ops -CertificateAuthorityPath $script:SimCa -PassThru 6>$null
        $conn.Authentication | Should -Be 'Certificate'
        Assert-FullCycle $conn $wf $script:Certs
        (Get-SimulatorRequests -Simulator $script:Certs).user | Sort-Object -Unique | Should -Be 'ops'
    }

    It '-CertificatePath to a .pfx with -CertificatePassword' {
        $wf = New-Workflow $script:Certs $script:SendBasic
        Clear-SimulatorState -Simulator $script:Certs
        Push-Location $script:Dir
        try { $conn = Connect-FlowCluster $script:Certs.Url -CertificatePath ./ops.pfx -CertificatePassword (Secure $script:PfxPassword) -CertificateAuthorityPath ./cert-sim-ca.pem -PassThru 6>$null }
        finally { Pop-Location }
        Assert-FullCycle $conn $wf $script:Certs
    }

    It 'a PEM certificate with an encrypted -CertificateKeyPath, together with -Credential' {
        $wf = New-Workflow $script:Certs $script:SendBasic
        Clear-SimulatorState -Simulator $script:Certs
        $conn = Connect-FlowCluster $script:Certs.Url -CertificatePath $script:Pem -CertificateKeyPath $script:KeyPem -CertificatePassword (Secure $script:KeyPassword) -Credential ([pscredential]::new('admin', (Secure $script:AdminPw))) -SkipCertificateCheck -PassThru 6>$null
        $conn.Authentication | Should -Be 'Certificate+Basic'
        Assert-FullCycle $conn $wf $script:Certs
    }

    It 'a missing client certificate is FlowAuthenticationFailed' {
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Certs.Url -CertificateAuthorityPath $script:SimCa 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $run.Error.Exception.Message | Should -BeLike '*HTTP 401*'
    }

    It 'a server certificate outside -CertificateAuthorityPath is FlowTlsError naming its subject and issuer' {
        Clear-SimulatorState -Simulator $script:Certs
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Certs.Url -Certificate $script:Ops -CertificateAuthorityPath $script:OtherCaPath 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowTlsError,*'
        $run.Error.CategoryInfo.Category | Should -Be 'SecurityError'
        $run.Error.Exception.Message | Should -BeLike "*'CN=localhost'*'CN=FlowFramework Simulator CA, O=FlowFramework'*$($script:OtherCaPath)*"
        $run.Error.ErrorDetails.RecommendedAction | Should -BeLike '*-CertificateAuthorityPath*'
        @(Get-SimulatorRequests -Simulator $script:Certs) | Should -HaveCount 0
    }

    It '-SkipCertificateCheck with -CertificateAuthorityPath is refused before anything is sent' {
        Clear-SimulatorState -Simulator $script:Certs
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Certs.Url -Certificate $script:Ops -CertificateAuthorityPath $script:SimCa -SkipCertificateCheck 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowConflictingParameters,*'
        $run.Error.CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-SimulatorRequests -Simulator $script:Certs) | Should -HaveCount 0
    }

    It 'an unreadable certificate file is FlowCertificateUnreadable naming the file, never the password' {
        $wrong = New-Secret 'WrongPfx'
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Certs.Url -CertificatePath $script:Pfx -CertificatePassword (Secure $wrong) -SkipCertificateCheck 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowCertificateUnreadable,*'
        $run.Error.TargetObject | Should -Be $script:Pfx
        $run.Error.Exception.Message | Should -BeLike "*$($script:Pfx)*"
        ($run.Error | Out-String) + $run.Error.Exception.ToString() | Should -Not -BeLike "*$wrong*"
        $missing = Invoke-ExpectTerminating { Connect-FlowCluster $script:Certs.Url -CertificatePath (Join-Path $script:Dir 'nope.pfx') -SkipCertificateCheck 6>$null }
        $missing.Error.FullyQualifiedErrorId | Should -BeLike 'FlowCertificateUnreadable,*'
        $missing.Error.Exception.Message | Should -BeLike '*nope.pfx*'
    }

    It 'secrets sweep: no certificate password, key or basic password anywhere' {
        $environment = @{ SIM = $script:Certs.Url; PFX = $script:Pfx; PFXPW = $script:PfxPassword; PEM = $script:Pem; KEY = $script:KeyPem; KEYPW = $script:KeyPassword; ADMINPW = $script:AdminPw; CA = $script:SimCa }
        $run = Invoke-SweepRun -Environment $environment -Body @'
$c = Connect-FlowCluster $env:SIM -CertificatePath $env:PFX -CertificatePassword (ConvertTo-SecureString $env:PFXPW -AsPlainText -Force) -CertificateAuthorityPath $env:CA -PassThru -Verbose
Get-FlowWorkflowStatus missing-workflow -Connection $c -Verbose
Invoke-FlowDeprovision missing-workflow -AllowDelete a, b -Force -Connection $c -Verbose
$c = Connect-FlowCluster $env:SIM -CertificatePath $env:PEM -CertificateKeyPath $env:KEY -CertificatePassword (ConvertTo-SecureString $env:KEYPW -AsPlainText -Force) -Credential ([pscredential]::new('admin', (ConvertTo-SecureString $env:ADMINPW -AsPlainText -Force))) -SkipCertificateCheck -PassThru -Verbose
$c | Format-List * | Out-String
Connect-FlowCluster $env:SIM -CertificatePath $env:KEY -CertificatePassword (ConvertTo-SecureString ($env:KEYPW + 'x') -AsPlainText -Force) -SkipCertificateCheck -ErrorAction Continue
Connect-FlowCluster $env:SIM -CertificatePath $env:PEM -CertificateKeyPath $env:KEY -CertificatePassword (ConvertTo-SecureString ($env:KEYPW + 'x') -AsPlainText -Force) -SkipCertificateCheck -ErrorAction Continue
'@
        $run.Streams | Should -BeLike '*Authentication*Certificate+Basic*'
        $run.Errors | Should -BeLike '*FlowCertificateUnreadable*'
        $script:Certs | Stop-FlowSimulator
        $log = $script:Certs.LaterOutput.Result + $script:Certs.StandardError.Result
        $keyBody = (Get-Content -LiteralPath $script:KeyPem)[3]   # a line of the encrypted key's base64
        $keyBody.Length | Should -BeGreaterThan 40
        Assert-NoSecret ($run.Text + $log) @($script:PfxPassword, $script:KeyPassword, "$($script:KeyPassword)x", $script:AdminPw, $keyBody)
    }
}

Describe 'Bearer tokens' {
    BeforeAll {
        # --jwt-key <secret>: the HS256 key is the secret's UTF-8 bytes (37 here; the security plugin wants at least 32).
        $script:JwtSecret = New-Secret 'JwtSecret'
        $script:JwtKey = [Text.Encoding]::UTF8.GetBytes($script:JwtSecret)
        $script:AlicePw = New-Secret 'Alice'
        $script:Jwt = Start-FlowSimulator -ArgumentList (@('--jwt-key', $script:JwtSecret, '--user', "alice:$($script:AlicePw):all_access") + $script:FastSim)
        $alice = [pscredential]::new('alice', (Secure $script:AlicePw))
        $sim = $script:Jwt
        $script:SendAlice = { param($m, $p, $b) Invoke-Simulator -Simulator $sim -Method $m -Path $p -Body $b -Credential $alice }.GetNewClosure()
        $script:Token = New-Jwt $script:JwtKey 'alice' ([DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds())
    }
    AfterAll {
        Disconnect-FlowCluster -ErrorAction SilentlyContinue
        $script:Jwt | Stop-FlowSimulator
    }

    It '-Token sends Authorization: Bearer and signs in as the token''s subject' {
        $wf = New-Workflow $script:Jwt $script:SendAlice
        Clear-SimulatorState -Simulator $script:Jwt
        $conn = Connect-FlowCluster $script:Jwt.Url -Token (Secure $script:Token) -PassThru 6>$null
        $conn.Authentication | Should -Be 'Token'
        $conn.UserName | Should -BeNullOrEmpty
        Assert-FullCycle $conn $wf $script:Jwt
        (Get-SimulatorRequests -Simulator $script:Jwt).user | Sort-Object -Unique | Should -Be 'alice'
    }

    It 'an expired token is FlowAuthenticationFailed with a next step about the token' {
        $expired = New-Jwt $script:JwtKey 'alice' ([DateTimeOffset]::UtcNow.AddMinutes(-10).ToUnixTimeSeconds())
        $run = Invoke-ExpectTerminating { Connect-FlowCluster $script:Jwt.Url -Token (Secure $expired) 6>$null }
        $run.Error.FullyQualifiedErrorId | Should -BeLike 'FlowAuthenticationFailed,*'
        $run.Error.Exception.Message | Should -BeLike '*bearer token*HTTP 401*'
        $run.Error.ErrorDetails.RecommendedAction | Should -BeLike '*new token*'
        ($run.Error | Out-String) | Should -Not -BeLike "*$expired*"
    }

    It 'secrets sweep: the token appears nowhere' {
        $expired = New-Jwt $script:JwtKey 'alice' ([DateTimeOffset]::UtcNow.AddMinutes(-10).ToUnixTimeSeconds())
        $run = Invoke-SweepRun -Environment @{ SIM = $script:Jwt.Url; TOKEN = $script:Token; EXPIRED = $expired } -Body @'
$c = Connect-FlowCluster $env:SIM -Token (ConvertTo-SecureString $env:TOKEN -AsPlainText -Force) -PassThru -Verbose
$c | Format-List * | Out-String
Get-FlowWorkflowStatus missing-workflow -Connection $c -Verbose
Invoke-FlowDeprovision missing-workflow -AllowDelete a, b -Force -Connection $c -Verbose
Connect-FlowCluster $env:SIM -Token (ConvertTo-SecureString $env:EXPIRED -AsPlainText -Force) -Verbose -ErrorAction Continue
'@
        $run.Errors | Should -BeLike '*FlowAuthenticationFailed*'
        $script:Jwt | Stop-FlowSimulator
        $log = $script:Jwt.LaterOutput.Result + $script:Jwt.StandardError.Result
        Assert-NoSecret ($run.Text + $log) @($script:Token, $expired, ($script:Token -split '\.')[2], $script:JwtSecret)
    }
}

Describe 'AWSSDK.Core loads only for a SigV4 connection' {
    It 'Import-Module and a basic or key-only connection load no AWS assembly; a profile connection loads it into the engine''s load context' {
        $script = @'
Import-Module $env:FLOW_TEST_MODULE
function Aws {
    $engine = [Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Assemblies.GetName().Name -contains 'FlowFramework.Engine' }
    @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'AWSSDK*' } | ForEach-Object {
        $context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_)
        "$($_.GetName().Name)@$(if ($null -ne $engine -and $context -eq $engine -and $context -ne [Runtime.Loader.AssemblyLoadContext]::Default) { 'engine' } else { $context.Name })"
    }) -join ','
}
"after import: [$(Aws)]"
try { Connect-FlowCluster https://127.0.0.1:1 -AwsRegion us-east-1 -AwsCredential ([pscredential]::new('AKIAX', (ConvertTo-SecureString 'y' -AsPlainText -Force))) -TimeoutSec 2 -ErrorAction Stop } catch { }
"after keys: [$(Aws)]"
try { Connect-FlowCluster https://127.0.0.1:1 -AwsRegion us-east-1 -AwsProfile nobody -ErrorAction Stop } catch { "error: $($_.FullyQualifiedErrorId)" }
"after profile: [$(Aws)]"
'@
        $run = Invoke-FreshPwsh -Script $script -Environment @{ FLOW_TEST_MODULE = $env:FLOW_TEST_MODULE; AWS_EC2_METADATA_DISABLED = 'true'; AWS_SHARED_CREDENTIALS_FILE = (Join-Path $script:Dir 'none'); AWS_CONFIG_FILE = (Join-Path $script:Dir 'none') }
        $run.Output | Should -BeLike '*after import: `[`]*'
        $run.Output | Should -BeLike '*after keys: `[`]*'
        $run.Output | Should -BeLike '*error: FlowAwsCredentialNotFound,*'
        $run.Output | Should -BeLike '*after profile: `[*AWSSDK.Core@engine*`]*'
    }
}
