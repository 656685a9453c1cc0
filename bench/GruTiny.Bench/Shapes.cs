using GruTiny;

namespace GruTiny.Bench;

// The six shapes of issue #5 (RTNeural's published per-step times on this kind of machine in brackets), with
// random weights written under obj/bench-models/ by the project file before compilation.

/// <summary>GRU 16 → 16 (RTNeural ≈ 126 ns).</summary>
[GruModel("obj/bench-models/in16_h16x1.gru.json")] public partial struct In16H16;

/// <summary>GRU 8 → 64, dense 4 (RTNeural ≈ 740 ns).</summary>
[GruModel("obj/bench-models/in8_h64x1_d4.gru.json")] public partial struct In8H64D4;

/// <summary>GRU 64 → 64 (RTNeural ≈ 1.13 µs).</summary>
[GruModel("obj/bench-models/in64_h64x1.gru.json")] public partial struct In64H64;

/// <summary>GRU 16 → 128, dense 16 (RTNeural ≈ 2.4 µs).</summary>
[GruModel("obj/bench-models/in16_h128x1_d16.gru.json")] public partial struct In16H128D16;

/// <summary>GRU 1 → 32 → 32, dense 1 (RTNeural ≈ 0.52 µs).</summary>
[GruModel("obj/bench-models/in1_h32x2_d1.gru.json")] public partial struct In1H32x2D1;

/// <summary>GRU 32 → 256 → 256, dense 1 (RTNeural ≈ 30 µs).</summary>
[GruModel("obj/bench-models/in32_h256x2_d1.gru.json")] public partial struct In32H256x2D1;
