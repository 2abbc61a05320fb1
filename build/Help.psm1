# Builds the module's MAML help from the cmdlets' own metadata (names, types, positions, pipeline input)
# and hand-written text in src/FlowFramework/Help/<Cmdlet>.psd1. Fails when a cmdlet, a parameter or
# the examples are not documented, so help cannot silently fall behind the code.
Set-StrictMode -Version 3

$script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters +
    [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function ConvertTo-XmlText([string] $Text) { [System.Security.SecurityElement]::Escape($Text) }

function Format-Paragraphs([string] $Text) {
    $paras = @(($Text -replace "`r", '') -split "`n\s*`n" | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    ($paras | ForEach-Object { "<maml:para>$(ConvertTo-XmlText (($_ -split "`n" | ForEach-Object { $_.Trim() }) -join ' '))</maml:para>" }) -join ''
}

function Get-PipelineText($parameterSets) {
    $byValue = $parameterSets | Where-Object ValueFromPipeline
    $byName = $parameterSets | Where-Object ValueFromPipelineByPropertyName
    $kinds = @()
    if ($byValue) { $kinds += 'ByValue' }
    if ($byName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-ParameterXml($parameter, [string] $description, $setMetadata) {
    $type = $parameter.ParameterType
    $typeName = if ($type -eq [System.Management.Automation.SwitchParameter]) { 'SwitchParameter' } else { $type.Name }
    $position = if ($setMetadata.Position -ge 0) { $setMetadata.Position } else { 'named' }
    $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
    $pipeline = Get-PipelineText @($setMetadata)
    $required = $setMetadata.IsMandatory.ToString().ToLowerInvariant()
    $variable = $type.IsArray.ToString().ToLowerInvariant()
@"
<command:parameter required="$required" variableLength="$variable" globbing="false" pipelineInput="$pipeline" position="$position" aliases="$(ConvertTo-XmlText $aliases)">
<maml:name>$($parameter.Name)</maml:name>
<maml:description>$(Format-Paragraphs $description)</maml:description>
$(if ($typeName -ne 'SwitchParameter') { "<command:parameterValue required=`"true`" variableLength=`"$variable`">$typeName</command:parameterValue>" })
<dev:type><maml:name>$($type.FullName)</maml:name><maml:uri /></dev:type>
<dev:defaultValue>None</dev:defaultValue>
</command:parameter>
"@
}

function New-FlowHelpFile {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $ModuleName,
        [Parameter(Mandatory)][string] $HelpSource,
        [Parameter(Mandatory)][string] $Destination
    )
    $commands = @(Get-Command -Module $ModuleName -CommandType Cmdlet | Sort-Object Name)
    if ($commands.Count -eq 0) { throw "Help: module '$ModuleName' exports no cmdlet." }
    $sb = [System.Text.StringBuilder]::new()
    $null = $sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
    $null = $sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
    foreach ($command in $commands) {
        $sourceFile = Join-Path $HelpSource "$($command.Name).psd1"
        if (-not (Test-Path -LiteralPath $sourceFile)) { throw "Help: $($command.Name) has no help source at $sourceFile." }
        $text = Import-PowerShellDataFile -LiteralPath $sourceFile
        foreach ($key in 'Synopsis', 'Description', 'Parameters', 'Examples', 'Outputs') {
            if (-not $text.ContainsKey($key) -or -not $text[$key]) { throw "Help: $sourceFile lacks '$key'." }
        }
        if (@($text.Examples).Count -lt 3) { throw "Help: $($command.Name) needs at least three examples, has $(@($text.Examples).Count)." }
        $parameters = @($command.Parameters.Values | Where-Object { $script:CommonParameters -notcontains $_.Name } | Sort-Object Name)
        foreach ($parameter in $parameters) {
            if (-not $text.Parameters.ContainsKey($parameter.Name)) { throw "Help: parameter -$($parameter.Name) of $($command.Name) is not described in $sourceFile." }
        }
        foreach ($documented in $text.Parameters.Keys) {
            if (-not $command.Parameters.ContainsKey($documented)) { throw "Help: $sourceFile describes -$documented, which $($command.Name) does not have." }
        }
        $verb, $noun = $command.Name -split '-', 2
        $null = $sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10" xmlns:MSHelp="http://msdn.microsoft.com/mshelp">')
        $null = $sb.AppendLine("<command:details><command:name>$($command.Name)</command:name><command:verb>$verb</command:verb><command:noun>$noun</command:noun><maml:description>$(Format-Paragraphs $text.Synopsis)</maml:description></command:details>")
        $null = $sb.AppendLine("<maml:description>$(Format-Paragraphs $text.Description)</maml:description>")
        $null = $sb.AppendLine('<command:syntax>')
        foreach ($set in $command.ParameterSets) {
            $null = $sb.AppendLine("<command:syntaxItem><maml:name>$($command.Name)</maml:name>")
            foreach ($p in ($set.Parameters | Where-Object { $script:CommonParameters -notcontains $_.Name } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } }, Name)) {
                $parameter = $command.Parameters[$p.Name]
                $meta = $parameter.ParameterSets[$set.Name]
                if (-not $meta) { $meta = $parameter.ParameterSets['__AllParameterSets'] }
                $null = $sb.AppendLine((Get-ParameterXml $parameter $text.Parameters[$p.Name] $meta))
            }
            $null = $sb.AppendLine('</command:syntaxItem>')
        }
        $null = $sb.AppendLine('</command:syntax>')
        $null = $sb.AppendLine('<command:parameters>')
        foreach ($parameter in $parameters) {
            $meta = @($parameter.ParameterSets.Values)[0]
            $null = $sb.AppendLine((Get-ParameterXml $parameter $text.Parameters[$parameter.Name] $meta))
        }
        $null = $sb.AppendLine('</command:parameters>')
        if ($text.ContainsKey('Inputs')) {
            $null = $sb.AppendLine('<command:inputTypes>')
            foreach ($entry in $text.Inputs.GetEnumerator() | Sort-Object Key) {
                $null = $sb.AppendLine("<command:inputType><dev:type><maml:name>$(ConvertTo-XmlText $entry.Key)</maml:name></dev:type><maml:description>$(Format-Paragraphs $entry.Value)</maml:description></command:inputType>")
            }
            $null = $sb.AppendLine('</command:inputTypes>')
        }
        $null = $sb.AppendLine('<command:returnValues>')
        foreach ($entry in $text.Outputs.GetEnumerator() | Sort-Object Key) {
            $null = $sb.AppendLine("<command:returnValue><dev:type><maml:name>$(ConvertTo-XmlText $entry.Key)</maml:name></dev:type><maml:description>$(Format-Paragraphs $entry.Value)</maml:description></command:returnValue>")
        }
        $null = $sb.AppendLine('</command:returnValues>')
        if ($text.ContainsKey('Notes')) {
            $null = $sb.AppendLine("<maml:alertSet><maml:alert>$(Format-Paragraphs $text.Notes)</maml:alert></maml:alertSet>")
        }
        $null = $sb.AppendLine('<command:examples>')
        $n = 0
        foreach ($example in $text.Examples) {
            $n++
            $null = $sb.AppendLine("<command:example><maml:title>-------------------------- Example ${n}: $(ConvertTo-XmlText $example.Title) --------------------------</maml:title><dev:code>$(ConvertTo-XmlText $example.Code.Trim())</dev:code><dev:remarks>$(Format-Paragraphs $example.Remarks)</dev:remarks></command:example>")
        }
        $null = $sb.AppendLine('</command:examples>')
        $null = $sb.AppendLine('<command:relatedLinks>')
        foreach ($link in @($text['Links'])) {
            if ($link) { $null = $sb.AppendLine("<maml:navigationLink><maml:linkText>$(ConvertTo-XmlText $link)</maml:linkText><maml:uri /></maml:navigationLink>") }
        }
        $null = $sb.AppendLine('</command:relatedLinks>')
        $null = $sb.AppendLine('</command:command>')
    }
    $null = $sb.AppendLine('</helpItems>')
    $dir = Split-Path -Parent $Destination
    if (-not (Test-Path -LiteralPath $dir)) { $null = New-Item -ItemType Directory -Path $dir }
    [System.IO.File]::WriteAllText($Destination, $sb.ToString(), [System.Text.UTF8Encoding]::new($false))
    [xml](Get-Content -LiteralPath $Destination -Raw) | Out-Null
}

Export-ModuleMember -Function New-FlowHelpFile
