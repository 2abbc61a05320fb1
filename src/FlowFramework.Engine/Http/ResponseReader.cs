using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>Turns response bodies into the engine's model; throws <see cref="JsonException"/> on bodies that do not fit.</summary>
    internal static class ResponseReader
    {
        internal static FlowWorkflowStatus ReadWorkflowState(string body, string requestedId)
        {
            using var doc = JsonDocument.Parse(body);
            var root = RequireObject(doc.RootElement, "the status response");
            // Every state document has a state; a JSON object without one (a proxy's or another service's answer) is
            // not an empty workflow, and taking it for one would plan a deprovision from nothing.
            if (GetString(root, "state") is null)
            {
                throw new JsonException("The status response has no state.");
            }

            return ReadWorkflowState(root, requestedId);
        }

        /// <summary>A state document: the status response, or a hit's source from the state search.</summary>
        internal static FlowWorkflowStatus ReadWorkflowState(JsonElement element, string requestedId)
        {
            var root = RequireObject(element, "the status response");
            var workflowId = GetString(root, "workflow_id") ?? requestedId;
            var resources = new List<FlowResource>();
            if (root.TryGetProperty("resources_created", out var created) && created.ValueKind != JsonValueKind.Null)
            {
                if (created.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException("resources_created is not an array.");
                }

                foreach (var entry in created.EnumerateArray())
                {
                    RequireObject(entry, "a resources_created entry");
                    resources.Add(FlowStepCatalogue.Resource(
                        workflowId,
                        GetString(entry, "workflow_step_name") ?? string.Empty,
                        GetString(entry, "workflow_step_id") ?? string.Empty,
                        GetString(entry, "resource_type") ?? string.Empty,
                        GetString(entry, "resource_id") ?? string.Empty));
                }
            }

            return new FlowWorkflowStatus(
                workflowId,
                GetString(root, "state"),
                GetString(root, "provisioning_progress"),
                GetEpochMillis(root, "provision_start_time"),
                GetEpochMillis(root, "provision_end_time"),
                GetString(root, "error"),
                GetUserName(root),
                GetString(root, "tenant_id"),
                resources.ToArray());
        }

        internal static FlowClusterInfo ReadClusterInfo(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = RequireObject(doc.RootElement, "the cluster response");
            string? number = null;
            string? distribution = null;
            if (root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Object)
            {
                number = GetString(version, "number");
                distribution = GetString(version, "distribution");
            }

            return new FlowClusterInfo(GetString(root, "name"), GetString(root, "cluster_name"), number, distribution);
        }

        /// <summary>The server's error text: FF's <c>{"error":"..."}</c> or core's <c>{"error":{"reason":..}}</c>; otherwise a short excerpt of the text.</summary>
        internal static string? ReadErrorMessage(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            try
            {
                using var doc = JsonDocument.Parse(body!);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("error", out var error))
                    {
                        if (error.ValueKind == JsonValueKind.String)
                        {
                            return error.GetString();
                        }

                        if (error.ValueKind == JsonValueKind.Object)
                        {
                            var reason = GetString(error, "reason");
                            if (reason is null && error.TryGetProperty("root_cause", out var causes) && causes.ValueKind == JsonValueKind.Array)
                            {
                                foreach (var cause in causes.EnumerateArray())
                                {
                                    if (cause.ValueKind == JsonValueKind.Object && (reason = GetString(cause, "reason")) is not null)
                                    {
                                        break;
                                    }
                                }
                            }

                            return reason ?? GetString(error, "type");
                        }
                    }

                    return Auth.AwsErrorText.FirstParagraph(GetString(root, "message") ?? GetString(root, "Message"));
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, plain text): fall through to an excerpt.
            }

            var text = body!.Trim();
            return text.Length <= 300 ? text : text.Substring(0, 300) + "...";
        }

        internal static JsonElement RequireObject(JsonElement element, string what)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"{what} is not a JSON object.");
            }

            return element;
        }

        internal static string? GetString(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                case JsonValueKind.True:
                case JsonValueKind.False:
                    return value.GetRawText();
                case JsonValueKind.Null:
                    return null;
                default:
                    throw new JsonException($"{name} is not a string.");
            }
        }

        internal static DateTimeOffset? GetEpochMillis(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            long millis;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out millis))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(millis);
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out millis))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(millis);
            }

            throw new JsonException($"{name} is not a time in epoch milliseconds.");
        }

        private static string? GetUserName(JsonElement root)
        {
            if (!root.TryGetProperty("user", out var user))
            {
                return null;
            }

            return user.ValueKind switch
            {
                JsonValueKind.Object => GetString(user, "name"),
                JsonValueKind.String => user.GetString(),
                _ => null,
            };
        }
    }
}
