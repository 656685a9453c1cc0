using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>ONNX reference case <c>onnx_gru_only</c> (torch): Bare nn.GRU(3, 5) exported with both outputs (y, h_n); y = the hidden state.</summary>
[GruModel("Models/onnx/onnx_gru_only.onnx")]
public partial struct OnnxGruOnly : IRunFinal;

/// <summary>ONNX reference case <c>onnx_bf_stacked2_linear3</c> (torch): batch_first, nn.GRU(4, 8, num_layers=2), Linear(8, 3), no activation.</summary>
[GruModel("Models/onnx/onnx_bf_stacked2_linear3.onnx")]
public partial class OnnxBfStacked2Linear3 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_stacked3_softmax4</c> (torch): nn.GRU(2, 6, num_layers=3), Linear(6, 4), Softmax(dim=-1).</summary>
[GruModel("Models/onnx/onnx_stacked3_softmax4.onnx")]
public partial record struct OnnxStacked3Softmax4 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_bf_stacked4_sigmoid2</c> (torch): batch_first, nn.GRU(3, 5, num_layers=4), Linear(5, 2), Sigmoid.</summary>
[GruModel("Models/onnx/onnx_bf_stacked4_sigmoid2.onnx")]
public partial record class OnnxBfStacked4Sigmoid2 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_nobias_tanh3</c> (torch): nn.GRU(5, 7, bias=False), Linear(7, 3, bias=False), Tanh.</summary>
[GruModel("Models/onnx/onnx_nobias_tanh3.onnx")]
public partial struct OnnxNobiasTanh3 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_bf_nobias_gru_relu4</c> (torch): batch_first, nn.GRU(3, 16, num_layers=2, bias=False), Linear(16, 4) with bias, ReLU.</summary>
[GruModel("Models/onnx/onnx_bf_nobias_gru_relu4.onnx")]
public partial class OnnxBfNobiasGruRelu4 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_in16_h64_sigmoid1</c> (torch): nn.GRU(16, 64), Linear(64, 1), Sigmoid.</summary>
[GruModel("Models/onnx/onnx_in16_h64_sigmoid1.onnx")]
public partial record struct OnnxIn16H64Sigmoid1 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_static_stacked2_h32</c> (torch): nn.GRU(1, 32, num_layers=2), Linear(32, 1); exported without dynamic_axes (static input shape [60, 1, 1]).</summary>
[GruModel("Models/onnx/onnx_static_stacked2_h32.onnx")]
public partial record class OnnxStaticStacked2H32 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_classifier_h13</c> (torch): Sequence classifier: batch_first nn.GRU(3, 13), output softmax(Linear(13, 4)(y[:, -1, :])) -- last step only; the reference holds softmax(fc(y_t)) for every step.</summary>
[GruModel("Models/onnx/onnx_classifier_h13.onnx")]
public partial struct OnnxClassifierH13 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_stacked3_softmax4_nofold</c> (torch): Same module as onnx_stacked3_softmax4, exported with do_constant_folding=False (GRU weights computed by Slice/Concat/Unsqueeze from the raw PyTorch parameters).</summary>
[GruModel("Models/onnx/onnx_stacked3_softmax4_nofold.onnx")]
public partial class OnnxStacked3Softmax4Nofold : IRunFinal;

/// <summary>ONNX reference case <c>onnx_base</c> (torch): Base of the hand-built variants: nn.GRU(3, 8), Linear(8, 2), no activation.</summary>
[GruModel("Models/onnx/onnx_base.onnx")]
public partial record struct OnnxBase : IRunFinal;

/// <summary>ONNX reference case <c>onnx_node_cho_h5</c> (onnx-node): onnx.helper graph: GRU (layout 0, linear_before_reset 0, with B; Y_h output name empty) -- Squeeze(axes [1]) -- y [T,1,5].</summary>
[GruModel("Models/onnx/onnx_node_cho_h5.onnx")]
public partial record class OnnxNodeChoH5 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_node_layout1_nob_h6</c> (onnx-node): onnx.helper graph: GRU (layout 1, linear_before_reset 0, B absent; Y_h named but unused), X [1,T,4] -- Squeeze(axes [2]) -- y [1,T,6].</summary>
[GruModel("Models/onnx/onnx_node_layout1_nob_h6.onnx")]
public partial struct OnnxNodeLayout1NobH6 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_node_layout1_h0_h3</c> (onnx-node): onnx.helper graph: GRU (layout 1, linear_before_reset 1, with B, initial_h = zeros [1,1,3] initializer) -- Squeeze(axes [2]) -- y [1,T,3].</summary>
[GruModel("Models/onnx/onnx_node_layout1_h0_h3.onnx")]
public partial class OnnxNodeLayout1H0H3 : IRunFinal;

/// <summary>ONNX reference case <c>onnx_node_stacked_float_data</c> (onnx-node): onnx.helper graph, weights in float_data: GRU 7 -- Squeeze -- GRU 4 -- Squeeze -- MatMul [4,2] -- Add [2] -- Tanh (linear_before_reset 0).</summary>
[GruModel("Models/onnx/onnx_node_stacked_float_data.onnx")]
public partial record struct OnnxNodeStackedFloatData : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_expand</c> (variant): onnx_base with the zero initial state made by Expand(Constant 0.0 [1], shape) instead of ConstantOfShape.</summary>
[GruModel("Models/onnx/onnx_v_expand.onnx")]
public partial record class OnnxVExpand : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_gemm</c> (variant): onnx_base with MatMul + Add replaced by Reshape [-1,8] -- Gemm(transB=1, weight [2,8], bias) -- Reshape to Concat(Slice(Shape(x), 0, 2), [2]).</summary>
[GruModel("Models/onnx/onnx_v_gemm.onnx")]
public partial struct OnnxVGemm : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_reshape</c> (variant): onnx_base with Squeeze of the direction axis replaced by Reshape(Y, [0,-1,8]).</summary>
[GruModel("Models/onnx/onnx_v_reshape.onnx")]
public partial class OnnxVReshape : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_constants</c> (variant): onnx_base with every initializer replaced by a Constant node (graph.initializer empty).</summary>
[GruModel("Models/onnx/onnx_v_constants.onnx")]
public partial record struct OnnxVConstants : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_identity</c> (variant): onnx_base with an Identity node after every node output that feeds another node.</summary>
[GruModel("Models/onnx/onnx_v_identity.onnx")]
public partial record class OnnxVIdentity : IRunFinal;

/// <summary>ONNX reference case <c>onnx_v_float_data</c> (variant): onnx_base with every float initializer stored in float_data instead of raw_data.</summary>
[GruModel("Models/onnx/onnx_v_float_data.onnx")]
public partial struct OnnxVFloatData : IRunFinal;

/// <summary>Reference case <c>onnx_layered_front_ln_bn_acts</c>: opset 17, Linear + Relu before the GRU, LayerNormalization, BatchNormalization, LeakyRelu, Elu, Clip, HardSigmoid, LogSoftmax.</summary>
[GruModel("Models/onnx/onnx_layered_front_ln_bn_acts.onnx")]
public partial struct OnnxLayeredFrontLnBnActs : IRunFinal;

/// <summary>Reference case <c>onnx_layered_gru_dense_gru</c>: opset 14, two GRU blocks separated by Linear + Tanh, PRelu, Clip (ReLU6), Sigmoid.</summary>
[GruModel("Models/onnx/onnx_layered_gru_dense_gru.onnx")]
public partial class OnnxLayeredGruDenseGru : IRunFinal;

/// <summary>Reference case <c>onnx_opset22_gelu</c>: opset 22 by hand, GRU, Gelu (tanh), MatMul + Add, Gelu (erf), PRelu per feature.</summary>
[GruModel("Models/onnx/onnx_opset22_gelu.onnx")]
public partial record struct OnnxOpset22Gelu : IRunFinal;

/// <summary>Reference case <c>onnx_decomposed_opset14</c>: opset 14, LayerNorm, GELU (both forms), SiLU and Softsign as PyTorch 1.13 decomposes them.</summary>
[GruModel("Models/onnx/onnx_decomposed_opset14.onnx")]
public partial struct OnnxDecomposedOpset14 : IRunFinal;

/// <summary>Reference case <c>onnx_hn_last_stacked2</c>: fc(h_n[-1]) of a two-layer GRU + Sigmoid (output at the last step only).</summary>
[GruModel("Models/onnx/onnx_hn_last_stacked2.onnx")]
public partial class OnnxHnLastStacked2 : IRunFinal;

/// <summary>Reference case <c>onnx_input_bn_clamp</c>: BatchNormalization on the graph input, GRU, a Clip with one bound, Linear.</summary>
[GruModel("Models/onnx/onnx_input_bn_clamp.onnx")]
public partial record struct OnnxInputBnClamp : IRunFinal;

/// <summary>Reference case <c>onnx_official_gru_defaults_opset22</c>: onnx 1.12's test_gru_defaults at opset 22 (Y_h only).</summary>
[GruModel("Models/onnx/onnx_official_gru_defaults_opset22.onnx")]
public partial struct OnnxOfficialGruDefaultsOpset22 : IRunFinal;

/// <summary>Reference case <c>onnx_official_gru_with_initial_bias_opset22</c>: onnx 1.12's test_gru_with_initial_bias at opset 22.</summary>
[GruModel("Models/onnx/onnx_official_gru_with_initial_bias_opset22.onnx")]
public partial class OnnxOfficialGruWithInitialBiasOpset22 : IRunFinal;

/// <summary>Reference case <c>onnx_official_gru_seq_length_opset22</c>: onnx 1.12's test_gru_seq_length at opset 22 (weights seeded).</summary>
[GruModel("Models/onnx/onnx_official_gru_seq_length_opset22.onnx")]
public partial struct OnnxOfficialGruSeqLengthOpset22 : IRunFinal;

/// <summary>Reference case <c>onnx_official_gru_batchwise_opset22</c>: onnx 1.12's test_gru_batchwise (layout 1) at opset 22.</summary>
[GruModel("Models/onnx/onnx_official_gru_batchwise_opset22.onnx")]
public partial record class OnnxOfficialGruBatchwiseOpset22 : IRunFinal;

/// <summary>Reference case <c>onnx_arithmetic_std_scale</c>: (x − mean) / std in forward, GRU, Linear, then 1 − (−(y · 2.5) + shift): arithmetic layers from Sub, Div, Mul, Neg, Add.</summary>
[GruModel("Models/onnx/onnx_arithmetic_std_scale.onnx")]
public partial struct OnnxArithmeticStdScale : IRunFinal;

/// <summary>Reference case <c>onnx_h0_expand_bf_stacked2</c>: nn.GRU(num_layers=2, batch_first) from a learned h0 expanded to the batch (Shape, Equal, Where, Expand, a Slice per layer), Linear 2.</summary>
[GruModel("Models/onnx/onnx_h0_expand_bf_stacked2.onnx")]
public partial struct OnnxH0ExpandBfStacked2 : IRunFinal;

/// <summary>Reference case <c>onnx_h0_repeat</c>: GRU 6 from a learned h0 tiled to the batch (Expand, Tile), Linear 3 + Tanh.</summary>
[GruModel("Models/onnx/onnx_h0_repeat.onnx")]
public partial class OnnxH0Repeat : IRunFinal;

/// <summary>Reference case <c>onnx_h0_plain_stacked2</c>: nn.GRU(num_layers=2) from a learned h0 of batch 1 (an initializer per layer), Linear 2.</summary>
[GruModel("Models/onnx/onnx_h0_plain_stacked2.onnx")]
public partial record struct OnnxH0PlainStacked2 : IRunFinal;

/// <summary>Reference case <c>onnx_node_clip_cho_h0</c>: a GRU node with clip 0.6, linear_before_reset 0 and a constant initial_h.</summary>
[GruModel("Models/onnx/onnx_node_clip_cho_h0.onnx")]
public partial struct OnnxNodeClipChoH0 : IRunFinal;

/// <summary>Reference case <c>onnx_node_clip_layout1_h0</c>: a GRU node, layout 1, clip 1.5, linear_before_reset 1, a constant initial_h.</summary>
[GruModel("Models/onnx/onnx_node_clip_layout1_h0.onnx")]
public partial class OnnxNodeClipLayout1H0 : IRunFinal;

/// <summary>Reference case <c>onnx_h0_expand_single</c>: one GRU 6 from a learned h0 expanded to the batch (no Slice: the shape's −1s read as −1), Linear 2.</summary>
[GruModel("Models/onnx/onnx_h0_expand_single.onnx")]
public partial struct OnnxH0ExpandSingle : IRunFinal;
