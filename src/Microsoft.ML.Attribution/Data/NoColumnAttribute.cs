namespace Microsoft.ML.Attribution.Data;

/// <summary>Excludes this field or property from the columns of a data view built from (or read into) the class.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class NoColumnAttribute : Attribute
{
}
