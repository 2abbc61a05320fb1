using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>The reads that tell what uses a model, as ML Commons' safe delete checks it.</summary>
    public sealed partial class FlowApiClient
    {
        private static Task Pace(ReadPacer? pacer, CancellationToken ct) => pacer is null ? Task.CompletedTask : pacer.WaitAsync(ct);

        /// <summary>
        /// The agents and pipelines that use a model, found as DeleteModelTransportAction finds them with
        /// <c>plugins.ml_commons.safe_delete_model</c> on: the agent search on <c>tools.parameters.model_id</c> of agents
        /// that are not hidden (AgentModelsSearcher), and every ingest and search pipeline whose config holds a
        /// <c>model_id</c> equal to it (GET _ingest/pipeline, GET _search/pipeline; 404 there means none). A denied or
        /// failed read says nothing.
        /// </summary>
        internal async Task<ModelUsers> FindModelUsersAsync(string workflowId, string modelId, CancellationToken ct, ReadPacer? pacer = null)
        {
            var users = new List<ModelUser>();
            var (agents, agentsFailed) = await FindAgentsUsingAsync(workflowId, modelId, pacer, ct).ConfigureAwait(false);
            if (agentsFailed is not null)
            {
                return agentsFailed;
            }

            users.AddRange(agents);
            foreach (var (kind, path) in new[] { (ModelUserKind.IngestPipeline, "/_ingest/pipeline"), (ModelUserKind.SearchPipeline, "/_search/pipeline") })
            {
                var (pipelines, failed) = await ReadUsersAsync(HttpMethod.Get, path, workflowId, null, pacer, body => PipelineUsers(body, modelId, kind), ct).ConfigureAwait(false);
                if (failed is not null)
                {
                    return failed;
                }

                users.AddRange(pipelines);
            }

            return new ModelUsers(users);
        }

        /// <summary>
        /// The agent search safe delete makes (AgentModelsSearcher): it is also the read that tells when an agent stops
        /// counting, since the server's check sees a deleted agent until the agent index refreshes, while a GET by id
        /// answers 404 at once.
        /// </summary>
        private Task<(List<ModelUser> Users, ModelUsers? Failed)> FindAgentsUsingAsync(string workflowId, string modelId, ReadPacer? pacer, CancellationToken ct)
        {
            var query = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["size"] = 100,
                ["_source"] = false,
                ["query"] = new Dictionary<string, object>
                {
                    ["bool"] = new Dictionary<string, object>
                    {
                        ["filter"] = new[] { new Dictionary<string, object> { ["term"] = new Dictionary<string, string> { ["tools.parameters.model_id"] = modelId } } },
                        ["must_not"] = new[] { new Dictionary<string, object> { ["term"] = new Dictionary<string, bool> { ["is_hidden"] = true } } },
                    },
                },
            });
            return ReadUsersAsync(HttpMethod.Post, "/_plugins/_ml/agents/_search", workflowId, query, pacer,
                body => SearchReader.ReadHits(body).Select(hit => new ModelUser(ModelUserKind.Agent, hit.Id)), ct);
        }

        /// <summary>
        /// Reads the awaited users again: agents with the agent search (as safe delete sees them: a deleted agent counts
        /// until the agent index refreshes); each pipeline by id, gone when its GET answers 404 or its config no longer
        /// names the model. Returns the users still there.
        /// </summary>
        internal async Task<ModelUsers> ReadModelUsersAgainAsync(string workflowId, string modelId, IReadOnlyList<ModelUser> users, CancellationToken ct, ReadPacer? pacer = null)
        {
            var still = new List<ModelUser>();
            if (users.Any(user => user.Kind == ModelUserKind.Agent))
            {
                var (agents, failed) = await FindAgentsUsingAsync(workflowId, modelId, pacer, ct).ConfigureAwait(false);
                if (failed is not null)
                {
                    return failed;
                }

                still.AddRange(agents);
            }

            foreach (var user in users.Where(user => user.IsPipeline))
            {
                var path = (user.Kind == ModelUserKind.IngestPipeline ? "/_ingest/pipeline/" : "/_search/pipeline/") + Uri.EscapeDataString(user.Id);
                var (found, failed) = await ReadUsersAsync(HttpMethod.Get, path, workflowId, null, pacer,
                    body => PipelineUsers(body, modelId, user.Kind).Where(p => p.Equals(user)), ct).ConfigureAwait(false);
                if (failed is not null)
                {
                    return failed;
                }

                still.AddRange(found);
            }

            return new ModelUsers(still);
        }

        private static IEnumerable<ModelUser> PipelineUsers(string body, string modelId, ModelUserKind kind)
        {
            using var doc = JsonDocument.Parse(body);
            return ModelUsers.PipelinesNaming(doc.RootElement, modelId).Select(id => new ModelUser(kind, id)).ToList();
        }

        /// <summary>One read of users: 404 is none, another failure says nothing.</summary>
        private async Task<(List<ModelUser> Users, ModelUsers? Failed)> ReadUsersAsync(HttpMethod method, string path, string workflowId, string? body, ReadPacer? pacer,
            Func<string, IEnumerable<ModelUser>> read, CancellationToken ct)
        {
            RawResponse response;
            try
            {
                await Pace(pacer, ct).ConfigureAwait(false);
                response = await SendAsync(method, path, workflowId, null, ct, body).ConfigureAwait(false);
            }
            catch (FlowApiException ex)
            {
                return (new List<ModelUser>(), new ModelUsers(null, ResourceCheck.Describe(ex), ex.RetryAfter, ex.IsTransient));
            }

            if (response.StatusCode == 404)
            {
                return (new List<ModelUser>(), null);
            }

            if (response.StatusCode != 200)
            {
                return (new List<ModelUser>(), new ModelUsers(null, FormattableString.Invariant($"{method.Method} {path}: HTTP {response.StatusCode}"), response.RetryAfter,
                    ResourceCheck.IsTransientStatus(response.StatusCode)));
            }

            try
            {
                return (read(response.Body).ToList(), null);
            }
            catch (JsonException)
            {
                return (new List<ModelUser>(), new ModelUsers(null, $"{method.Method} {path}: an answer that is not the JSON expected"));
            }
        }
    }
}
