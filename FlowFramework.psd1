@{
    RootModule           = 'FlowFramework.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '6f0c4f7e-2b8a-4f55-9a4e-3d2f5b7c1a90'
    Author               = 'FlowFramework contributors'
    CompanyName          = 'FlowFramework'
    Copyright            = '(c) FlowFramework contributors. Apache-2.0.'
    Description          = 'Tears down what an OpenSearch Flow Framework workflow provisioned, retries dependency failures, and returns what is left as pipeline objects.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('FlowFramework.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-FlowCluster'
        'Disconnect-FlowCluster'
        'Get-FlowWorkflow'
        'Get-FlowWorkflowStatus'
        'Invoke-FlowDeprovision'
        'Invoke-FlowProvision'
        'New-FlowWorkflow'
        'Remove-FlowWorkflow'
        'Wait-FlowWorkflow'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('OpenSearch', 'FlowFramework', 'MLCommons', 'Deprovision', 'Linux', 'Windows', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://example.invalid/flowframework'
        }
    }
}
