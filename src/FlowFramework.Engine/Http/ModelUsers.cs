using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace FlowFramework.Engine
{
    internal enum ModelUserKind
    {
        Agent,
        IngestPipeline,
        SearchPipeline,
    }

    /// <summary>An agent or pipeline that uses a model, as ML Commons' safe delete finds it.</summary>
    internal sealed class ModelUser : IEquatable<ModelUser>
    {
        internal ModelUser(ModelUserKind kind, string id)
        {
            Kind = kind;
            Id = id;
        }

        internal ModelUserKind Kind { get; }

        internal string Id { get; }

        internal bool IsPipeline => Kind != ModelUserKind.Agent;

        public bool Equals(ModelUser? other) => other is not null && other.Kind == Kind && string.Equals(other.Id, Id, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as ModelUser);

        public override int GetHashCode() => ((int)Kind * 397) ^ StringComparer.Ordinal.GetHashCode(Id);

        public override string ToString() => (Kind switch
        {
            ModelUserKind.Agent => "agent ",
            ModelUserKind.IngestPipeline => "ingest pipeline ",
            _ => "search pipeline ",
        }) + Id;
    }

    /// <summary>
    /// What uses a model (the agents and pipelines ML Commons' safe delete checks); users null when a read was denied or
    /// failed.
    /// </summary>
    internal sealed class ModelUsers
    {
        internal ModelUsers(IReadOnlyList<ModelUser>? users, string? failure = null, TimeSpan? retryAfter = null, bool transient = false)
        {
            Users = users;
            Failure = failure;
            RetryAfter = retryAfter;
            Transient = transient;
        }

        internal IReadOnlyList<ModelUser>? Users { get; }

        internal string? Failure { get; }

        internal TimeSpan? RetryAfter { get; }

        internal bool Transient { get; }

        /// <summary>
        /// The pipelines whose config names the model as ML Commons' safe delete looks for it (DeleteModelTransportAction
        /// searchThroughConfig): any string under a <c>model_id</c> key, list items keeping their key, equal to the id.
        /// <paramref name="all"/> is a GET _ingest/pipeline or _search/pipeline answer: pipeline id to config.
        /// </summary>
        internal static List<string> PipelinesNaming(JsonElement all, string modelId)
        {
            if (all.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the pipeline list is not a JSON object.");
            }

            return all.EnumerateObject().Where(p => Names(p.Value, modelId, string.Empty)).Select(p => p.Name).ToList();
        }

        /// <summary>Whether one pipeline config names the model.</summary>
        internal static bool Names(JsonElement config, string modelId, string key = "") => config.ValueKind switch
        {
            JsonValueKind.Object => config.EnumerateObject().Any(p => Names(p.Value, modelId, p.Name)),
            JsonValueKind.Array => config.EnumerateArray().Any(item => Names(item, modelId, key)),
            JsonValueKind.String => key == "model_id" && string.Equals(config.GetString(), modelId, StringComparison.Ordinal),
            _ => false,
        };
    }
}
