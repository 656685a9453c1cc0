using GruTiny;

namespace GruTiny.ReferenceModels;

// Reference cases compiled again with quantised weights ([GruModel(…, Weights = …)]): every layer kind that
// quantises (GRU of both variants and directions, dense with fused and separate activations, an embedding), every
// group of strips the kernels take, normalisation, clip, an initial state and an ONNX file. QuantizedParityTests
// compares them with the float64 reference over the dequantised weights; the catalog lists them by
// "case:int8" / "case:float16".

/// <summary>Reference case <c>tiny</c> with int8 weights.</summary>
[GruModel("Models/tiny.gru.json", Weights = GruWeightType.Int8)]
public partial struct TinyInt8 : IRunFinal;

/// <summary>Reference case <c>tiny</c> with float16 weights.</summary>
[GruModel("Models/tiny.gru.json", Weights = GruWeightType.Float16)]
public partial struct TinyFloat16 : IRunFinal;

/// <summary>Reference case <c>in7_h32_relu16_linear3</c> with int8 weights.</summary>
[GruModel("Models/in7_h32_relu16_linear3.gru.json", Weights = GruWeightType.Int8)]
public partial struct In7H32Relu16Linear3Int8 : IRunFinal;

/// <summary>Reference case <c>in7_h32_relu16_linear3</c> with float16 weights.</summary>
[GruModel("Models/in7_h32_relu16_linear3.gru.json", Weights = GruWeightType.Float16)]
public partial struct In7H32Relu16Linear3Float16 : IRunFinal;

/// <summary>Reference case <c>in16_h128_identity8</c> with int8 weights.</summary>
[GruModel("Models/in16_h128_identity8.gru.json", Weights = GruWeightType.Int8)]
public partial class In16H128Identity8Int8 : IRunFinal;

/// <summary>Reference case <c>in16_h128_identity8</c> with float16 weights.</summary>
[GruModel("Models/in16_h128_identity8.gru.json", Weights = GruWeightType.Float16)]
public partial class In16H128Identity8Float16 : IRunFinal;

/// <summary>Reference case <c>stacked2_in16_h128_h64_softmax10</c> with int8 weights.</summary>
[GruModel("Models/stacked2_in16_h128_h64_softmax10.gru.json", Weights = GruWeightType.Int8)]
public partial struct Stacked2In16H128H64Softmax10Int8 : IRunFinal;

/// <summary>Reference case <c>stacked2_in16_h128_h64_softmax10</c> with float16 weights.</summary>
[GruModel("Models/stacked2_in16_h128_h64_softmax10.gru.json", Weights = GruWeightType.Float16)]
public partial struct Stacked2In16H128H64Softmax10Float16 : IRunFinal;

/// <summary>Reference case <c>cho_in16_h64_tanh4</c> with int8 weights.</summary>
[GruModel("Models/cho_in16_h64_tanh4.gru.json", Weights = GruWeightType.Int8)]
public partial struct ChoIn16H64Tanh4Int8 : IRunFinal;

/// <summary>Reference case <c>cho_in16_h64_tanh4</c> with float16 weights.</summary>
[GruModel("Models/cho_in16_h64_tanh4.gru.json", Weights = GruWeightType.Float16)]
public partial struct ChoIn16H64Tanh4Float16 : IRunFinal;

/// <summary>Reference case <c>cho_in7_h13_relu8_softmax3</c> with int8 weights.</summary>
[GruModel("Models/cho_in7_h13_relu8_softmax3.gru.json", Weights = GruWeightType.Int8)]
public partial class ChoIn7H13Relu8Softmax3Int8 : IRunFinal;

/// <summary>Reference case <c>cho_in7_h13_relu8_softmax3</c> with float16 weights.</summary>
[GruModel("Models/cho_in7_h13_relu8_softmax3.gru.json", Weights = GruWeightType.Float16)]
public partial class ChoIn7H13Relu8Softmax3Float16 : IRunFinal;

/// <summary>Reference case <c>stacked3_in3_h13_h32_h5</c> with int8 weights.</summary>
[GruModel("Models/stacked3_in3_h13_h32_h5.gru.json", Weights = GruWeightType.Int8)]
public partial struct Stacked3In3H13H32H5Int8 : IRunFinal;

/// <summary>Reference case <c>stacked3_in3_h13_h32_h5</c> with float16 weights.</summary>
[GruModel("Models/stacked3_in3_h13_h32_h5.gru.json", Weights = GruWeightType.Float16)]
public partial struct Stacked3In3H13H32H5Float16 : IRunFinal;

/// <summary>Reference case <c>norm_in_out_in2_h8_linear1</c> with int8 weights.</summary>
[GruModel("Models/normalized/norm_in_out_in2_h8_linear1.gru.json", Weights = GruWeightType.Int8)]
public partial struct NormInOutIn2H8Linear1Int8 : IRunFinal;

/// <summary>Reference case <c>norm_in_out_in2_h8_linear1</c> with float16 weights.</summary>
[GruModel("Models/normalized/norm_in_out_in2_h8_linear1.gru.json", Weights = GruWeightType.Float16)]
public partial struct NormInOutIn2H8Linear1Float16 : IRunFinal;

/// <summary>Reference case <c>emb_v30_d7_h16x2_linear5</c> with int8 weights.</summary>
[GruModel("Models/embedding/emb_v30_d7_h16x2_linear5.gru.json", Weights = GruWeightType.Int8)]
public partial struct EmbV30D7H16x2Linear5Int8 : IRunFinal;

/// <summary>Reference case <c>emb_v30_d7_h16x2_linear5</c> with float16 weights.</summary>
[GruModel("Models/embedding/emb_v30_d7_h16x2_linear5.gru.json", Weights = GruWeightType.Float16)]
public partial struct EmbV30D7H16x2Linear5Float16 : IRunFinal;

/// <summary>Reference case <c>gru_dense_gru_in3_h12_tanh7_h9_softmax4</c> with int8 weights.</summary>
[GruModel("Models/layered/gru_dense_gru_in3_h12_tanh7_h9_softmax4.gru.json", Weights = GruWeightType.Int8)]
public partial class GruDenseGruIn3H12Tanh7H9Softmax4Int8 : IRunFinal;

/// <summary>Reference case <c>gru_dense_gru_in3_h12_tanh7_h9_softmax4</c> with float16 weights.</summary>
[GruModel("Models/layered/gru_dense_gru_in3_h12_tanh7_h9_softmax4.gru.json", Weights = GruWeightType.Float16)]
public partial class GruDenseGruIn3H12Tanh7H9Softmax4Float16 : IRunFinal;

/// <summary>Reference case <c>acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh</c> with int8 weights.</summary>
[GruModel("Models/layered/acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh.gru.json", Weights = GruWeightType.Int8)]
public partial struct ActsIn4Prelu7H9Prelu1Gelutanh6SoftsignRelu6SigTanhInt8 : IRunFinal;

/// <summary>Reference case <c>acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh</c> with float16 weights.</summary>
[GruModel("Models/layered/acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh.gru.json", Weights = GruWeightType.Float16)]
public partial struct ActsIn4Prelu7H9Prelu1Gelutanh6SoftsignRelu6SigTanhFloat16 : IRunFinal;

/// <summary>Reference case <c>clip_cho_h0_in4_h9_h5_linear3</c> with int8 weights.</summary>
[GruModel("Models/layered/clip_cho_h0_in4_h9_h5_linear3.gru.json", Weights = GruWeightType.Int8)]
public partial struct ClipChoH0In4H9H5Linear3Int8 : IRunFinal;

/// <summary>Reference case <c>clip_cho_h0_in4_h9_h5_linear3</c> with float16 weights.</summary>
[GruModel("Models/layered/clip_cho_h0_in4_h9_h5_linear3.gru.json", Weights = GruWeightType.Float16)]
public partial struct ClipChoH0In4H9H5Linear3Float16 : IRunFinal;

/// <summary>Reference case <c>onnx_bf_stacked2_linear3</c> with int8 weights.</summary>
[GruModel("Models/onnx/onnx_bf_stacked2_linear3.onnx", Weights = GruWeightType.Int8)]
public partial struct OnnxBfStacked2Linear3Int8 : IRunFinal;

/// <summary>Reference case <c>onnx_bf_stacked2_linear3</c> with float16 weights.</summary>
[GruModel("Models/onnx/onnx_bf_stacked2_linear3.onnx", Weights = GruWeightType.Float16)]
public partial struct OnnxBfStacked2Linear3Float16 : IRunFinal;

/// <summary>Reference case <c>bi_stacked2_h0_in4_h8_tanh3</c> with int8 weights.</summary>
[GruModel("Models/sequence/bi_stacked2_h0_in4_h8_tanh3.gru.json", Weights = GruWeightType.Int8)]
public partial struct BiStacked2H0In4H8Tanh3Int8;

/// <summary>Reference case <c>bi_stacked2_h0_in4_h8_tanh3</c> with float16 weights.</summary>
[GruModel("Models/sequence/bi_stacked2_h0_in4_h8_tanh3.gru.json", Weights = GruWeightType.Float16)]
public partial struct BiStacked2H0In4H8Tanh3Float16;
