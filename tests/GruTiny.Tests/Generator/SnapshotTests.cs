using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// The emitted source of one model per emitter path, compared with the reviewed copies in Snapshots/. A change
/// to the emitter shows up here as a diff to review: on mismatch the new text is written beside the snapshot
/// as *.received.txt; replace the snapshot with it once it is right. The generator's version is scrubbed, so
/// a version bump alone changes no snapshot.
/// </summary>
public sealed partial class SnapshotTests
{
    public static readonly TheoryData<string> Paths = new()
    {
        "Tiny",          // PyTorch GRU (reset after the recurrent product) + dense tanh, a struct in a namespace
        "ResetBefore",   // linear_before_reset = false (Cho 2014), no biases, a class
        "Tokens",        // embedding first: the token API and IGruTokenModel
        "Normalized",    // input_normalization and output_normalization
        "StackedDense",  // two dense layers after the GRU (intermediate dense buffers)
        "Nested",        // a record struct nested in a class, in the global namespace
        "Chunked",       // weights of one section in several literals (KernelLayout.MaxChunkFloats)
        "Activations",   // dense before the GRU, activation layers, a dense layer whose activation runs after it (prelu, gelu_tanh)
        "LayerNorm",     // layer_norm before and after the GRU, dense gelu
        "BatchNorm",     // batch_norm (folded at build time) before and after the GRU
        "Arithmetic",    // arithmetic layers (constant steps, the first into the layer's rows, the rest in place)
        "InitialState",  // GRU layers with clip and initial states: the "started" float, its state API and equality
        "Bidirectional", // a bidirectional GRU: IGruSequenceModel, the workspace, a layer type per half
        "Reverse",       // a forward GRU, then a reverse one (clip, an initial state): whole sequences, chunks from the end
        "Int8",          // int8 weights: the layer types' WeightType, packed blocks with row scales (GRU and dense)
        "Float16",       // float16 weights, linear_before_reset false (three sections)
        "TokensInt8",    // an int8 embedding: rows dequantised by EmbeddingRows
        "UnsafeTiny",    // a project with AllowUnsafeBlocks: [SkipLocalsInit] on Step, Run and RunFinal
        "UnsafeTokens",  // ... and on the token overloads
        "UnsafeBidirectional", // ... and on a sequence model's stack paths (not the workspace overloads)
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Emitted_source_matches_the_reviewed_snapshot(string path)
    {
        (string source, string model) = path switch
        {
            "Tiny" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Tiny; }", Reference("tiny.gru.json")),
            "ResetBefore" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial class ResetBefore; }", Reference("cho_in3_h5_nobias.gru.json")),
            "Tokens" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Tokens; }", Reference("embedding/emb_v5_d1_h3.gru.json")),
            "Normalized" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Normalized; }", Reference("normalized/norm_in_out_in2_h8_linear1.gru.json")),
            "StackedDense" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial class StackedDense; }", Reference("in16_h5_relu4_sigmoid2.gru.json")),
            "Nested" => ("/// <summary>O.</summary>\npublic partial class Outer { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial record struct Nested; }", Reference("tiny.gru.json")),
            "Chunked" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Chunked; }", ChunkedModel()),
            "Activations" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Activations; }", Reference("layered/acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh.gru.json")),
            "LayerNorm" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct LayerNorm; }", Reference("layered/layernorm_in5_ln_h13_ln_gelu8_linear3.gru.json")),
            "Arithmetic" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Arithmetic; }", Reference("layered/arithmetic_in3_std_h7_linear4_scale_shift.gru.json")),
            "InitialState" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct InitialState; }", Reference("layered/clip_cho_h0_in4_h9_h5_linear3.gru.json")),
            "Bidirectional" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct Bidirectional; }", Reference("sequence/bi_in3_h6_linear2.gru.json")),
            "Reverse" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial class Reverse; }", Reference("sequence/reverse_cho_clip_h0_in3_h6_h5_linear2.gru.json")),
            "Int8" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\", Weights = GruTiny.GruWeightType.Int8)] public partial struct Int8; }", Reference("tiny.gru.json")),
            "Float16" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\", Weights = GruTiny.GruWeightType.Float16)] public partial class Float16; }", Reference("cho_in3_h5_nobias.gru.json")),
            "TokensInt8" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\", Weights = GruTiny.GruWeightType.Int8)] public partial struct TokensInt8; }", Reference("embedding/emb_v5_d1_h3.gru.json")),
            "BatchNorm" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial class BatchNorm; }", Reference("layered/batchnorm_in4_bn_h11_bn_silu_linear2.gru.json")),
            "UnsafeTiny" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct UnsafeTiny; }", Reference("tiny.gru.json")),
            "UnsafeTokens" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct UnsafeTokens; }", Reference("embedding/emb_v5_d1_h3.gru.json")),
            "UnsafeBidirectional" => ("namespace Sample { /// <summary>S.</summary>\n[GruTiny.GruModel(\"m.gru.json\")] public partial struct UnsafeBidirectional; }", Reference("sequence/bi_in3_h6_linear2.gru.json")),
            _ => throw new ArgumentOutOfRangeException(nameof(path)),
        };

        CSharpCompilation compilation = CreateCompilation(source);
        if (path.StartsWith("Unsafe", StringComparison.Ordinal)) compilation = compilation.WithOptions(compilation.Options.WithAllowUnsafe(true));
        GeneratorResult result = Generate(compilation, ModelFile("m.gru.json", model));
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)); // [SkipLocalsInit] without AllowUnsafe would be CS0227
        string actual = Scrub(result.SingleSource, elideWeights: path == "Chunked");
        string name = path + ".GruModel.g.cs";
        string snapshot = Path.Combine(AppContext.BaseDirectory, "Snapshots", name + ".txt");
        string expected = File.Exists(snapshot) ? File.ReadAllText(snapshot) : "";
        if (expected != actual)
        {
            string received = Path.Combine(SnapshotSourceDirectory(), name + ".received.txt");
            File.WriteAllText(received, actual);
            Assert.Fail($"The emitted source differs from Snapshots/{name}.txt; review {received}.");
        }
    }

    [Fact]
    public void The_chunked_model_really_has_several_chunks_in_one_section()
    {
        string emitted = Generate("[GruTiny.GruModel(\"m.gru.json\")] public partial struct C;", ModelFile("m.gru.json", ChunkedModel())).SingleSource;
        // Input section: 2 blocks of (400 inputs + a bias) × 24 floats (9,624), one block per chunk; then the
        // recurrent section in one chunk, and the dense layer's. The GRU layer's chunks go into one aligned copy, the
        // input section's two back to back and the recurrent section from the next 64-byte boundary (9624 · 2 = 19248).
        Assert.Equal(2, Regex.Matches(emitted, "// 9624 floats\\.").Count);
        Assert.Contains("public static bool ContiguousSections => true;", emitted);
        Assert.Contains("1 => global::GruTiny.Kernels.AlignedWeights.Span(ref Aligned1, ref AlignedLayer, 20032, 9624, Chunk1, 9624),", emitted);
        Assert.Contains("2 => global::GruTiny.Kernels.AlignedWeights.Span(ref Aligned2, ref AlignedLayer, 20032, 19248, Chunk2, 784),", emitted);
    }

    private static string Reference(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", relative));

    // GRU 400 → 16 and a dense 1: the input section's blocks (400 × 3 × 8 floats) are one chunk each.
    private static string ChunkedModel()
    {
        var random = new Random(5);
        string Matrix(int rows, int columns) => "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ =>
            "[" + string.Join(",", Enumerable.Range(0, columns).Select(_ => ((float)(random.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]";
        string Vector(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => ((float)(random.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture))) + "]";
        return new StringBuilder("{\"format\":\"grutiny/1\",\"input_size\":400,\"layers\":[")
            .Append("{\"type\":\"gru\",\"hidden_size\":16,\"linear_before_reset\":true,\"weight_ih\":").Append(Matrix(48, 400))
            .Append(",\"weight_hh\":").Append(Matrix(48, 16)).Append(",\"bias_ih\":").Append(Vector(48)).Append(",\"bias_hh\":").Append(Vector(48)).Append('}')
            .Append(",{\"type\":\"dense\",\"activation\":\"linear\",\"weight\":").Append(Matrix(1, 16)).Append(",\"bias\":").Append(Vector(1)).Append("}]}")
            .ToString();
    }

    // The generator's version, and (for the chunked model, whose text would be ~200 KB) the weight literals.
    private static string Scrub(string text, bool elideWeights)
    {
        text = GeneratedCodeVersion().Replace(text, "$1<version>$2");
        return elideWeights ? WeightLiteral().Replace(text, m => $"=> \"<{m.Groups[1].Length} characters>\";") : text;
    }

    [GeneratedRegex("(GeneratedCode\\(\"GruTiny\\.Generator\", \")[^\"]*(\"\\))")]
    private static partial Regex GeneratedCodeVersion();

    [GeneratedRegex("=> \"((?:[^\"\\\\]|\\\\.)*)\";")]
    private static partial Regex WeightLiteral();

    // The reviewed snapshots' folder in the source tree, where *.received.txt is written for review: beside this
    // file, unless the build mapped source paths away (ContinuousIntegrationBuild), then found upwards from the
    // test output; else the test output's copy.
    private static string SnapshotSourceDirectory([CallerFilePath] string path = "")
    {
        string beside = Path.Combine(Path.GetDirectoryName(path)!, "..", "Snapshots");
        if (Directory.Exists(beside)) return beside;
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "GruTiny.Tests", "Snapshots");
            if (Directory.Exists(candidate)) return candidate;
        }

        return Path.Combine(AppContext.BaseDirectory, "Snapshots");
    }
}
