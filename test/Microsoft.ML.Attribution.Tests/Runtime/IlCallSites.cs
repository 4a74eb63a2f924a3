using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Microsoft.ML.Attribution.Tests.Runtime;

/// <summary>
/// The calls in a compiled assembly, read from its IL: for every method body, each call/callvirt/newobj/ldftn target as
/// "Namespace.Type+Nested::Name(ParameterTypes)", with the opcode after it and the source line from the portable PDB when
/// one sits beside the assembly. For tests that check what compiled code calls, which no source search sees (an operator
/// overload, an implicit conversion).
/// </summary>
internal static class IlCallSites
{
    internal sealed record Call(string Target, ILOpCode Next, string Where);

    internal sealed record Method(string Name, string Type, IReadOnlyList<Call> Calls);

    public static IReadOnlyList<Method> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader reader = pe.GetMetadataReader();
        string pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        using MetadataReaderProvider? pdbProvider = File.Exists(pdbPath) ? MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdbPath)) : null;
        MetadataReader? pdb = pdbProvider?.GetMetadataReader();
        var methods = new List<Method>();
        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(typeHandle);
            string typeName = TypeName(reader, typeHandle);
            foreach (MethodDefinitionHandle handle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(handle);
                if (method.RelativeVirtualAddress == 0) continue;
                List<SequencePoint> points = pdb is null ? [] :
                    pdb.GetMethodDebugInformation(MetadataTokens.MethodDebugInformationHandle(MetadataTokens.GetRowNumber(handle)))
                        .GetSequencePoints().Where(p => !p.IsHidden).ToList();
                var calls = new List<Call>();
                BlobReader il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                (string Target, int Offset)? pending = null;
                while (il.RemainingBytes > 0)
                {
                    int offset = il.Offset;
                    ILOpCode op = ReadOpCode(ref il);
                    if (pending is { } previous)
                    {
                        calls.Add(new Call(previous.Target, op, Where(pdb, points, previous.Offset)));
                        pending = null;
                    }
                    if (op is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn)
                        pending = (MemberName(reader, MetadataTokens.EntityHandle(il.ReadInt32())), offset);
                    else SkipOperand(ref il, op);
                }
                if (pending is { } last) calls.Add(new Call(last.Target, ILOpCode.Nop, Where(pdb, points, last.Offset)));
                methods.Add(new Method($"{typeName}::{reader.GetString(method.Name)}{Signature(reader, method.Signature)}", typeName, calls));
            }
        }
        return methods;
    }

    private static string Where(MetadataReader? pdb, List<SequencePoint> points, int offset)
    {
        if (pdb is null) return "";
        SequencePoint? point = points.LastOrDefault(p => p.Offset <= offset);
        return point is { } p && !p.Document.IsNil ? $"{Path.GetFileName(pdb.GetString(pdb.GetDocument(p.Document).Name))}:{p.StartLine}" : "";
    }

    private static string TypeName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        if (type.GetDeclaringType() is { IsNil: false } outer) return TypeName(reader, outer) + "+" + reader.GetString(type.Name);
        string ns = reader.GetString(type.Namespace);
        return ns.Length > 0 ? ns + "." + reader.GetString(type.Name) : reader.GetString(type.Name);
    }

    private static string TypeName(MetadataReader reader, TypeReference type)
    {
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            return TypeName(reader, reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + reader.GetString(type.Name);
        string ns = reader.GetString(type.Namespace);
        return ns.Length > 0 ? ns + "." + reader.GetString(type.Name) : reader.GetString(type.Name);
    }

    private static string MemberName(MetadataReader reader, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                MethodDefinition definition = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return $"{TypeName(reader, definition.GetDeclaringType())}::{reader.GetString(definition.Name)}{Signature(reader, definition.Signature)}";
            case HandleKind.MemberReference:
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                string parent = member.Parent.Kind switch
                {
                    HandleKind.TypeReference => TypeName(reader, reader.GetTypeReference((TypeReferenceHandle)member.Parent)),
                    HandleKind.TypeDefinition => TypeName(reader, (TypeDefinitionHandle)member.Parent),
                    _ => "(generic)",
                };
                return $"{parent}::{reader.GetString(member.Name)}{Signature(reader, member.Signature)}";
            case HandleKind.MethodSpecification:
                return MemberName(reader, reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return "(unknown)";
        }
    }

    private static string Signature(MetadataReader reader, BlobHandle signature)
    {
        BlobReader blob = reader.GetBlobReader(signature);
        if (blob.ReadSignatureHeader().Kind != SignatureKind.Method) return "";
        blob.Reset();
        var decoder = new SignatureDecoder<string, object?>(new TypeNames(reader, TypeName, TypeName), reader, null);
        return "(" + string.Join(",", decoder.DecodeMethodSignature(ref blob).ParameterTypes) + ")";
    }

    private static ILOpCode ReadOpCode(ref BlobReader il)
    {
        byte first = il.ReadByte();
        return first == 0xFE ? (ILOpCode)(0xFE00 | il.ReadByte()) : (ILOpCode)first;
    }

    private static void SkipOperand(ref BlobReader il, ILOpCode op)
    {
        if (op == ILOpCode.Switch)
        {
            int targets = il.ReadInt32();
            il.Offset += 4 * targets;
            return;
        }
        il.Offset += op switch
        {
            ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
                or ILOpCode.Ldc_i4_s or ILOpCode.Br_s or ILOpCode.Brfalse_s or ILOpCode.Brtrue_s or ILOpCode.Beq_s or ILOpCode.Bge_s
                or ILOpCode.Bgt_s or ILOpCode.Ble_s or ILOpCode.Blt_s or ILOpCode.Bne_un_s or ILOpCode.Bge_un_s or ILOpCode.Bgt_un_s
                or ILOpCode.Ble_un_s or ILOpCode.Blt_un_s or ILOpCode.Leave_s or ILOpCode.Unaligned => 1,
            ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => 2,
            ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => 8,
            ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or ILOpCode.Br or ILOpCode.Brfalse or ILOpCode.Brtrue or ILOpCode.Beq or ILOpCode.Bge
                or ILOpCode.Bgt or ILOpCode.Ble or ILOpCode.Blt or ILOpCode.Bne_un or ILOpCode.Bge_un or ILOpCode.Bgt_un
                or ILOpCode.Ble_un or ILOpCode.Blt_un or ILOpCode.Leave or ILOpCode.Jmp or ILOpCode.Calli or ILOpCode.Ldstr
                or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
                or ILOpCode.Ldtoken or ILOpCode.Box or ILOpCode.Unbox or ILOpCode.Unbox_any or ILOpCode.Castclass or ILOpCode.Isinst
                or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem or ILOpCode.Ldobj or ILOpCode.Stobj
                or ILOpCode.Cpobj or ILOpCode.Initobj or ILOpCode.Sizeof or ILOpCode.Mkrefany or ILOpCode.Refanyval
                or ILOpCode.Constrained or ILOpCode.Ldvirtftn or ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj
                or ILOpCode.Ldftn => 4,
            _ => 0,
        };
    }

    /// <summary>Parameter types as the names <see cref="MemberName"/> uses, so a call and its target's definition compare equal.</summary>
    private sealed class TypeNames(MetadataReader reader, Func<MetadataReader, TypeDefinitionHandle, string> definition,
        Func<MetadataReader, TypeReference, string> reference) : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericInstantiation(string genericType, System.Collections.Immutable.ImmutableArray<string> arguments) =>
            genericType + "<" + string.Join(",", arguments) + ">";
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetTypeFromDefinition(MetadataReader _, TypeDefinitionHandle handle, byte rawTypeKind) => definition(reader, handle);
        public string GetTypeFromReference(MetadataReader _, TypeReferenceHandle handle, byte rawTypeKind) => reference(reader, reader.GetTypeReference(handle));
        public string GetTypeFromSpecification(MetadataReader _, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => "(spec)";
    }
}
