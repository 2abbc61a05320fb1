using System;
using System.Collections;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FlowFramework.Engine;

namespace FlowFramework.Commands
{
    /// <summary>
    /// What -Template accepts: a hashtable (or ordered dictionary, or PSCustomObject, as from ConvertFrom-Json), a JSON
    /// string, or the path of a JSON file (a provider path, or a FileInfo from Get-ChildItem). Throws
    /// <see cref="FormatException"/> or <see cref="IOException"/> with the reason when it cannot be used.
    /// </summary>
    internal static class TemplateInput
    {
        /// <summary>The template to send, and how to name it in messages.</summary>
        internal static (FlowTemplateSource Source, string Shown) Resolve(PSCmdlet cmdlet, object? input)
        {
            var value = input is PSObject ps ? ps.BaseObject : input;
            switch (value)
            {
                case null:
                    throw new FormatException("no template was given.");
                case FileInfo file:
                    return FromFile(file.FullName);
                case IDictionary dictionary:
                    return (FlowTemplateSource.FromTree((IDictionary)ToTree(dictionary)!), Describe(dictionary["name"]));
                case PSCustomObject _:
                    var tree = (IDictionary)ToTree(input)!;
                    return (FlowTemplateSource.FromTree(tree), Describe(tree["name"]));
                case string text when text.TrimStart().StartsWith("{", StringComparison.Ordinal):
                    var source = FlowTemplateSource.FromJson(text);
                    return (source, "the template given as JSON");
                case string path:
                    var resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem" || resolved.Count != 1)
                    {
                        throw new FormatException($"'{path}' is not one file (it resolves to {resolved.Count} item(s) of the {provider.Name} provider).");
                    }

                    return FromFile(resolved[0]);
                default:
                    throw new FormatException($"a {value.GetType().Name} is not a template; give a path, a JSON string or a hashtable.");
            }
        }

        private static (FlowTemplateSource, string) FromFile(string path) =>
            (FlowTemplateSource.FromJson(File.ReadAllText(path)), $"the template file '{path}'");

        private static string Describe(object? name) =>
            name is null ? "the template given as a hashtable" : $"the template '{(name is PSObject p ? p.BaseObject : name)}'";

        /// <summary>PowerShell objects as plain dictionaries and lists (PSCustomObject properties in their order).</summary>
        private static object? ToTree(object? value)
        {
            var raw = value is PSObject ps ? ps.BaseObject : value;
            switch (raw)
            {
                case null:
                    return null;
                case PSCustomObject _ when value is PSObject custom:
                    var map = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (var property in custom.Properties)
                    {
                        map[property.Name] = ToTree(property.Value);
                    }

                    return map;
                case IDictionary dictionary:
                    var copy = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        copy[Convert.ToString(entry.Key is PSObject k ? k.BaseObject : entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToTree(entry.Value);
                    }

                    return copy;
                case string text:
                    return text;
                case IEnumerable list:
                    return list.Cast<object?>().Select(ToTree).ToList();
                default:
                    return raw;
            }
        }
    }
}
