using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace FlowFramework.Engine
{
    /// <summary>
    /// What a new workflow is made from: a template (JSON text, checked to be one JSON object before anything is sent),
    /// or one of the server's built-in use cases with its substitution parameters.
    /// </summary>
    public sealed class FlowTemplateSource
    {
        private FlowTemplateSource(string? templateJson, string? useCase, IReadOnlyDictionary<string, string> parameters)
        {
            TemplateJson = templateJson;
            UseCase = useCase;
            Parameters = parameters;
        }

        /// <summary>The template body; null for a use case.</summary>
        public string? TemplateJson { get; }

        /// <summary>The built-in use case name; null for a template.</summary>
        public string? UseCase { get; }

        /// <summary>The use case's substitutions (<c>create_connector.credential.key</c> and the like), sent as a flat JSON body.</summary>
        public IReadOnlyDictionary<string, string> Parameters { get; }

        /// <summary>A template given as JSON text; throws <see cref="FormatException"/> when it is not one JSON object.</summary>
        public static FlowTemplateSource FromJson(string json)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new FormatException("The template is empty.");
            }

            try
            {
                using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException(FormattableString.Invariant($"The template is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object."));
                }

                // Sent as parsed, so comments and trailing commas a person may have left in a file never reach the server.
                using var buffer = new System.IO.MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    doc.RootElement.WriteTo(writer);
                }

                return new FlowTemplateSource(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), null, new Dictionary<string, string>());
            }
            catch (JsonException ex)
            {
                throw new FormatException("The template is not valid JSON: " + ex.Message, ex);
            }
        }

        /// <summary>
        /// A template given as a tree of dictionaries (string keys), lists and plain values, such as a PowerShell
        /// hashtable converted by the caller.
        /// </summary>
        public static FlowTemplateSource FromTree(IDictionary tree)
        {
            if (tree is null)
            {
                throw new ArgumentNullException(nameof(tree));
            }

            return FromJson(JsonSerializer.Serialize(Plain(tree)));
        }

        /// <summary>A built-in use case; every parameter value is sent as a string, as the server expects.</summary>
        public static FlowTemplateSource FromUseCase(string useCase, IReadOnlyDictionary<string, string>? parameters)
        {
            if (string.IsNullOrWhiteSpace(useCase))
            {
                throw new FormatException("The use case name is empty.");
            }

            return new FlowTemplateSource(null, useCase.Trim(), parameters ?? new Dictionary<string, string>());
        }

        /// <summary>The use case body: the parameters as one flat JSON object of strings (null when there are none).</summary>
        internal string? UseCaseBody() =>
            Parameters.Count == 0 ? null : JsonSerializer.Serialize(Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

        /// <summary>Dictionaries, lists and values only, so the serializer writes exactly what the caller gave.</summary>
        private static object? Plain(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    return text;
                case bool or char or Guid:
                    return value is char c ? c.ToString() : value;
                case DateTime time:
                    return time.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset offset:
                    return offset.ToString("o", CultureInfo.InvariantCulture);
                case IDictionary dictionary:
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Plain(entry.Value);
                    }

                    return map;
                case IEnumerable list:
                    return list.Cast<object?>().Select(Plain).ToList();
                case IConvertible number when IsNumber(number):
                    return number;
                default:
                    return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        private static bool IsNumber(IConvertible value)
        {
            switch (value.GetTypeCode())
            {
                case TypeCode.Byte:
                case TypeCode.SByte:
                case TypeCode.Int16:
                case TypeCode.UInt16:
                case TypeCode.Int32:
                case TypeCode.UInt32:
                case TypeCode.Int64:
                case TypeCode.UInt64:
                case TypeCode.Single:
                case TypeCode.Double:
                case TypeCode.Decimal:
                    return true;
                default:
                    return false;
            }
        }
    }
}
