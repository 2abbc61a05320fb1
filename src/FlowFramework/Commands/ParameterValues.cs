using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace FlowFramework.Commands
{
    /// <summary>-Parameter hashtables as the server's substitutions: string keys to string values (booleans as true/false, numbers invariant).</summary>
    internal static class ParameterValues
    {
        internal static Dictionary<string, string> ToStrings(IDictionary? table)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (table is null)
            {
                return result;
            }

            foreach (DictionaryEntry entry in table)
            {
                var key = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty;
                result[key] = Unwrap(entry.Value) switch
                {
                    null => string.Empty,
                    bool b => b ? "true" : "false",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var other => LanguagePrimitives.ConvertTo<string>(other),
                };
            }

            return result;
        }

        private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
    }
}
