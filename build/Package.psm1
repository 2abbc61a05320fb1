# The package layout is an allowlist: what ships is exactly what is named here.
Set-StrictMode -Version 3

$script:ModuleFiles = @(
    'FlowFramework.psd1'
    'FlowFramework.dll'
    'FlowFramework.format.ps1xml'
    'en-US/FlowFramework.dll-Help.xml'
)

# The engine and everything it needs on netstandard2.0, loaded by the module's own resolver.
$script:DependencyFiles = @(
    'FlowFramework.Engine.dll'
    'Polly.Core.dll'
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
    Copies the allowlisted files from the build output into Destination and checks the result.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $BuildOutput,
        [Parameter(Mandatory)][string] $Manifest,
        [Parameter(Mandatory)][string] $HelpFile,
        [Parameter(Mandatory)][string] $Destination
    )
    if (Test-Path -LiteralPath $Destination) { Remove-Item -LiteralPath $Destination -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Join-Path $Destination 'dependencies')
    $null = New-Item -ItemType Directory -Path (Join-Path $Destination 'en-US')
    Copy-Item -LiteralPath $Manifest -Destination $Destination
    Copy-Item -LiteralPath (Join-Path $BuildOutput 'FlowFramework.dll') -Destination $Destination
    Copy-Item -LiteralPath (Join-Path $BuildOutput 'FlowFramework.format.ps1xml') -Destination $Destination
    Copy-Item -LiteralPath $HelpFile -Destination (Join-Path $Destination 'en-US/FlowFramework.dll-Help.xml')
    foreach ($file in $script:DependencyFiles) {
        $source = Join-Path $BuildOutput $file
        if (-not (Test-Path -LiteralPath $source)) {
            throw "Package check failed: listed dependency '$file' is not in the build output $BuildOutput"
        }
        Copy-Item -LiteralPath $source -Destination (Join-Path $Destination 'dependencies')
    }
    Assert-FlowPackage -Path $Destination
}

Export-ModuleMember -Function Get-FlowPackageAllowlist, Assert-FlowPackage, New-FlowPackage
