using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>What a read of one resource said: it exists (with a model's state), it is gone (404), or nothing certain.</summary>
    internal sealed class ResourceCheck
    {
        internal static readonly ResourceCheck Unknown = new ResourceCheck(null, null, null);

        private ResourceCheck(bool? exists, string? modelState, string? missingRead)
        {
            Found = exists;
            ModelState = modelState;
            MissingRead = missingRead;
        }

        /// <summary>True: it exists; false: the read answered 404; null: the read was denied or failed.</summary>
        internal bool? Found { get; }

        internal bool IsMissing => Found == false;

        /// <summary>A model's <c>model_state</c>, for example DEPLOYING.</summary>
        internal string? ModelState { get; }

        /// <summary>The read that answered 404, for example <c>HEAD /my-index</c>.</summary>
        internal string? MissingRead { get; }

        internal static ResourceCheck Exists(string? modelState) => new ResourceCheck(true, modelState, null);

        internal static ResourceCheck Missing(string read) => new ResourceCheck(false, null, read);

        /// <summary>The reads that tell whether the resource exists; none for a type the module cannot check.</summary>
        internal static IReadOnlyList<(HttpMethod Method, string Path)> ReadsFor(FlowResource resource)
        {
            var id = Uri.EscapeDataString(resource.ResourceId);
            var reads = new List<(HttpMethod, string)>();
            switch (resource.ResourceType)
            {
                case FlowStepCatalogue.IndexName:
                    reads.Add((HttpMethod.Head, "/" + id));
                    break;
                case FlowStepCatalogue.PipelineId:
                    // Known steps say which kind of pipeline; an entry synthesised from the server's text may be either.
                    if (!resource.StepName.Contains("search"))
                    {
                        reads.Add((HttpMethod.Get, "/_ingest/pipeline/" + id));
                    }

                    if (!resource.StepName.Contains("ingest"))
                    {
                        reads.Add((HttpMethod.Get, "/_search/pipeline/" + id));
                    }

                    break;
                case FlowStepCatalogue.ConnectorId:
                    reads.Add((HttpMethod.Get, "/_plugins/_ml/connectors/" + id));
                    break;
                case FlowStepCatalogue.ModelId:
                    reads.Add((HttpMethod.Get, "/_plugins/_ml/models/" + id));
                    break;
                case FlowStepCatalogue.AgentId:
                    reads.Add((HttpMethod.Get, "/_plugins/_ml/agents/" + id));
                    break;
            }

            return reads;
        }

        internal static string? ReadModelState(string body)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model_state", out var state) && state.ValueKind == JsonValueKind.String
                    ? state.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
