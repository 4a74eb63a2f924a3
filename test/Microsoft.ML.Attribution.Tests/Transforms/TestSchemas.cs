using System.Reflection;

namespace Microsoft.ML.Attribution.Tests.Transforms;

/// <summary>The schema shape of a data view, as <c>EstimatorChain.Fit</c> builds it (ML.NET keeps <c>SchemaShape.Create</c> internal).</summary>
internal static class TestSchemas
{
    private static readonly MethodInfo s_create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.NonPublic, [typeof(DataViewSchema)])!;

    public static SchemaShape Shape(DataViewSchema schema) => (SchemaShape)s_create.Invoke(null, [schema])!;

    public static SchemaShape.Column Find(SchemaShape shape, string name) => shape.First(c => c.Name == name);
}
