using System.Reflection;

namespace FlowFramework.Engine.Tests;

public class PublicSurfaceTests
{
    [Fact]
    public void No_public_signature_exposes_polly_json_aws_or_powershell_types()
    {
        var leaks = new List<string>();
        foreach (var type in typeof(FlowApiClient).Assembly.GetExportedTypes())
        {
            Assert.Equal("FlowFramework.Engine", type.Namespace);
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var used = member switch
                {
                    PropertyInfo p => new[] { p.PropertyType },
                    FieldInfo f => new[] { f.FieldType },
                    MethodBase m => m.GetParameters().Select(p => p.ParameterType).Concat(m is MethodInfo mi ? new[] { mi.ReturnType } : Array.Empty<Type>()).ToArray(),
                    _ => Array.Empty<Type>(),
                };
                foreach (var t in used.SelectMany(Flatten))
                {
                    var ns = t.Namespace ?? string.Empty;
                    // Amazon: the module holds engine objects without loading AWSSDK.Core (it loads only for SigV4).
                    if (ns.StartsWith("Polly", StringComparison.Ordinal) || ns.StartsWith("System.Text.Json", StringComparison.Ordinal) || ns.StartsWith("System.Management.Automation", StringComparison.Ordinal) || ns.StartsWith("Amazon", StringComparison.Ordinal))
                    {
                        leaks.Add(type.Name + "." + member.Name + ": " + t.FullName);
                    }
                }
            }
        }

        Assert.Empty(leaks);
    }

    private static IEnumerable<Type> Flatten(Type type) =>
        new[] { type }.Concat(type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten) : Array.Empty<Type>())
            .Concat(type.HasElementType ? Flatten(type.GetElementType()!) : Array.Empty<Type>());
}
