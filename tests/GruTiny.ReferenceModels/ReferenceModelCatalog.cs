using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace GruTiny.ReferenceModels;

/// <summary>Calls back with the compiled type of a reference case, so tests run generic (unboxed) code per model.</summary>
public interface IModelVisitor
{
    /// <summary>Called with the compiled model type.</summary>
    void Visit<T>(string name) where T : IGruModel, IRunFinal, new();
}

/// <summary>Calls back with the compiled type of a reference case that reads whole sequences.</summary>
public interface ISequenceModelVisitor
{
    /// <summary>Called with the compiled model type.</summary>
    void Visit<T>(string name) where T : IGruSequenceModel, new();
}

/// <summary>
/// The compiled reference models by case name (tools/make_reference.py writes the cases: grutiny/1 descriptions
/// and ONNX files). Every <c>[GruModel]</c> type of this assembly is a case, named by its model file without the
/// extension, so adding a case is one declaration beside its files (Models.cs and its siblings); the parity
/// tests check that the cases files and the declared types name the same cases.
/// </summary>
public static class ReferenceModelCatalog
{
    private static readonly Dictionary<string, Type> Types = CompiledTypes(typeof(IGruModel));

    // Models that read whole sequences (a reverse or bidirectional GRU) implement IGruSequenceModel instead.
    private static readonly Dictionary<string, Type> SequenceTypes = CompiledTypes(typeof(IGruSequenceModel));

    private static readonly MethodInfo VisitSequenceMethod = typeof(ISequenceModelVisitor).GetMethod(nameof(ISequenceModelVisitor.Visit))!;

    /// <summary>Every case name of a model that reads whole sequences, in ordinal order.</summary>
    public static readonly string[] SequenceNames = SequenceTypes.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Calls <paramref name="visitor"/> with the type compiled from sequence case <paramref name="name"/>.</summary>
    public static void VisitSequence(string name, ISequenceModelVisitor visitor)
    {
        if (!SequenceTypes.TryGetValue(name, out Type? type))
            throw new ArgumentException($"No compiled sequence model is named '{name}'.", nameof(name));
        VisitSequenceMethod.MakeGenericMethod(type).Invoke(visitor, BindingFlags.DoNotWrapExceptions, binder: null, [name], culture: null);
    }

    // Float32 cases by case name; quantised ones (QuantizedModels.cs) by "case:int8" / "case:float16".
    private static Dictionary<string, Type> CompiledTypes(Type kind, bool quantized = false) => typeof(ReferenceModelCatalog).Assembly.GetTypes()
        .Select(type => (Type: type, Attribute: type.GetCustomAttribute<GruModelAttribute>()))
        .Where(pair => pair.Attribute is not null && kind.IsAssignableFrom(pair.Type) && (pair.Attribute.Weights != GruWeightType.Float32) == quantized)
        .ToDictionary(pair => CaseName(pair.Attribute!.Path) + (quantized ? ":" + pair.Attribute!.Weights.ToString().ToLowerInvariant() : ""), pair => pair.Type, StringComparer.Ordinal);

    private static readonly Dictionary<string, Type> QuantizedTypes = CompiledTypes(typeof(IGruModel), quantized: true);

    private static readonly Dictionary<string, Type> QuantizedSequenceTypes = CompiledTypes(typeof(IGruSequenceModel), quantized: true);

    /// <summary>Every quantised model ("case:int8", "case:float16"), streaming or not, in ordinal order.</summary>
    public static readonly string[] QuantizedNames = QuantizedTypes.Keys.Concat(QuantizedSequenceTypes.Keys).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Calls <paramref name="visitor"/> or <paramref name="sequenceVisitor"/> with the type compiled for quantised case <paramref name="key"/>.</summary>
    public static void VisitQuantized(string key, IModelVisitor visitor, ISequenceModelVisitor sequenceVisitor)
    {
        if (QuantizedTypes.TryGetValue(key, out Type? type))
            VisitMethod.MakeGenericMethod(type).Invoke(visitor, BindingFlags.DoNotWrapExceptions, binder: null, [key], culture: null);
        else if (QuantizedSequenceTypes.TryGetValue(key, out type))
            VisitSequenceMethod.MakeGenericMethod(type).Invoke(sequenceVisitor, BindingFlags.DoNotWrapExceptions, binder: null, [key], culture: null);
        else
            throw new ArgumentException($"No compiled quantised model is named '{key}'.", nameof(key));
    }

    private static readonly MethodInfo VisitMethod = typeof(IModelVisitor).GetMethod(nameof(IModelVisitor.Visit))!;

    /// <summary>Every case name that has a compiled type, in ordinal order.</summary>
    public static readonly string[] Names = Types.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Calls <paramref name="visitor"/> with the type compiled from case <paramref name="name"/>.</summary>
    public static void Visit(string name, IModelVisitor visitor)
    {
        if (!Types.TryGetValue(name, out Type? type))
            throw new ArgumentException($"No compiled reference model is named '{name}'.", nameof(name));
        VisitMethod.MakeGenericMethod(type).Invoke(visitor, BindingFlags.DoNotWrapExceptions, binder: null, [name], culture: null);
    }

    // "Models/onnx/onnx_base.onnx" → "onnx_base"; "Models/tiny.gru.json" → "tiny".
    private static string CaseName(string path)
    {
        string file = Path.GetFileName(path);
        return file.EndsWith(".gru.json", StringComparison.Ordinal) ? file[..^".gru.json".Length] : Path.GetFileNameWithoutExtension(file);
    }
}
