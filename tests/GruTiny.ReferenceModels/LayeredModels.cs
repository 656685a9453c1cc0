using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>Reference case <c>front_linear_relu_in6_d10_h16_linear2</c>: Linear 10 + ReLU before the GRU (a feature-mixing front end), gru 16, dense 2 linear.</summary>
[GruModel("Models/layered/front_linear_relu_in6_d10_h16_linear2.gru.json")]
public partial struct FrontLinearReluIn6D10H16Linear2 : IRunFinal;

/// <summary>Reference case <c>gru_dense_gru_in3_h12_tanh7_h9_softmax4</c>: Two GRU blocks separated by a dense layer: gru 12, dense 7 tanh, gru 9, dense 4 softmax.</summary>
[GruModel("Models/layered/gru_dense_gru_in3_h12_tanh7_h9_softmax4.gru.json")]
public partial class GruDenseGruIn3H12Tanh7H9Softmax4 : IRunFinal;

/// <summary>Reference case <c>dense_then_gru_last_in2_d5_h6</c>: Dense 5 tanh, then gru 6 as the last layer (the output is its hidden state).</summary>
[GruModel("Models/layered/dense_then_gru_last_in2_d5_h6.gru.json")]
public partial record struct DenseThenGruLastIn2D5H6 : IRunFinal;

/// <summary>Reference case <c>layernorm_in5_ln_h13_ln_gelu8_linear3</c>: LayerNorm on the input, gru 13, LayerNorm, dense 8 gelu (erf form), dense 3 linear.</summary>
[GruModel("Models/layered/layernorm_in5_ln_h13_ln_gelu8_linear3.gru.json")]
public partial struct LayernormIn5LnH13LnGelu8Linear3 : IRunFinal;

/// <summary>Reference case <c>batchnorm_in4_bn_h11_bn_silu_linear2</c>: BatchNorm1d (eval) on the input, gru 11, BatchNorm1d, SiLU alone, dense 2 linear.</summary>
[GruModel("Models/layered/batchnorm_in4_bn_h11_bn_silu_linear2.gru.json")]
public partial class BatchnormIn4BnH11BnSiluLinear2 : IRunFinal;

/// <summary>Reference case <c>acts_in3_h10_leaky_elu9_hardtanh_hsig6_logsoftmax5</c>: gru 10, leaky_relu 0.2 alone, dense 9 elu 0.7, hardtanh [-0.5, 0.8] alone, dense 6 hardsigmoid, dense 5 log_softmax.</summary>
[GruModel("Models/layered/acts_in3_h10_leaky_elu9_hardtanh_hsig6_logsoftmax5.gru.json")]
public partial struct ActsIn3H10LeakyElu9HardtanhHsig6Logsoftmax5 : IRunFinal;

/// <summary>Reference case <c>acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh</c>: dense 7 prelu (7 slopes), gru 9, prelu (1 slope) alone, dense 6 gelu tanh form, softsign alone, dense 6 relu6 (hardtanh 0..6), sigmoid alone, dense 5 tanh, softmax alone.</summary>
[GruModel("Models/layered/acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh.gru.json")]
public partial record class ActsIn4Prelu7H9Prelu1Gelutanh6SoftsignRelu6SigTanh : IRunFinal;

/// <summary>Reference case <c>stacked_gru_ln_in8_h16x2_ln_relu_linear4</c>: nn.GRU(num_layers=2) 16+16, LayerNorm without affine, relu alone, dense 4 linear.</summary>
[GruModel("Models/layered/stacked_gru_ln_in8_h16x2_ln_relu_linear4.gru.json")]
public partial struct StackedGruLnIn8H16x2LnReluLinear4 : IRunFinal;

/// <summary>Reference case <c>arithmetic_in3_std_h7_linear4_scale_shift</c>: arithmetic (x − mean) / std on the input, gru 7, dense 4 linear, arithmetic · 2.5 then + a shift per output.</summary>
[GruModel("Models/layered/arithmetic_in3_std_h7_linear4_scale_shift.gru.json")]
public partial class ArithmeticIn3StdH7Linear4ScaleShift : IRunFinal;

/// <summary>Reference case <c>h0_in3_h10_linear2</c>: gru 10 from a learned h0 (nn.Parameter expanded to the batch in forward), dense 2 linear; with the self-check of the module's forward.</summary>
[GruModel("Models/layered/h0_in3_h10_linear2.gru.json")]
public partial struct H0In3H10Linear2 : IRunFinal;

/// <summary>Reference case <c>h0_stacked2_in4_h8x2_tanh3</c>: nn.GRU(num_layers=2) 8+8 from a learned h0 [2, 1, 8], dense 3 tanh.</summary>
[GruModel("Models/layered/h0_stacked2_in4_h8x2_tanh3.gru.json")]
public partial class H0Stacked2In4H8x2Tanh3 : IRunFinal;

/// <summary>Reference case <c>clip_in4_h12_linear3</c>: gru 12 (linear_before_reset) with clip 0.5, dense 3 linear; float64 reference of ONNX's equations.</summary>
[GruModel("Models/layered/clip_in4_h12_linear3.gru.json")]
public partial record struct ClipIn4H12Linear3 : IRunFinal;

/// <summary>Reference case <c>clip_cho_h0_in4_h9_h5_linear3</c>: gru 9 (linear_before_reset false) with clip 0.7 and an initial state, gru 5 with an initial state, dense 3 linear; float64 reference of ONNX's equations.</summary>
[GruModel("Models/layered/clip_cho_h0_in4_h9_h5_linear3.gru.json")]
public partial struct ClipChoH0In4H9H5Linear3 : IRunFinal;
