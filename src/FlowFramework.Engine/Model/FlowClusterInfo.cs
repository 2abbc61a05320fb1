namespace FlowFramework.Engine
{
    /// <summary>What <c>GET /</c> says about the cluster.</summary>
    public sealed class FlowClusterInfo
    {
        public FlowClusterInfo(string? name, string? clusterName, string? versionNumber, string? distribution)
        {
            Name = name;
            ClusterName = clusterName;
            VersionNumber = versionNumber;
            Distribution = distribution;
        }

        /// <summary>The node's name.</summary>
        public string? Name { get; }

        public string? ClusterName { get; }

        public string? VersionNumber { get; }

        /// <summary><c>opensearch</c> on OpenSearch; null on clusters that do not say.</summary>
        public string? Distribution { get; }
    }
}
