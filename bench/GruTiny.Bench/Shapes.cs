using System;
using GruTiny;

namespace GruTiny.Bench;

// The six shapes of the performance issues, with random weights written under obj/bench-models/ by the project file
// before compilation (file name in{I}_h{H}x{L}[_d{O}]). bench/rtneural/baseline.cpp compiles the same six for RTNeural.

/// <summary>GRU 16 → 16.</summary>
[GruModel("obj/bench-models/in16_h16x1.gru.json")] public partial struct In16H16;

/// <summary>GRU 8 → 64, dense 4.</summary>
[GruModel("obj/bench-models/in8_h64x1_d4.gru.json")] public partial struct In8H64D4;

/// <summary>GRU 64 → 64.</summary>
[GruModel("obj/bench-models/in64_h64x1.gru.json")] public partial struct In64H64;

/// <summary>GRU 16 → 128, dense 16.</summary>
[GruModel("obj/bench-models/in16_h128x1_d16.gru.json")] public partial struct In16H128D16;

/// <summary>GRU 1 → 32 → 32, dense 1.</summary>
[GruModel("obj/bench-models/in1_h32x2_d1.gru.json")] public partial struct In1H32x2D1;

/// <summary>GRU 32 → 256 → 256, dense 1.</summary>
[GruModel("obj/bench-models/in32_h256x2_d1.gru.json")] public partial struct In32H256x2D1;

/// <summary>GRU 16 → 16, int8 weights.</summary>
[GruModel("obj/bench-models/in16_h16x1.gru.json", Weights = GruWeightType.Int8)] public partial struct In16H16Int8;

/// <summary>GRU 16 → 16, float16 weights.</summary>
[GruModel("obj/bench-models/in16_h16x1.gru.json", Weights = GruWeightType.Float16)] public partial struct In16H16Float16;

/// <summary>GRU 8 → 64, dense 4, int8 weights.</summary>
[GruModel("obj/bench-models/in8_h64x1_d4.gru.json", Weights = GruWeightType.Int8)] public partial struct In8H64D4Int8;

/// <summary>GRU 8 → 64, dense 4, float16 weights.</summary>
[GruModel("obj/bench-models/in8_h64x1_d4.gru.json", Weights = GruWeightType.Float16)] public partial struct In8H64D4Float16;

/// <summary>GRU 64 → 64, int8 weights.</summary>
[GruModel("obj/bench-models/in64_h64x1.gru.json", Weights = GruWeightType.Int8)] public partial struct In64H64Int8;

/// <summary>GRU 64 → 64, float16 weights.</summary>
[GruModel("obj/bench-models/in64_h64x1.gru.json", Weights = GruWeightType.Float16)] public partial struct In64H64Float16;

/// <summary>GRU 16 → 128, dense 16, int8 weights.</summary>
[GruModel("obj/bench-models/in16_h128x1_d16.gru.json", Weights = GruWeightType.Int8)] public partial struct In16H128D16Int8;

/// <summary>GRU 16 → 128, dense 16, float16 weights.</summary>
[GruModel("obj/bench-models/in16_h128x1_d16.gru.json", Weights = GruWeightType.Float16)] public partial struct In16H128D16Float16;

/// <summary>GRU 1 → 32 → 32, dense 1, int8 weights.</summary>
[GruModel("obj/bench-models/in1_h32x2_d1.gru.json", Weights = GruWeightType.Int8)] public partial struct In1H32x2D1Int8;

/// <summary>GRU 1 → 32 → 32, dense 1, float16 weights.</summary>
[GruModel("obj/bench-models/in1_h32x2_d1.gru.json", Weights = GruWeightType.Float16)] public partial struct In1H32x2D1Float16;

/// <summary>GRU 32 → 256 → 256, dense 1, int8 weights.</summary>
[GruModel("obj/bench-models/in32_h256x2_d1.gru.json", Weights = GruWeightType.Int8)] public partial struct In32H256x2D1Int8;

/// <summary>GRU 32 → 256 → 256, dense 1, float16 weights.</summary>
[GruModel("obj/bench-models/in32_h256x2_d1.gru.json", Weights = GruWeightType.Float16)] public partial struct In32H256x2D1Float16;

/// <summary>The six shapes: a short label, the model file's name (without <c>.gru.json</c>) and the generated type.</summary>
internal static class BenchShapes
{
    public static readonly (string Label, string File, Type Type)[] All =
    [
        ("16→16", "in16_h16x1", typeof(In16H16)),
        ("8→64+4", "in8_h64x1_d4", typeof(In8H64D4)),
        ("64→64", "in64_h64x1", typeof(In64H64)),
        ("16→128+16", "in16_h128x1_d16", typeof(In16H128D16)),
        ("1→32×2+1", "in1_h32x2_d1", typeof(In1H32x2D1)),
        ("32→256×2+1", "in32_h256x2_d1", typeof(In32H256x2D1)),
    ];

    /// <summary>The six shapes compiled with <paramref name="weights"/> (the same files, labels and order as <see cref="All"/>).</summary>
    public static (string Label, string File, Type Type)[] For(GruWeightType weights) => weights switch
    {
        GruWeightType.Int8 =>
        [
            ("16→16", "in16_h16x1", typeof(In16H16Int8)), ("8→64+4", "in8_h64x1_d4", typeof(In8H64D4Int8)), ("64→64", "in64_h64x1", typeof(In64H64Int8)),
            ("16→128+16", "in16_h128x1_d16", typeof(In16H128D16Int8)), ("1→32×2+1", "in1_h32x2_d1", typeof(In1H32x2D1Int8)), ("32→256×2+1", "in32_h256x2_d1", typeof(In32H256x2D1Int8)),
        ],
        GruWeightType.Float16 =>
        [
            ("16→16", "in16_h16x1", typeof(In16H16Float16)), ("8→64+4", "in8_h64x1_d4", typeof(In8H64D4Float16)), ("64→64", "in64_h64x1", typeof(In64H64Float16)),
            ("16→128+16", "in16_h128x1_d16", typeof(In16H128D16Float16)), ("1→32×2+1", "in1_h32x2_d1", typeof(In1H32x2D1Float16)), ("32→256×2+1", "in32_h256x2_d1", typeof(In32H256x2D1Float16)),
        ],
        _ => All,
    };

    /// <summary>The check file of a shape for a weight type: the float64 reference over the dequantised weights (<see cref="CheckData"/>).</summary>
    public static string CheckFile(string file, GruWeightType weights) =>
        weights == GruWeightType.Float32 ? file + ".check.txt" : $"{file}.{GruTiny.Model.WeightQuantizer.Name(weights)}.check.txt";

    /// <summary>The model file's JSON text, from the assembly's resources (BenchmarkDotNet runs from its own folder).</summary>
    public static string Json(string file)
    {
        var assembly = typeof(BenchShapes).Assembly;
        string name = Array.Find(assembly.GetManifestResourceNames(), n => n.EndsWith(file + ".gru.json", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file}.gru.json is not embedded in {assembly.GetName().Name}.");
        using var reader = new System.IO.StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    public static string FileOf(Type type) => Array.Find(All, s => s.Type == type).File
        ?? throw new InvalidOperationException($"{type.Name} is not a benchmark shape.");
}
