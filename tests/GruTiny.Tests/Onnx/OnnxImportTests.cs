using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using GruTiny.Model;
using GruTiny.Model.Onnx;
using GruTiny.Tests.Runtime;
using Xunit;

namespace GruTiny.Tests.Onnx;

/// <summary>
/// The ONNX importer on its own: hand-built variants compile to bitwise the same model as the exported one,
/// every unsupported feature gets its GRUT diagnostic naming the node, operator and attribute or input, and
/// malformed bytes (truncated, random, deeply nested, lying lengths) are diagnostics, never crashes.
/// Parity of every ONNX case, generated and interpreted, is in <see cref="ParityTests"/> and
/// <see cref="InterpreterTests"/>, which cover the grutiny/1 and ONNX cases alike.
/// </summary>
public sealed class OnnxImportTests
{
    public static string BadDirectory => Path.Combine(AppContext.BaseDirectory, "Onnx", "Bad");

    public static TheoryData<string, string> Variants
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach ((string name, string sameAs) in ReferenceCase.OnnxVariants()) data.Add(name, sameAs);
            return data;
        }
    }

    [Fact]
    public void There_are_at_least_five_hand_built_variants() =>
        Assert.True(ReferenceCase.OnnxVariants().Length >= 5);

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_hand_built_variant_compiles_to_the_same_model(string name, string sameAs)
    {
        ModelDescription variant = Read(name);
        ModelDescription original = Read(sameAs);
        Assert.True(variant.Equals(original), $"{name} differs from {sameAs}");
    }

    [Fact]
    public void Onnx_and_json_descriptions_of_one_model_compile_alike()
    {
        // The exporter's reordering (z, r, h to r, z, n) and transposes are undone exactly: the weights of the
        // ONNX base case, read back, are those PyTorch holds (the script checks the file against them), so
        // the layer sizes and kinds must be these.
        ModelDescription model = Read("onnx_stacked3_softmax4");
        Assert.Equal(2, model.InputSize);
        Assert.Equal(new[] { "gru 6", "gru 6", "gru 6", "dense 4 Softmax" }, model.Layers.Select(Describe));
        Assert.True(Read("onnx_stacked3_softmax4_nofold").Equals(model), "constant folding by GruTiny differs from the exporter's");
    }

    public static TheoryData<string, string, string[]> BadFiles
    {
        get
        {
            var data = new TheoryData<string, string, string[]>();
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(BadDirectory, "bad_cases.json")));
            foreach (JsonElement c in doc.RootElement.EnumerateArray())
                data.Add(c.GetProperty("file").GetString()!, c.GetProperty("id").GetString()!, c.GetProperty("contains").EnumerateArray().Select(e => e.GetString()!).ToArray());
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void An_unsupported_file_gets_its_diagnostic(string file, string id, string[] contains)
    {
        var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.LoadFile(Path.Combine(BadDirectory, file)));
        Assert.True(e.DiagnosticId == id, $"{file}: expected {id}, got {e.Message}");
        foreach (string part in contains) Assert.Contains(part, e.Reason);
    }

    [Fact]
    public void Every_truncation_of_a_model_is_a_diagnostic()
    {
        byte[] bytes = File.ReadAllBytes(ReferenceCase.ModelPath("onnx_base"));
        var ids = new HashSet<string>();
        for (int length = 0; length < bytes.Length; length++)
        {
            ModelFormatError error = ReadError(bytes.AsSpan(0, length).ToArray());
            ids.Add(error.Id);
        }

        Assert.Contains(ModelDiagnosticIds.OnnxMalformed, ids);
        Assert.DoesNotContain(ModelDiagnosticIds.InternalError, ids);
    }

    [Fact]
    public void Random_bytes_and_byte_flips_are_diagnostics()
    {
        var random = new Random(20261121);
        byte[] valid = File.ReadAllBytes(ReferenceCase.ModelPath("onnx_gru_only"));
        int accepted = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 400)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])valid.Clone();
                for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            // A flip inside a weight yields another valid model; anything else must be a diagnostic.
            ModelDescription? model = OnnxModelReader.TryRead(bytes, ModelDescriptionReader.DefaultMaxParameters, out ModelFormatError? error);
            if (model is not null) { accepted++; continue; }
            Assert.NotEqual(ModelDiagnosticIds.InternalError, error!.Id);
            Assert.StartsWith("GRUT0", error.Id);
        }

        Assert.InRange(accepted, 1, 1999);
    }

    [Fact]
    public void Deep_nesting_is_a_diagnostic_not_a_stack_overflow()
    {
        // graph { node { attribute { g: graph { node { attribute { g: ... } } } } } }, 10,000 levels deep.
        byte[] inner = [];
        for (int level = 0; level < 10_000; level++)
            inner = Field(1, Field(5, Field(6, inner)));
        byte[] model = [.. Field(7, inner), .. Field(8, [0x10, 17])];
        ModelFormatError error = ReadError(model);
        Assert.Equal(ModelDiagnosticIds.OnnxMalformed, error.Id);
        Assert.Contains("nested more than 64 deep", error.Message);
    }

    [Fact]
    public void A_length_beyond_the_file_is_refused_before_anything_is_allocated()
    {
        // graph: a length-delimited field claiming 2^40 bytes; then a tensor whose dims claim 2^40 floats.
        byte[] lying = [0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20];
        Assert.Equal(ModelDiagnosticIds.OnnxMalformed, ReadError(lying).Id);
        Assert.Contains("claims", ReadError(lying).Message);

        byte[] tensor = [.. Field(8, "W"u8.ToArray()), 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x10, 0x01];
        byte[] graph = [.. Field(5, tensor), .. Field(12, Field(1, "W"u8.ToArray()))];
        ModelFormatError huge = ReadError([.. Field(7, graph), .. Field(8, [0x10, 17])]);
        Assert.Equal(ModelDiagnosticIds.ModelTooLarge, huge.Id);
    }

    [Fact]
    public void Onnx_files_load_in_the_interpreter_from_a_stream_as_from_a_path()
    {
        string path = ReferenceCase.ModelPath("onnx_base");
        using FileStream stream = File.OpenRead(path);
        GruNetwork a = GruNetwork.LoadOnnx(stream), b = GruNetwork.LoadFile(path);
        var input = new float[] { 0.5f, -1, 2 };
        float[] ya = new float[2], yb = new float[2];
        a.Step(input, ya);
        b.Step(input, yb);
        Assert.Equal(ya, yb);
        Assert.Equal(330, a.ParameterCount);
    }

    private static ModelDescription Read(string name)
    {
        ModelDescription? model = OnnxModelReader.TryRead(File.ReadAllBytes(ReferenceCase.ModelPath(name)), ModelDescriptionReader.DefaultMaxParameters, out ModelFormatError? error);
        Assert.True(model is not null, $"{name}: {error}");
        return model!;
    }

    private static ModelFormatError ReadError(byte[] bytes)
    {
        ModelDescription? model = OnnxModelReader.TryRead(bytes, ModelDescriptionReader.DefaultMaxParameters, out ModelFormatError? error);
        Assert.Null(model);
        return error!;
    }

    private static string Describe(LayerDescription layer) => layer switch
    {
        GruLayerDescription g => $"gru {g.HiddenSize}",
        DenseLayerDescription d => $"dense {d.OutputSize} {d.Activation.Kind}",
        _ => "?",
    };

    /// <summary>A length-delimited protobuf field.</summary>
    internal static byte[] Field(int number, byte[] payload)
    {
        var bytes = new List<byte>();
        Varint(bytes, (ulong)(number << 3 | 2));
        Varint(bytes, (ulong)payload.Length);
        bytes.AddRange(payload);
        return bytes.ToArray();
    }

    private static void Varint(List<byte> into, ulong value)
    {
        while (value >= 0x80)
        {
            into.Add((byte)(value | 0x80));
            value >>= 7;
        }

        into.Add((byte)value);
    }
}

/// <summary>Edge cases of constant folding that once overflowed or crashed (found in review).</summary>
public sealed class ConstantFoldingTests
{
    [Theory]
    [InlineData(0, 3, long.MaxValue, 3, 0, 1)]        // a huge step takes the first element only
    [InlineData(2, -4, long.MinValue, 3, 2, 1)]       // and backwards
    [InlineData(long.MinValue, long.MaxValue, 1, 5, 0, 5)]
    [InlineData(-1, long.MaxValue, 1, 7, 6, 1)]       // the last element
    [InlineData(-1, long.MinValue, -1, 4, 3, 4)]      // all, reversed
    [InlineData(0, 1, 1, 0, 0, 0)]                    // an empty axis
    [InlineData(-1, long.MinValue, -1, 0, 0, 0)]
    public void Slice_ranges_never_overflow(long start, long end, long step, long size, long first, long count) =>
        Assert.Equal((first, count), ConstantFolding.SliceRange(start, end, step, size));

    [Fact]
    public void A_reshape_whose_product_overflows_is_refused()
    {
        var data = new ConstTensor("d", OnnxTypes.Float, [6], new float[6], null);
        Assert.Throws<InvalidOperationException>(() => ConstantFolding.Reshape(data, [9, 6148914691236517206], false, "r", m => new InvalidOperationException(m)));
    }

    [Fact]
    public void Integer_casts_wrap_to_the_target_type()
    {
        var big = new ConstTensor("b", OnnxTypes.Int64, [3], null, [(1L << 32) + 1, 300, -1]);
        Assert.Equal(new long[] { 1, 300, -1 }, ConstantFolding.Cast(big, OnnxTypes.Int32, "c", m => new InvalidOperationException(m)).Ints);
        Assert.Equal(new long[] { 1, 44, -1 }, ConstantFolding.Cast(big, OnnxTypes.Int8, "c", m => new InvalidOperationException(m)).Ints);
        Assert.Equal(new long[] { 1, 1, 1 }, ConstantFolding.Cast(big, OnnxTypes.Bool, "c", m => new InvalidOperationException(m)).Ints);
    }

    [Fact]
    public void Integer_division_overflow_is_refused()
    {
        var a = new ConstTensor("a", OnnxTypes.Int64, [1], null, [long.MinValue]);
        var b = new ConstTensor("b", OnnxTypes.Int64, [1], null, [-1]);
        Assert.Throws<InvalidOperationException>(() => ConstantFolding.Elementwise("Div", a, b, 100, "q", m => new InvalidOperationException(m)));
    }
}
