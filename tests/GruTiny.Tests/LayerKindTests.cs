using System;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using GruTiny.Generator;
using GruTiny.Interpreter.Layers;
using GruTiny.Model;
using GruTiny.Model.Reference;
using Xunit;

namespace GruTiny.Tests;

/// <summary>
/// docs/design.md, "Adding a layer kind": every stage registers every layer kind in its one dispatch, and a
/// kind a stage does not know is an exception there, never a silent fall-through. The kinds are found, not
/// listed: every concrete <see cref="LayerDescription"/>.
/// </summary>
public sealed class LayerKindTests
{
    private static readonly Assembly Generator = typeof(GruModelGenerator).Assembly;

    // The generator compiles its own copy of the shared code (src/GruTiny/Common), so its stages take its own
    // LayerDescription type; they are reached through reflection.
    private static readonly Type GeneratorLayerDescription = Generator.GetType("GruTiny.Model.LayerDescription", throwOnError: true)!;
    private static readonly MethodInfo EmitterFor = Generator.GetType("GruTiny.Generator.Emit.Layers.LayerEmitters", throwOnError: true)!.GetMethod("For")!;

    public static TheoryData<string> Kinds => new(LibraryKinds().Select(t => t.Name));

    [Fact]
    public void The_library_and_the_generator_know_the_same_kinds()
    {
        Assert.True(LibraryKinds().Length >= 3);
        Assert.Equal(LibraryKinds().Select(t => t.Name).Order(), GeneratorKinds().Select(t => t.Name).Order());
    }

    [Fact]
    public void The_grutiny_1_reader_has_a_reader_for_every_kind()
    {
        // ModelDescriptionReader.LayerReaders.All: the kinds a file may name, each with the description it reads.
        Type registry = typeof(ModelDescriptionReader).GetNestedType("LayerReaders", BindingFlags.NonPublic)!;
        var readers = (Array)registry.GetField("All", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var read = readers.Cast<object>().Select(r => (Type)r.GetType().GetProperty("DescriptionType")!.GetValue(r)!);
        Assert.Equal(LibraryKinds().Select(t => t.Name).Order(), read.Select(t => t.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_stage_registers_the_kind(string kind)
    {
        // The dispatch only looks at the kind; an empty instance is enough to ask it.
        var library = (LayerDescription)RuntimeHelpers.GetUninitializedObject(LibraryKinds().Single(t => t.Name == kind));
        Assert.NotNull(InterpreterLayers.For(library));
        Assert.NotNull(ReferenceLayers.For(library));
        object generator = RuntimeHelpers.GetUninitializedObject(GeneratorKinds().Single(t => t.Name == kind));
        Assert.NotNull(EmitterFor.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [generator, false, 0], null));
    }

    [Fact]
    public void A_kind_no_stage_registered_throws_at_every_dispatch()
    {
        var unknown = new UnregisteredLayer();
        Assert.Contains("InterpreterLayers.For", Assert.Throws<InvalidOperationException>(() => InterpreterLayers.For(unknown)).Message);
        Assert.Contains("ReferenceLayers.For", Assert.Throws<InvalidOperationException>(() => ReferenceLayers.For(unknown)).Message);
        Assert.Contains("UnregisteredLayer", Assert.Throws<InvalidOperationException>(() => new ReferenceModel(new ModelDescription(1, [unknown]))).Message);

        object generatorUnknown = GeneratorUnregisteredLayer();
        var error = Assert.Throws<InvalidOperationException>(() => EmitterFor.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [generatorUnknown, false, 0], null));
        Assert.Contains("LayerEmitters.For", error.Message);
    }

    private static Type[] LibraryKinds() => Concrete(typeof(LayerDescription).Assembly, typeof(LayerDescription));

    private static Type[] GeneratorKinds() => Concrete(Generator, GeneratorLayerDescription);

    private static Type[] Concrete(Assembly assembly, Type baseType) =>
        assembly.GetTypes().Where(t => !t.IsAbstract && baseType.IsAssignableFrom(t)).ToArray();

    private sealed class UnregisteredLayer() : LayerDescription(1, 1)
    {
        public override long ParameterCount => 0;

        public override LayerDescription WithWeights(WeightMap map) => this;

        public override bool Equals(LayerDescription? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => 0;
    }

    // A subclass of the generator's internal LayerDescription, made at run time: a dynamic assembly that carries
    // [IgnoresAccessChecksTo("GruTiny.Generator")] may derive from the generator's internal types.
    private static object GeneratorUnregisteredLayer()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("GruTiny.Tests.UnregisteredKinds"), AssemblyBuilderAccess.Run);
        ModuleBuilder module = assembly.DefineDynamicModule("UnregisteredKinds");

        TypeBuilder attribute = module.DefineType("System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute", TypeAttributes.Public | TypeAttributes.Class, typeof(Attribute));
        ConstructorBuilder attributeCtor = attribute.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(string)]);
        ILGenerator il = attributeCtor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Attribute).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        Type attributeType = attribute.CreateType();
        assembly.SetCustomAttribute(new CustomAttributeBuilder(attributeType.GetConstructor([typeof(string)])!, [Generator.GetName().Name!]));

        TypeBuilder layer = module.DefineType("UnregisteredGeneratorLayer", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, GeneratorLayerDescription);
        ConstructorBuilder ctor = layer.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        il = ctor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Call, GeneratorLayerDescription.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(int), typeof(int)])!);
        il.Emit(OpCodes.Ret);
        Override(layer, GeneratorLayerDescription.GetProperty("ParameterCount")!.GetMethod!, il => { il.Emit(OpCodes.Ldc_I4_0); il.Emit(OpCodes.Conv_I8); });
        Override(layer, GeneratorLayerDescription.GetMethod("Equals", [GeneratorLayerDescription])!, il => il.Emit(OpCodes.Ldc_I4_0));
        Override(layer, GeneratorLayerDescription.GetMethod("GetHashCode", Type.EmptyTypes)!, il => il.Emit(OpCodes.Ldc_I4_0));
        Override(layer, GeneratorLayerDescription.GetMethod("WithWeights")!, il => il.Emit(OpCodes.Ldarg_0));
        return Activator.CreateInstance(layer.CreateType())!;
    }

    private static void Override(TypeBuilder type, MethodInfo method, Action<ILGenerator> body)
    {
        MethodBuilder builder = type.DefineMethod(method.Name, MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.HideBySig,
            method.ReturnType, method.GetParameters().Select(p => p.ParameterType).ToArray());
        ILGenerator il = builder.GetILGenerator();
        body(il);
        il.Emit(OpCodes.Ret);
        type.DefineMethodOverride(builder, method);
    }
}
