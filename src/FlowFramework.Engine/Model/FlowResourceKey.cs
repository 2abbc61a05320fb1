using System;

namespace FlowFramework.Engine
{
    /// <summary>A resource as the server names it in its deprovision messages: type and id.</summary>
    public sealed class FlowResourceKey : IEquatable<FlowResourceKey>
    {
        public FlowResourceKey(string resourceType, string resourceId)
        {
            ResourceType = resourceType ?? throw new ArgumentNullException(nameof(resourceType));
            ResourceId = resourceId ?? throw new ArgumentNullException(nameof(resourceId));
        }

        public string ResourceType { get; }

        public string ResourceId { get; }

        public bool Equals(FlowResourceKey? other) =>
            other is not null
            && string.Equals(ResourceType, other.ResourceType, StringComparison.Ordinal)
            && string.Equals(ResourceId, other.ResourceId, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as FlowResourceKey);

        public override int GetHashCode() =>
            unchecked((StringComparer.Ordinal.GetHashCode(ResourceType) * 397) ^ StringComparer.Ordinal.GetHashCode(ResourceId));

        /// <summary>The server's own spelling: <c>model_id N9jC...</c>.</summary>
        public override string ToString() => ResourceType + " " + ResourceId;
    }

    internal static class FlowResourceKeys
    {
        /// <summary>The resource's (type, id) as the server names it.</summary>
        internal static FlowResourceKey Key(this FlowResource resource) => new FlowResourceKey(resource.ResourceType, resource.ResourceId);

        /// <summary>The same state entry: step, step id, type and id.</summary>
        internal static bool SameEntry(this FlowResource resource, FlowResource other) =>
            string.Equals(resource.StepName, other.StepName, StringComparison.Ordinal)
            && string.Equals(resource.StepId, other.StepId, StringComparison.Ordinal)
            && resource.Key().Equals(other.Key());
    }
}
