# The package layout is an allowlist: what ships is exactly what is named here.
Set-StrictMode -Version 3

# In the default load context: the cmdlets, the public output types, and the engine's load context for PowerShell 7.
$script:ModuleAssemblies = @(
    'FlowFramework.dll'
    'FlowFramework.Model.dll'
    'FlowFramework.Isolation.dll'
)
$script:ModuleFiles = @('FlowFramework.psd1', 'FlowFramework.format.ps1xml', 'en-US/FlowFramework.dll-Help.xml', 'en-US/about_FlowFramework.help.txt') + $script:ModuleAssemblies

# The engine and everything it needs on netstandard2.0, loaded by the module's own resolver.
$script:DependencyFiles = @(
    'FlowFramework.Engine.dll'
    'Polly.Core.dll'
    'Polly.RateLimiting.dll'
    'System.Threading.RateLimiting.dll'
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'Microsoft.Bcl.TimeProvider.dll'
    'System.Buffers.dll'
    'System.ComponentModel.Annotations.dll'
    'System.Memory.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Text.Encodings.Web.dll'
    'System.Text.Json.dll'
    'System.Threading.Tasks.Extensions.dll'
    # AWS SigV4 credentials (default chain, profiles, refresh); loaded only when a SigV4 connection is made.
    'AWSSDK.Core.dll'
    'AWSSDK.Extensions.Numerics.dll'
    'System.IO.Hashing.dll'
)

# Never shipped, whatever the lists above say: the PowerShell engine belongs to the host.
$script:ForbiddenFiles = @('System.Management.Automation.dll', 'Newtonsoft.Json.dll')

function Assert-FlowBuildOutput {
    <#
    .SYNOPSIS
    Fails when the assemblies of the build output differ from the allowlisted ones: a listed one missing, or one the
    lists do not name (a new transitive dependency would otherwise be left out of the package unnoticed).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $BuildOutput)
    $built = @(Get-ChildItem -LiteralPath $BuildOutput -Filter '*.dll' -File | ForEach-Object Name)
    $listed = @($script:ModuleAssemblies) + @($script:DependencyFiles)
    $problems = [System.Collections.Generic.List[string]]::new()
    foreach ($file in $listed) {
        if ($built -notcontains $file) { $problems.Add("listed assembly '$file' is not in the build output") }
    }
    foreach ($file in $built) {
        if ($listed -notcontains $file) { $problems.Add("assembly '$file' of the build output is not in the allowlist: add it to build/Package.psm1 (dependencies/ or the module root) or stop depending on it") }
    }
    if ($problems.Count -gt 0) {
        throw "Package check failed for the build output ${BuildOutput}:`n  " + ($problems -join "`n  ")
    }
}

function Get-FlowPackageAllowlist {
    [CmdletBinding()] param()
    @($script:ModuleFiles) + @($script:DependencyFiles | ForEach-Object { "dependencies/$_" })
}

function Assert-FlowPackage {
    <#
    .SYNOPSIS
    Fails when the package folder differs from the allowlist: a listed file missing, an unlisted file present,
    or a forbidden assembly anywhere in it.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Path)

    $root = (Resolve-Path -LiteralPath $Path).ProviderPath
    $present = @(Get-ChildItem -LiteralPath $root -Recurse -File | ForEach-Object {
        $_.FullName.Substring($root.Length).TrimStart('/', '\').Replace('\', '/')
    })
    $expected = Get-FlowPackageAllowlist
    $problems = [System.Collections.Generic.List[string]]::new()
    foreach ($file in $present) {
        if ($script:ForbiddenFiles -contains (Split-Path -Leaf $file)) {
            $problems.Add("forbidden file '$file' is in the package: the module must never ship it")
        }
        elseif ($expected -notcontains $file) {
            $problems.Add("unexpected file '$file' is in the package: add it to build/Package.psm1 or stop producing it")
        }
    }
    foreach ($file in $expected) {
        if ($present -notcontains $file) { $problems.Add("listed file '$file' is missing from the package") }
    }
    if ($problems.Count -gt 0) {
        throw "Package check failed for ${root}:`n  " + ($problems -join "`n  ")
    }
}

function New-FlowPackage {
    <#
    .SYNOPSIS
    Checks the build output's assemblies against the allowlist, copies the allowlisted files into Destination and
    checks the result.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $BuildOutput,
        [Parameter(Mandatory)][string] $Manifest,
        [Parameter(Mandatory)][string] $HelpFile,
        [Parameter(Mandatory)][string] $Destination
    )
    Assert-FlowBuildOutput -BuildOutput $BuildOutput
    if (Test-Path -LiteralPath $Destination) { Remove-Item -LiteralPath $Destination -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Join-Path $Destination 'dependencies')
    $null = New-Item -ItemType Directory -Path (Join-Path $Destination 'en-US')
    Copy-Item -LiteralPath $Manifest -Destination $Destination
    Copy-Item -LiteralPath (Join-Path $BuildOutput 'FlowFramework.format.ps1xml') -Destination $Destination
    Copy-Item -LiteralPath $HelpFile -Destination (Join-Path $Destination 'en-US/FlowFramework.dll-Help.xml')
    Copy-Item -LiteralPath (Join-Path $BuildOutput 'en-US/about_FlowFramework.help.txt') -Destination (Join-Path $Destination 'en-US/about_FlowFramework.help.txt')
    foreach ($file in $script:ModuleAssemblies) { Copy-Item -LiteralPath (Join-Path $BuildOutput $file) -Destination $Destination }
    foreach ($file in $script:DependencyFiles) { Copy-Item -LiteralPath (Join-Path $BuildOutput $file) -Destination (Join-Path $Destination 'dependencies') }
    Assert-FlowPackage -Path $Destination
}

Export-ModuleMember -Function Get-FlowPackageAllowlist, Assert-FlowBuildOutput, Assert-FlowPackage, New-FlowPackage
