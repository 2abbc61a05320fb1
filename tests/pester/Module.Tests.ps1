# The packaged module as a user gets it: import, exports, help, package rules, install, dependency isolation.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'FlowTestHelpers.psm1') -Force
    $script:Manifest = $env:FLOW_TEST_MODULE
    $script:PackageRoot = Split-Path -Parent $Manifest
    Import-Module (Join-Path $env:FLOW_TEST_REPO_ROOT 'build/Package.psm1') -Force
    # Package versions are written once, in Directory.Packages.props.
    $script:Versions = [xml](Get-Content -Raw (Join-Path $env:FLOW_TEST_REPO_ROOT 'Directory.Packages.props'))
    $script:OurPolly = ($Versions.Project.ItemGroup.PackageVersion | Where-Object Include -EQ 'Polly.Core').Version
    $script:ForeignPolly = $Versions.Project.PropertyGroup.ForeignPollyVersion
    $script:BuildOutput = Join-Path $env:FLOW_TEST_REPO_ROOT 'src/FlowFramework/bin/Release/netstandard2.0'
}

Describe 'Importing the packaged module' {
    It 'exports exactly the cmdlets the manifest lists, and nothing else' {
        $result = Invoke-FreshPwsh -Script @"
`$m = Import-Module '$Manifest' -PassThru
(Get-Command -Module FlowFramework | Sort-Object Name | ForEach-Object Name) -join ','
'functions=' + `$m.ExportedFunctions.Count + ';aliases=' + `$m.ExportedAliases.Count + ';variables=' + `$m.ExportedVariables.Count
"@
        $result.ExitCode | Should -Be 0
        $declared = (Import-PowerShellDataFile $Manifest).CmdletsToExport | Sort-Object
        $lines = $result.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be ($declared -join ',')
        $lines[1] | Should -Be 'functions=0;aliases=0;variables=0'
    }

    It 'has full help with every parameter and at least three examples for <_>' -ForEach @((Import-PowerShellDataFile $env:FLOW_TEST_MODULE).CmdletsToExport) {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$Manifest'
`$help = Get-Help $_ -Full
`$help.Synopsis
'examples=' + @(`$help.examples.example).Count
`$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
`$undocumented = (Get-Command $_).Parameters.Keys | Where-Object { `$common -notcontains `$_ } | Where-Object {
    -not (`$help.parameters.parameter | Where-Object name -eq `$_ | Where-Object { `$_.description.Text }) }
'undocumented=' + (@(`$undocumented) -join ',')
"@
        $result.ExitCode | Should -Be 0
        $lines = $result.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Not -BeLike "*$_*[<CommonParameters>]*"
        $lines[0].Length | Should -BeGreaterThan 20
        [int]($lines[1] -replace 'examples=') | Should -BeGreaterOrEqual 3
        $lines[2] | Should -Be 'undocumented='
    }

    It 'gives the five output types a table view' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$Manifest'
foreach (`$t in 'FlowResource', 'FlowWorkflowStatus', 'FlowDeprovisionResult', 'FlowConnection', 'FlowWorkflow') {
    `$view = Get-FormatData -TypeName "FlowFramework.`$t" -PowerShellVersion `$PSVersionTable.PSVersion
    `$t + '=' + ((`$view.FormatViewDefinition | ForEach-Object { `$_.Control.GetType().Name }) -join ',')
}
"@
        $result.ExitCode | Should -Be 0
        foreach ($t in 'FlowResource', 'FlowWorkflowStatus', 'FlowDeprovisionResult', 'FlowConnection', 'FlowWorkflow') {
            $result.Output | Should -Match "(?m)^$t=TableControl\s*$"
        }
    }

    It 'ships the about_FlowFramework topic, which tells the lifecycle story' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$Manifest'
Get-Help about_FlowFramework | Out-String -Width 200
"@
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'about_FlowFramework'
        foreach ($cmdlet in 'Get-FlowWorkflow', 'Get-FlowWorkflowStatus -HasResources', 'New-FlowWorkflow', 'Wait-FlowWorkflow', 'Remove-FlowWorkflow', '-IncludeModelGroups', 'flowframework-simulator') {
            $result.Output | Should -Match ([regex]::Escape($cmdlet))
        }
    }

    It 'keeps the module version in the manifest only, and every assembly carries it' {
        $version = (Import-PowerShellDataFile $Manifest).ModuleVersion
        $dll = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $PackageRoot 'FlowFramework.dll'))
        $engine = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $PackageRoot 'dependencies/FlowFramework.Engine.dll'))
        $dll.Version.ToString() | Should -Be "$version.0"
        $engine.Version.ToString() | Should -Be "$version.0"
        Split-Path -Leaf $PackageRoot | Should -Be $version
        Get-ChildItem -Path (Join-Path $env:FLOW_TEST_REPO_ROOT 'src'), (Join-Path $env:FLOW_TEST_REPO_ROOT 'Directory.Build.props') -Recurse -File -Include *.csproj, *.props |
            Select-String -Pattern '<(Version|AssemblyVersion)>\d' | Should -BeNullOrEmpty
    }
}

Describe 'The package allowlist' {
    BeforeEach {
        $script:copy = Join-Path $TestDrive ([guid]::NewGuid())
        Copy-Item -Path $PackageRoot -Destination $copy -Recurse
    }

    It 'accepts the package the build made' {
        { Assert-FlowPackage -Path $PackageRoot } | Should -Not -Throw
        (Get-ChildItem $PackageRoot -Recurse -File).Count | Should -Be @(Get-FlowPackageAllowlist).Count
    }

    It 'fails when System.Management.Automation.dll is in the package' {
        Set-Content -Path (Join-Path $copy 'dependencies/System.Management.Automation.dll') -Value 'x'
        { Assert-FlowPackage -Path $copy } | Should -Throw '*forbidden file*System.Management.Automation.dll*'
    }

    It 'fails when Newtonsoft.Json.dll is in the package' {
        Set-Content -Path (Join-Path $copy 'Newtonsoft.Json.dll') -Value 'x'
        { Assert-FlowPackage -Path $copy } | Should -Throw '*forbidden file*Newtonsoft.Json.dll*'
    }

    It 'fails when a listed file is missing' {
        Remove-Item (Join-Path $copy 'dependencies/Polly.Core.dll')
        { Assert-FlowPackage -Path $copy } | Should -Throw "*listed file 'dependencies/Polly.Core.dll' is missing*"
    }

    It 'fails when an unlisted file is present' {
        Set-Content -Path (Join-Path $copy 'notes.txt') -Value 'x'
        { Assert-FlowPackage -Path $copy } | Should -Throw "*unexpected file 'notes.txt'*"
    }

    It 'New-FlowPackage fails when the build output lacks a listed dependency' {
        $fakeBuild = Join-Path $TestDrive 'fake-build'
        $null = New-Item -ItemType Directory $fakeBuild
        Copy-Item (Join-Path $PackageRoot 'FlowFramework*.dll'), (Join-Path $PackageRoot 'FlowFramework.format.ps1xml') $fakeBuild
        { New-FlowPackage -BuildOutput $fakeBuild -Manifest $Manifest -HelpFile (Join-Path $PackageRoot 'en-US/FlowFramework.dll-Help.xml') -Destination (Join-Path $TestDrive 'pkg') } |
            Should -Throw "*listed assembly 'FlowFramework.Engine.dll' is not in the build output*"
    }

    It 'New-FlowPackage fails when the build output has an assembly the allowlist does not name (a new transitive dependency)' {
        $build = Join-Path $TestDrive 'build-with-extra'
        Copy-Item -Path $BuildOutput -Destination $build -Recurse
        Copy-Item (Join-Path $build 'Polly.Core.dll') (Join-Path $build 'Contoso.NewDependency.dll')
        { New-FlowPackage -BuildOutput $build -Manifest $Manifest -HelpFile (Join-Path $PackageRoot 'en-US/FlowFramework.dll-Help.xml') -Destination (Join-Path $TestDrive 'pkg2') } |
            Should -Throw "*assembly 'Contoso.NewDependency.dll' of the build output is not in the allowlist*"
        Test-Path (Join-Path $TestDrive 'pkg2') | Should -BeFalse
        { Assert-FlowBuildOutput -BuildOutput $BuildOutput } | Should -Not -Throw
    }
}

Describe 'The .nupkg' {
    It 'installs with Install-PSResource from a local folder repository and imports' {
        $nupkgDir = Join-Path $env:FLOW_TEST_REPO_ROOT 'out/nupkg'
        $repoName = 'FlowLocal' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $result = Invoke-FreshPwsh -TimeoutSec 180 -Script @"
`$ErrorActionPreference = 'Stop'
`$version = (Import-PowerShellDataFile '$Manifest').ModuleVersion
Register-PSResourceRepository -Name '$repoName' -Uri '$nupkgDir' -Trusted
try {
    Install-PSResource -Name FlowFramework -Version `$version -Repository '$repoName' -Scope CurrentUser -TrustRepository -Reinstall -Quiet
    `$installed = Get-InstalledPSResource -Name FlowFramework -Version `$version
    'installed=' + `$installed.Version
    `$m = Import-Module (Join-Path `$installed.InstalledLocation "FlowFramework/`$version/FlowFramework.psd1") -PassThru
    'commands=' + ((Get-Command -Module FlowFramework | ForEach-Object Name | Sort-Object) -join ',')
    Remove-Module FlowFramework
    Uninstall-PSResource -Name FlowFramework -Version `$version -Scope CurrentUser
}
finally { Unregister-PSResourceRepository -Name '$repoName' }
"@
        $result.Errors | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'installed=\d+\.\d+\.\d+'
        $declared = (Import-PowerShellDataFile $Manifest).CmdletsToExport | Sort-Object
        $result.Output | Should -Match ([regex]::Escape('commands=' + ($declared -join ',')))
    }
}

Describe 'The simulator as a .NET tool' {
    It 'installs from out/nupkg with dotnet tool install and serves a cluster on a free port' {
        $nupkgDir = Join-Path $env:FLOW_TEST_REPO_ROOT 'out/nupkg'
        $toolPath = Join-Path $TestDrive 'tools'
        $version = (Import-PowerShellDataFile $Manifest).ModuleVersion
        # A private package folder: the tool is unpacked from this build's nupkg, never from a cache of an older one.
        $previous = $env:NUGET_PACKAGES
        $env:NUGET_PACKAGES = Join-Path $TestDrive 'nuget-packages'
        try { $install = & dotnet tool install --tool-path $toolPath --add-source $nupkgDir FlowFramework.Simulator --version $version 2>&1 }
        finally { $env:NUGET_PACKAGES = $previous }
        $LASTEXITCODE | Should -Be 0 -Because ($install -join "`n")
        $command = Get-ChildItem -LiteralPath $toolPath -Filter 'flowframework-simulator*' | Select-Object -First 1
        $command | Should -Not -BeNullOrEmpty

        $info = [System.Diagnostics.ProcessStartInfo]::new($command.FullName)
        foreach ($a in '--port', '0') { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $read = $process.StandardOutput.ReadLineAsync()
            $read.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $read.Result | Should -Match 'FlowFramework\.Simulator listening on http://\S+'
            $url = [regex]::Match($read.Result, 'listening on (\S+)').Groups[1].Value
            $root = Invoke-RestMethod -Uri "$url/"
            $root.version.distribution | Should -Be 'opensearch'
            (Invoke-RestMethod -Uri "$url/_plugins/_flow_framework/workflow/_steps").PSObject.Properties.Name | Should -Contain 'create_connector'
        }
        finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $null = $process.WaitForExit(10000)
        }
    }
}

Describe 'Dependency isolation from another module''s Polly.Core' {
    BeforeAll {
        $script:sim = Start-FlowSimulator -ArgumentList @('--step-pause-ms', '1', '--pass-pause-ms', '5')
        $script:template = @{
            name = 'isolation'; use_case = 'REGISTER_REMOTE_MODEL'; version = @{ template = '1.0.0'; compatibility = @('2.12.0', '3.0.0') }
            workflows = @{ provision = @{ nodes = @(
                @{ id = 'create_connector'; type = 'create_connector'; user_inputs = @{
                    name = 'c'; description = 'd'; version = '1'; protocol = 'http'
                    parameters = @{ endpoint = 'api.openai.com'; model = 'gpt-3.5-turbo' }
                    credential = @{ openAI_key = 'k' }
                    actions = @(@{ action_type = 'predict'; method = 'POST'; url = 'https://api.openai.com/v1/chat/completions' }) } }
                @{ id = 'register_model'; type = 'register_remote_model'; previous_node_inputs = @{ create_connector = 'connector_id' }
                   user_inputs = @{ name = 'm'; function_name = 'remote'; deploy = $true } }
            ) } }
        }
        $script:probe = @'
$p = [Polly.ResiliencePipelineBuilder]::new().Build()
$script:ran = $false
$p.Execute([Action]{ $script:ran = $true })
$foreign = [Polly.ResiliencePipelineBuilder].Assembly
'foreign=' + [System.Diagnostics.FileVersionInfo]::GetVersionInfo($foreign.Location).FileVersion + ';ran=' + $script:ran
$engineContext = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { $_.Assemblies.GetName().Name -contains 'FlowFramework.Engine' }
$ours = $engineContext.Assemblies | Where-Object { $_.GetName().Name -eq 'Polly.Core' }
'ours=' + [System.Diagnostics.FileVersionInfo]::GetVersionInfo($ours.Location).FileVersion + ';' + ($ours.Location -like '*dependencies*')
'@
    }
    AfterAll { $sim | Stop-FlowSimulator }

    It 'works when the other Polly.Core <Order>' -ForEach @(
        @{ Order = 'is loaded first'; First = $true }
        @{ Order = 'is loaded after ours'; First = $false }
    ) {
        $id = New-ProvisionedWorkflow -Simulator $sim -Template $template
        $loadForeign = "Add-Type -Path '$($env:FLOW_TEST_FOREIGN_POLLY)'"
        $useOurs = @"
Import-Module '$Manifest'
`$r = Invoke-FlowDeprovision -WorkflowId '$id' -Connection (Connect-FlowCluster '$($sim.Url)' -PassThru) -Force -PassThru
'result=' + `$r.Status
"@
        $script = if ($First) { "$loadForeign`n$useOurs`n$probe" } else { "$useOurs`n$loadForeign`n$probe" }
        $result = Invoke-FreshPwsh -Script ("`$ErrorActionPreference = 'Stop'`n" + $script)
        $result.Errors | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'result=Deprovisioned'
        $result.Output | Should -Match "foreign=$([regex]::Escape($ForeignPolly))[.\d]*;ran=True"
        $result.Output | Should -Match "ours=$([regex]::Escape($OurPolly))[.\d]*;True"
    }
}

Describe 'One model of the output types' {
    BeforeAll { $script:sim = Start-FlowSimulator -ArgumentList @('--step-pause-ms', '1', '--pass-pause-ms', '5') }
    AfterAll { $sim | Stop-FlowSimulator }

    It 'the object the isolated engine made is the type the session resolves, from the default load context' {
        $result = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
`$r = Invoke-FlowDeprovision -WorkflowId no-such-workflow -Connection (Connect-FlowCluster '$($sim.Url)' -PassThru) -Force -PassThru -ErrorAction SilentlyContinue
'same=' + (`$r[0].GetType() -eq [FlowFramework.FlowDeprovisionResult]) + ';is=' + (`$r[0] -is [FlowFramework.FlowDeprovisionResult]) + ';status=' + `$r[0].Status
`$s = Get-FlowWorkflowStatus -WorkflowId no-such-workflow -ErrorAction SilentlyContinue
'model=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([FlowFramework.FlowResource].Assembly).Name
'engine=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$r[0].GetType().Assembly).Name
`$engine = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'FlowFramework.Engine' }
'engineContext=' + (`$engine -ne [System.Runtime.Loader.AssemblyLoadContext]::Default) + ';models=' + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'FlowFramework.Model' }).Count
"@
        $result.Errors | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'same=True;is=True;status=NotFound'
        $result.Output | Should -Match '(?m)^model=Default\s*$'
        $result.Output | Should -Match '(?m)^engine=Default\s*$'
        $result.Output | Should -Match 'engineContext=True;models=1'
    }
}

Describe 'Connect-FlowCluster against the simulator' {
    BeforeAll { $script:sim = Start-FlowSimulator -ArgumentList @('--user', 'ops:Very$ecret-42:all_access') }
    AfterAll { $sim | Stop-FlowSimulator }

    It 'says what answered, and no stream shows the password' {
        $result = Invoke-FreshPwsh -Script @"
Import-Module '$Manifest'
`$cred = [pscredential]::new('ops', (ConvertTo-SecureString 'Very`$ecret-42' -AsPlainText -Force))
`$c = Connect-FlowCluster '$($sim.Url)' -Credential `$cred -PassThru -Verbose -Debug *>&1
`$c | Format-List * | Out-String
`$c | Where-Object { `$_ -is [FlowFramework.FlowConnection] } | ConvertTo-Json
`$bad = [pscredential]::new('ops', (ConvertTo-SecureString 'wrong-Very`$ecret-42' -AsPlainText -Force))
try { Connect-FlowCluster '$($sim.Url)' -Credential `$bad -Verbose -Debug *>&1 } catch { 'caught=' + `$_.FullyQualifiedErrorId }
`$Error | Format-List * -Force | Out-String
"@
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'Connected to http://127\.0\.0\.1:\d+/: opensearch 3\.'
        $result.Output | Should -Match 'caught=FlowAuthenticationFailed'
        $result.Output + $result.Errors | Should -Not -Match 'Very\$ecret-42'
    }
}
