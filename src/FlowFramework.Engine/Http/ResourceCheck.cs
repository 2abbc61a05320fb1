using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The models the model search finds using a connector (what ML Commons' connector delete checks); ids null when
    /// the search was denied or failed.
    /// </summary>
    internal sealed class ConnectorUsers
    {
        internal ConnectorUsers(IReadOnlyList<string>? modelIds, string? failure = null, TimeSpan? retryAfter = null, bool transient = false)
        {
            ModelIds = modelIds;
            Failure = failure;
            RetryAfter = retryAfter;
            Transient = transient;
        }

        /// <summary>The search failed in a way worth reading again (throttled, unavailable, no answer in time).</summary>
        internal bool Transient { get; }

        internal IReadOnlyList<string>? ModelIds { get; }

        internal string? Failure { get; }

        internal TimeSpan? RetryAfter { get; }
    }

    /// <summary>What a read of one resource said: it exists (with a model's state), it is gone (404), or nothing certain.</summary>
    internal sealed class ResourceCheck
    {
        internal static readonly ResourceCheck Unknown = new ResourceCheck(null, null, null);

        private ResourceCheck(bool? exists, string? modelState, string? missingRead, string? failure = null, TimeSpan? retryAfter = null, bool transient = false)
        {
            Transient = transient;
            Found = exists;
            ModelState = modelState;
            MissingRead = missingRead;
            Failure = failure;
            RetryAfter = retryAfter;
        }

        /// <summary>Why the read says nothing (for example <c>HTTP 403</c>); null when it answered or no read exists.</summary>
        internal string? Failure { get; }

        /// <summary>The server's Retry-After on a throttled read.</summary>
        internal TimeSpan? RetryAfter { get; }

        /// <summary>The read failed in a way worth reading again (throttled, unavailable, no answer in time).</summary>
        internal bool Transient { get; }

        /// <summary>A read that was denied or failed: nothing certain.</summary>
        internal static ResourceCheck Unreadable(string failure, TimeSpan? retryAfter, bool transient) => new ResourceCheck(null, null, null, failure, retryAfter, transient);

        /// <summary>Answers worth reading again.</summary>
        internal static bool IsTransientStatus(int status) => status == 408 || status == 429 || status == 502 || status == 503 || status == 504;

        /// <summary>Why a request got no usable answer, in a few words.</summary>
        internal static string Describe(FlowApiException error) =>
            error.StatusCode is int status ? "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : error.Kind == FlowErrorKind.Timeout ? "no answer in time"
            : error.Cause ?? error.Kind.ToString();

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
