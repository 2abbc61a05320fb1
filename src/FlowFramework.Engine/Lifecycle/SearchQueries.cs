using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>
    /// The query DSL bodies of the listings. Fields and types follow the plugin's mappings (templates: name text with
    /// a name.keyword keyword, use_case keyword, created_time date; state: workflow_id and state keyword,
    /// resources_created nested).
    /// </summary>
    internal static class SearchQueries
    {
        /// <summary>Template fields a listing shows (the workflows themselves, often large, are never fetched).</summary>
        private static readonly string[] TemplateFields = { "name", "description", "use_case", "version", "created_time", "last_updated_time", "last_provisioned_time" };

        internal static string Templates(FlowWorkflowFilter filter, int from, int size, bool newestFirst = false)
        {
            var clauses = new List<object>();
            if (filter.Names.Count > 0)
            {
                clauses.Add(AnyOf(filter.Names.Select(NameClause)));
            }

            if (filter.UseCases.Count > 0)
            {
                // use_case is a keyword (exact case): ask for the value as given and in both common cases.
                var values = filter.UseCases.SelectMany(u => new[] { u, u.ToUpperInvariant(), u.ToLowerInvariant() }).Distinct().ToArray();
                clauses.Add(new Dictionary<string, object> { ["terms"] = new Dictionary<string, object> { ["use_case"] = values } });
            }

            return Serialize(new Dictionary<string, object>
            {
                ["from"] = from,
                ["size"] = size,
                ["sort"] = new object[] { new Dictionary<string, object> { ["created_time"] = new Dictionary<string, object> { ["order"] = newestFirst ? "desc" : "asc" } } },
                ["_source"] = new Dictionary<string, object> { ["includes"] = TemplateFields },
                ["query"] = AllOf(clauses),
            });
        }

        /// <summary>Which of these ids still have a template (only the name comes back).</summary>
        internal static string TemplatesWithIds(IReadOnlyCollection<string> ids) =>
            Serialize(new Dictionary<string, object>
            {
                ["size"] = ids.Count,
                ["_source"] = new Dictionary<string, object> { ["includes"] = new[] { "name" } },
                ["query"] = new Dictionary<string, object> { ["ids"] = new Dictionary<string, object> { ["values"] = ids } },
            });

        /// <summary>The states of these workflows (id and state only).</summary>
        internal static string StatesOf(IReadOnlyCollection<string> ids) =>
            Serialize(new Dictionary<string, object>
            {
                ["size"] = ids.Count,
                ["_source"] = new Dictionary<string, object> { ["includes"] = new[] { "workflow_id", "state" } },
                ["query"] = new Dictionary<string, object> { ["terms"] = new Dictionary<string, object> { ["workflow_id"] = ids } },
            });

        /// <summary>Whole state documents, in workflow id order (unique, so pages never overlap).</summary>
        internal static string States(FlowStatusFilter filter, int from, int size)
        {
            var clauses = new List<object>();
            if (filter.States.Count > 0)
            {
                clauses.Add(new Dictionary<string, object> { ["terms"] = new Dictionary<string, object> { ["state"] = filter.States } });
            }

            if (filter.HasResources)
            {
                clauses.Add(new Dictionary<string, object>
                {
                    ["nested"] = new Dictionary<string, object>
                    {
                        ["path"] = "resources_created",
                        ["query"] = new Dictionary<string, object> { ["exists"] = new Dictionary<string, object> { ["field"] = "resources_created.resource_id" } },
                    },
                });
            }

            return Serialize(new Dictionary<string, object>
            {
                ["from"] = from,
                ["size"] = size,
                ["sort"] = new object[] { new Dictionary<string, object> { ["workflow_id"] = new Dictionary<string, object> { ["order"] = "asc" } } },
                ["query"] = AllOf(clauses),
            });
        }

        /// <summary>An exact name as a term, a pattern as a wildcard (backslash is the server's escape character).</summary>
        private static object NameClause(string pattern) =>
            FlowWorkflowFilter.HasWildcard(pattern)
                ? new Dictionary<string, object> { ["wildcard"] = new Dictionary<string, object> { ["name.keyword"] = new Dictionary<string, object> { ["value"] = pattern.Replace("\\", "\\\\") } } }
                : new Dictionary<string, object> { ["term"] = new Dictionary<string, object> { ["name.keyword"] = pattern } };

        private static object AnyOf(IEnumerable<object> clauses) =>
            new Dictionary<string, object> { ["bool"] = new Dictionary<string, object> { ["should"] = clauses.ToArray(), ["minimum_should_match"] = 1 } };

        private static object AllOf(List<object> clauses) =>
            clauses.Count == 0
                ? new Dictionary<string, object> { ["match_all"] = new Dictionary<string, object>() }
                : new Dictionary<string, object> { ["bool"] = new Dictionary<string, object> { ["filter"] = clauses.ToArray() } };

        private static string Serialize(object body) => JsonSerializer.Serialize(body);
    }
}
