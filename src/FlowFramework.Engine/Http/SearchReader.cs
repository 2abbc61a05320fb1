using System.Collections.Generic;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>One hit of a search: its document id and a copy of its source.</summary>
    internal sealed class SearchHit
    {
        internal SearchHit(string id, JsonElement source)
        {
            Id = id;
            Source = source;
        }

        internal string Id { get; }

        /// <summary>An object; empty when the hit carried no source.</summary>
        internal JsonElement Source { get; }
    }

    /// <summary>Reads core's SearchResponse and the Flow Framework documents in it.</summary>
    internal static class SearchReader
    {
        private static readonly JsonElement EmptyObject = ParseEmpty();

        internal static List<SearchHit> ReadHits(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = ResponseReader.RequireObject(doc.RootElement, "the search response");
            if (!root.TryGetProperty("hits", out var outer) || outer.ValueKind != JsonValueKind.Object
                || !outer.TryGetProperty("hits", out var hits) || hits.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("the search response has no hits.hits array.");
            }

            var list = new List<SearchHit>();
            foreach (var hit in hits.EnumerateArray())
            {
                ResponseReader.RequireObject(hit, "a search hit");
                var id = ResponseReader.GetString(hit, "_id") ?? throw new JsonException("a search hit has no _id.");
                var source = hit.TryGetProperty("_source", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : EmptyObject;
                list.Add(new SearchHit(id, source));
            }

            return list;
        }

        /// <summary>A template document (GET workflow/&lt;id&gt; or a template search hit) as a FlowWorkflow without its state.</summary>
        internal static FlowWorkflow ReadTemplate(JsonElement element, string workflowId)
        {
            var root = ResponseReader.RequireObject(element, "the template");
            string? version = null;
            if (root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Object)
            {
                version = ResponseReader.GetString(v, "template");
            }

            return new FlowWorkflow(
                workflowId,
                ResponseReader.GetString(root, "name"),
                ResponseReader.GetString(root, "description"),
                ResponseReader.GetString(root, "use_case"),
                version,
                ResponseReader.GetEpochMillis(root, "created_time"),
                ResponseReader.GetEpochMillis(root, "last_updated_time"),
                ResponseReader.GetEpochMillis(root, "last_provisioned_time"),
                null);
        }

        internal static FlowWorkflow ReadTemplate(string body, string workflowId)
        {
            using var doc = JsonDocument.Parse(body);
            return ReadTemplate(doc.RootElement, workflowId);
        }

        /// <summary>The <c>workflow_id</c> of a create answer.</summary>
        internal static string ReadWorkflowId(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = ResponseReader.RequireObject(doc.RootElement, "the create response");
            var id = ResponseReader.GetString(root, "workflow_id");
            return string.IsNullOrEmpty(id) ? throw new JsonException("the answer has no workflow_id.") : id!;
        }

        /// <summary>Whether core's DeleteResponse says the document was there (<c>result: deleted</c>).</summary>
        internal static bool ReadDeleted(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = ResponseReader.RequireObject(doc.RootElement, "the delete response");
            return ResponseReader.GetString(root, "result") switch
            {
                "deleted" => true,
                "not_found" => false,
                var other => throw new JsonException("the delete response's result is '" + other + "'."),
            };
        }

        private static JsonElement ParseEmpty()
        {
            using var doc = JsonDocument.Parse("{}");
            return doc.RootElement.Clone();
        }
    }
}
