@{
    Synopsis    = 'Checks an OpenSearch cluster and makes it the default for the FlowFramework cmdlets in this session.'
    Description = @'
Connect-FlowCluster sends GET / to the cluster, reports what answered (distribution and version), and stores the
connection as the session's default. The other cmdlets use it unless they are given -Connection.

Without -Uri the address comes from the environment variable OPENSEARCH_URL, and without that from
http://localhost:9200. Cmdlets run without any Connect-FlowCluster use the same two fallbacks.

The credential stays a PSCredential inside the connection: no property, output, Verbose or Debug message and no
error shows the password. A URI with user:password@ in it is refused for that reason.
'@
    Parameters  = @{
        Uri                  = 'The cluster address: an absolute http or https URL such as https://search.example.com:9200. Defaults to $env:OPENSEARCH_URL, then http://localhost:9200.'
        Credential           = 'A user of the cluster for HTTP basic authentication (Get-Credential). Deprovisioning needs Flow Framework rights and ML Commons delete rights.'
        SkipCertificateCheck = 'Accept any server certificate, such as a self-signed one on a test cluster. Do not use against production clusters.'
        TenantId             = 'The tenant sent in the x-tenant-id header on every request, for clusters with multi-tenancy enabled.'
        TimeoutSec           = 'How long one request may take, in seconds (1 to 3600, default 30). The whole-run limit of Invoke-FlowDeprovision is its own -TimeoutSec.'
        PassThru             = 'Write the FlowConnection object, to pass it to -Connection of other cmdlets (for example to work with two clusters).'
    }
    Inputs      = @{ 'None' = 'This cmdlet takes no pipeline input.' }
    Outputs     = @{ 'FlowFramework.FlowConnection' = 'With -PassThru: the connection (Uri, UserName, TenantId, ClusterName, Version). The password is never a property.' }
    Notes       = 'The connection check is one GET /. A 401 there is a terminating FlowAuthenticationFailed error; nothing answering is a terminating FlowClusterUnavailable error. A 403 there means the credentials were accepted but the user lacks cluster:monitor/main (flow_framework_read_access has no cluster_monitor): the connection is made anyway, with a warning, and workflow calls work as far as the user''s Flow Framework permissions go.'
    Examples    = @(
        @{
            Title   = 'Interactive session'
            Code    = 'Connect-FlowCluster -Uri https://search.example.com:9200 -Credential (Get-Credential admin)'
            Remarks = 'Checks the cluster, prints what answered, and makes it the default for Get-FlowWorkflowStatus and Invoke-FlowDeprovision.'
        }
        @{
            Title   = 'Unattended runbook'
            Code    = @'
$credential = [pscredential]::new($env:OS_USER, (ConvertTo-SecureString $env:OS_PASSWORD -AsPlainText -Force))
$cluster = Connect-FlowCluster -Uri $env:OPENSEARCH_URL -Credential $credential -TimeoutSec 60 -PassThru -ErrorAction Stop
Invoke-FlowDeprovision -WorkflowId $workflowId -Connection $cluster -Force -ErrorAction Stop
'@
            Remarks = 'A runbook connects once, stops on a bad address or credential, and passes the connection explicitly.'
        }
        @{
            Title   = 'Local simulator and piping leftovers back'
            Code    = @'
Connect-FlowCluster http://127.0.0.1:9200
$left = Invoke-FlowDeprovision -WorkflowId 8xL8bowB8y25Tqfenm50 -Force
$left | Invoke-FlowDeprovision -AllowDelete my-index -Force
'@
            Remarks = 'Connects to a simulator started with ./build.ps1 -Task Simulator -Port 9200, deprovisions, then pipes what is left back in with permission to delete the index.'
        }
    )
    Links       = @('Disconnect-FlowCluster', 'Get-FlowWorkflowStatus', 'Invoke-FlowDeprovision')
}
