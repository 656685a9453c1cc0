using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>Reference case <c>bi_in3_h6_linear2</c>: nn.GRU(3, 6, bidirectional=True), Linear 2 on every step; with the self-check of the module's forward.</summary>
[GruModel("Models/sequence/bi_in3_h6_linear2.gru.json")]
public partial struct BiIn3H6Linear2;

/// <summary>Reference case <c>bi_stacked2_h0_in4_h8_tanh3</c>: nn.GRU(4, 8, num_layers=2, bidirectional=True) from a learned h0, Linear 3 + Tanh.</summary>
[GruModel("Models/sequence/bi_stacked2_h0_in4_h8_tanh3.gru.json")]
public partial class BiStacked2H0In4H8Tanh3;

/// <summary>Reference case <c>bi_classifier_in5_h12_softmax4</c>: nn.GRU(5, 12, bidirectional=True), Linear 4 + Softmax on the last step (self-check of every prefix).</summary>
[GruModel("Models/sequence/bi_classifier_in5_h12_softmax4.gru.json")]
public partial record struct BiClassifierIn5H12Softmax4;

/// <summary>Reference case <c>reverse_cho_clip_h0_in3_h6_h5_linear2</c>: gru 6 forward, gru 5 reverse (Cho, clip 0.8, an initial state), dense 2.</summary>
[GruModel("Models/sequence/reverse_cho_clip_h0_in3_h6_h5_linear2.gru.json")]
public partial record class ReverseChoClipH0In3H6H5Linear2;

/// <summary>Reference case <c>onnx_bi_stacked2_bf</c>: nn.GRU(num_layers=2, batch_first, bidirectional) exported to ONNX, Linear 2.</summary>
[GruModel("Models/sequence/onnx_bi_stacked2_bf.onnx")]
public partial struct OnnxBiStacked2Bf;

/// <summary>Reference case <c>onnx_bi_classifier_h0</c>: a bidirectional GRU from a learned h0 expanded to the batch, Linear 3 + Softmax on y[-1], from ONNX.</summary>
[GruModel("Models/sequence/onnx_bi_classifier_h0.onnx")]
public partial class OnnxBiClassifierH0;

/// <summary>Reference case <c>onnx_node_reverse_clip_h0</c>: a GRU node with direction reverse, clip, linear_before_reset 0 and an initial_h.</summary>
[GruModel("Models/sequence/onnx_node_reverse_clip_h0.onnx")]
public partial struct OnnxNodeReverseClipH0;

/// <summary>Reference case <c>onnx_node_bidirectional_layout1</c>: a bidirectional GRU node with layout 1 and an initial_h, Y reshaped to 2H features.</summary>
[GruModel("Models/sequence/onnx_node_bidirectional_layout1.onnx")]
public partial record struct OnnxNodeBidirectionalLayout1;
