@{
    Synopsis    = 'Checks an OpenSearch cluster and makes it the default for the FlowFramework cmdlets in this session.'
    Description = @'
Connect-FlowCluster sends GET / to the cluster, reports what answered (distribution and version), and stores the
connection as the session's default. The other cmdlets use it unless they are given -Connection.

Without -Uri the address comes from the environment variable OPENSEARCH_URL, and without that from
http://localhost:9200. Cmdlets run without any Connect-FlowCluster use the same two fallbacks.

The credential stays a PSCredential inside the connection: no property, output, Verbose or Debug message and no
error shows the password. A URI with user:password@ in it is refused for that reason.

Ways to sign in (each a parameter set, so contradictory ones cannot be combined): basic auth (-Credential, or
nothing); AWS Signature Version 4 for Amazon OpenSearch Service and Serverless (-AwsRegion, -AwsService,
-AwsProfile, -AwsCredential; credentials from the AWS SDK's default chain when none are given); a client
certificate (-Certificate, or -CertificatePath with -CertificateKeyPath and -CertificatePassword), alone or with
-Credential; a bearer token (-Token). Each can check the server against a private CA with
-CertificateAuthorityPath instead of the machine store; -SkipCertificateCheck with -CertificateAuthorityPath is a
terminating FlowConflictingParameters error.

With AWS SigV4 every request is signed (x-amz-date, x-amz-content-sha256, and x-amz-security-token for temporary
credentials, which are fetched again before they expire). AWSSDK.Core is loaded only then. No secret key, session
token, signature, token or certificate password appears in any output, message or error.
'@
    Parameters  = @{
        Uri                  = 'The cluster address: an absolute http or https URL such as https://search.example.com:9200. Defaults to $env:OPENSEARCH_URL, then http://localhost:9200.'
        Credential           = 'A user of the cluster for HTTP basic authentication (Get-Credential). Deprovisioning needs Flow Framework rights and ML Commons delete rights.'
        SkipCertificateCheck = 'Accept any server certificate, such as a self-signed one on a test cluster. Do not use against production clusters.'
        TenantId             = 'The tenant sent in the x-tenant-id header on every request, for clusters with multi-tenancy enabled.'
        TimeoutSec           = 'How long one request may take, in seconds (1 to 3600, default 30). The whole-run limit of Invoke-FlowDeprovision is its own -TimeoutSec.'
        PassThru             = 'Write the FlowConnection object, to pass it to -Connection of other cmdlets (for example to work with two clusters).'
        AwsRegion            = 'Sign every request with AWS Signature Version 4 for this region. When omitted and the host is *.<region>.es.amazonaws.com or *.<region>.aoss.amazonaws.com, the region comes from the host.'
        AwsService           = 'The service name to sign for: es (Amazon OpenSearch Service domains, the default) or aoss (OpenSearch Serverless collections; taken from an *.aoss.amazonaws.com host when omitted).'
        AwsProfile           = 'The profile of the shared AWS config and credentials files to take credentials from (static keys, credential_process, assumed roles). Without it and without -AwsCredential the AWS SDK default chain is used: environment variables, AWS_PROFILE or default profile, web identity, container credentials, instance metadata.'
        AwsCredential        = 'The AWS credentials to sign with: an Amazon.Runtime.AWSCredentials object (for example from Get-AWSCredential of AWS.Tools; temporary credentials it refreshes stay fresh), or a PSCredential whose user name is the access key id and whose password is the secret access key.'
        Certificate          = 'A client certificate with its private key, presented in the TLS handshake (the security plugin''s clientcert authentication, for example the admin certificate). May go with -Credential.'
        CertificatePath      = 'A client certificate file: a PKCS#12 file (.pfx or .p12) that holds the key, or a PEM certificate (with its key in the same file or in -CertificateKeyPath). Relative paths are from the current location.'
        CertificateKeyPath   = 'The PEM private key (PKCS#8 or PKCS#1) of the certificate in -CertificatePath. PEM keys need PowerShell 7; on Windows PowerShell 5.1 use a .pfx.'
        CertificatePassword  = 'The password of the .pfx file, or of the encrypted PEM private key.'
        CertificateAuthorityPath = 'A PEM bundle of the certificate authorities to check the server against instead of the machine store: the careful alternative to -SkipCertificateCheck for a cluster with a private CA. A server certificate outside it is a terminating FlowTlsError that names its subject and issuer.'
        Token                = 'A bearer token (for example a JWT for the security plugin''s jwt authentication domain), sent as Authorization: Bearer on every request.'
    }
    Inputs      = @{ 'None' = 'This cmdlet takes no pipeline input.' }
    Outputs     = @{ 'FlowFramework.FlowConnection' = 'With -PassThru: the connection (Uri, UserName, TenantId, ClusterName, Version). The password is never a property.' }
    Notes       = 'Sign-in errors: a rejected AWS signature or token (403 "The security token included in the request is invalid", "...signature we calculated does not match...", "Missing Authentication Token", an expired token or a wrong region) and a refused bearer token or client certificate are terminating FlowAuthenticationFailed errors whose recommended action names what to check; an IAM denial ("User: arn:... is not authorized to perform: es:ESHttpPost") is FlowAccessDenied; no AWS credentials in the default chain is FlowAwsCredentialNotFound (naming the places searched); an unreadable certificate or key is FlowCertificateUnreadable and an unreadable CA bundle FlowCertificateAuthorityUnreadable (naming the file); no region is FlowAwsRegionRequired. The connection check is one GET /. A 401 there is a terminating FlowAuthenticationFailed error; nothing answering is a terminating FlowClusterUnavailable error. A 403 there means the credentials were accepted but the user lacks cluster:monitor/main (flow_framework_read_access has no cluster_monitor): the connection is made anyway, with a warning, and workflow calls work as far as the user''s Flow Framework permissions go.'
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
        @{
            Title   = 'Amazon OpenSearch Service with AWS SigV4'
            Code    = 'Connect-FlowCluster https://search-flows-3k2xkz2d7y5aq.us-east-1.es.amazonaws.com -AwsProfile ops'
            Remarks = 'Signs every request for region us-east-1 (from the host) and service es with the credentials of profile ops. Without -AwsProfile, the AWS SDK default chain is used; for Serverless add -AwsService aoss or use the *.aoss.amazonaws.com endpoint.'
        }
        @{
            Title   = 'Client certificate and a private CA'
            Code    = 'Connect-FlowCluster https://opensearch.internal:9200 -CertificatePath ./admin.pem -CertificateKeyPath ./admin-key.pem -CertificateAuthorityPath ./root-ca.pem'
            Remarks = 'Presents the admin certificate and checks the server against the private root CA instead of the machine store.'
        }
        @{
            Title   = 'Bearer token'
            Code    = 'Connect-FlowCluster https://opensearch.internal:9200 -Token (Read-Host -AsSecureString ''JWT'')'
            Remarks = 'Sends Authorization: Bearer with the token on every request (the security plugin''s jwt authentication domain).'
        }
    )
    Links       = @('Disconnect-FlowCluster', 'Get-FlowWorkflowStatus', 'Invoke-FlowDeprovision')
}
