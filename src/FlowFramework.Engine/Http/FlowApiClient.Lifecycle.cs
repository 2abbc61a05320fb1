using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace FlowFramework.Engine
{
    /// <summary>Which search endpoint of the plugin.</summary>
    internal enum FlowSearchTarget
    {
        /// <summary><c>.../workflow/_search</c>: the templates.</summary>
        Templates,
        /// <summary><c>.../workflow/state/_search</c>: the state documents.</summary>
        States,
    }

    /// <summary>The workflow lifecycle calls: templates, searches, create, provision, delete, and ML Commons model groups.</summary>
    public sealed partial class FlowApiClient
    {
        private const string ModelGroupPath = "/_plugins/_ml/model_groups/";

        /// <summary><c>GET .../workflow/{id}</c>: the template, without its state.</summary>
        public async Task<FlowWorkflow> GetWorkflowAsync(string workflowId, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var response = await SendAsync(HttpMethod.Get, WorkflowPath + Uri.EscapeDataString(workflowId), workflowId, null, ct).ConfigureAwait(false);
            EnsureSuccess(response, workflowId);
            return Read(response, workflowId, body => SearchReader.ReadTemplate(body, workflowId));
        }

        /// <summary>
        /// <c>POST .../workflow/_search</c> or <c>.../workflow/state/_search</c> with a query DSL body. A search of an
        /// index that does not exist yet (no workflow was ever created) finds nothing.
        /// </summary>
        internal async Task<List<SearchHit>> SearchAsync(FlowSearchTarget target, string body, CancellationToken ct)
        {
            var path = WorkflowPath + (target == FlowSearchTarget.States ? "state/_search" : "_search");
            var response = await SendAsync(HttpMethod.Post, path, null, null, ct, body).ConfigureAwait(false);
            if (response.StatusCode == 404 && response.Body.IndexOf("index_not_found_exception", StringComparison.Ordinal) >= 0)
            {
                return new List<SearchHit>();
            }

            EnsureSuccess(response, null);
            return Read(response, null, SearchReader.ReadHits);
        }

        /// <summary>
        /// <c>POST .../workflow[?use_case=..][&amp;provision=true]</c>: creates the template (the server validates it first)
        /// and returns its id. Not retried: a create that got no answer may have happened.
        /// </summary>
        public async Task<string> CreateWorkflowAsync(FlowTemplateSource source, bool provision, CancellationToken ct)
        {
            if (source is null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            var query = new List<string>();
            if (source.UseCase is not null)
            {
                query.Add("use_case=" + Uri.EscapeDataString(source.UseCase));
            }

            if (provision)
            {
                query.Add("provision=true");
            }

            var path = WorkflowPath.TrimEnd('/') + (query.Count == 0 ? string.Empty : "?" + string.Join("&", query));
            var body = source.TemplateJson ?? source.UseCaseBody();
            var response = await SendAsync(HttpMethod.Post, path, null, null, ct, body).ConfigureAwait(false);
            EnsureSuccess(response, null);
            return Read(response, null, SearchReader.ReadWorkflowId);
        }

        /// <summary>
        /// <c>POST .../workflow/{id}/_provision</c>: starts provisioning (202). The parameters are the template's
        /// substitutions, sent as a flat JSON body so that secrets never appear in a URL.
        /// </summary>
        public async Task ProvisionWorkflowAsync(string workflowId, IReadOnlyDictionary<string, string>? parameters, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var body = parameters is null || parameters.Count == 0 ? null : JsonSerializer.Serialize(parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
            var path = WorkflowPath + Uri.EscapeDataString(workflowId) + "/_provision";
            var response = await SendAsync(HttpMethod.Post, path, workflowId, null, ct, body).ConfigureAwait(false);
            EnsureSuccess(response, workflowId);
        }

        /// <summary>
        /// <c>DELETE .../workflow/{id}[?clear_status=true]</c>. True when the template was there; false when the server
        /// answered <c>result: not_found</c> (it still deletes a state document that qualifies).
        /// </summary>
        public async Task<bool> DeleteWorkflowAsync(string workflowId, bool clearStatus, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(workflowId);
            var path = WorkflowPath + Uri.EscapeDataString(workflowId) + (clearStatus ? "?clear_status=true" : string.Empty);
            var response = await SendAsync(HttpMethod.Delete, path, workflowId, null, ct).ConfigureAwait(false);
            EnsureSuccess(response, workflowId);
            return Read(response, workflowId, SearchReader.ReadDeleted);
        }

        /// <summary>
        /// <c>DELETE /_plugins/_ml/model_groups/{id}</c>. True when deleted, false when it was already gone (404);
        /// a group that still has models is a 409 <see cref="FlowApiException"/> (kind BadRequest).
        /// </summary>
        public async Task<bool> DeleteModelGroupAsync(string modelGroupId, CancellationToken ct)
        {
            WorkflowIdValidator.Validate(modelGroupId);
            var response = await SendAsync(HttpMethod.Delete, ModelGroupPath + Uri.EscapeDataString(modelGroupId), null, null, ct).ConfigureAwait(false);
            if (response.StatusCode == 404)
            {
                return false;
            }

            EnsureSuccess(response, null);
            return true;
        }
    }
}
