using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>Reference case <c>tiny</c>: Smallest useful model (source snapshot test): gru 3, dense 2 tanh.</summary>
[GruModel("Models/tiny.gru.json")]
public partial struct Tiny : IRunFinal;

/// <summary>Reference case <c>in1_h5_gru_only</c>: Scalar input, gru 5, no dense layer: the output is the hidden state.</summary>
[GruModel("Models/in1_h5_gru_only.gru.json")]
public partial class In1H5GruOnly : IRunFinal;

/// <summary>Reference case <c>in3_h13_softmax4</c>: gru 13, dense 4 softmax (classifier).</summary>
[GruModel("Models/in3_h13_softmax4.gru.json")]
public partial record struct In3H13Softmax4 : IRunFinal;

/// <summary>Reference case <c>in7_h32_relu16_linear3</c>: gru 32, two dense layers: 16 relu, 3 linear (no activation module).</summary>
[GruModel("Models/in7_h32_relu16_linear3.gru.json")]
public partial record class In7H32Relu16Linear3 : IRunFinal;

/// <summary>Reference case <c>in16_h64_sigmoid1</c>: gru 64, dense 1 sigmoid (binary detector).</summary>
[GruModel("Models/in16_h64_sigmoid1.gru.json")]
public partial struct In16H64Sigmoid1 : IRunFinal;

/// <summary>Reference case <c>in16_h128_identity8</c>: gru 128, dense 8 linear (exported from nn.Identity).</summary>
[GruModel("Models/in16_h128_identity8.gru.json")]
public partial class In16H128Identity8 : IRunFinal;

/// <summary>Reference case <c>in16_h5_relu4_sigmoid2</c>: Input wider than the state: gru 5, dense 4 relu, dense 2 sigmoid.</summary>
[GruModel("Models/in16_h5_relu4_sigmoid2.gru.json")]
public partial record struct In16H5Relu4Sigmoid2 : IRunFinal;

/// <summary>Reference case <c>stacked2_in3_h32x2_tanh5</c>: One nn.GRU(num_layers=2), hidden 32+32, dense 5 tanh.</summary>
[GruModel("Models/stacked2_in3_h32x2_tanh5.gru.json")]
public partial record class Stacked2In3H32x2Tanh5 : IRunFinal;

/// <summary>Reference case <c>stacked3_in3_h13_h32_h5</c>: Three nn.GRU modules 13 - 32 - 5, no dense layer.</summary>
[GruModel("Models/stacked3_in3_h13_h32_h5.gru.json")]
public partial struct Stacked3In3H13H32H5 : IRunFinal;

/// <summary>Reference case <c>stacked2_in16_h128_h64_softmax10</c>: Largest case (~94k parameters): gru 128 - gru 64, dense 10 softmax.</summary>
[GruModel("Models/stacked2_in16_h128_h64_softmax10.gru.json")]
public partial class Stacked2In16H128H64Softmax10 : IRunFinal;

/// <summary>Reference case <c>nobias_in7_h13_softmax3</c>: nn.GRU(bias=False) and nn.Linear(bias=False): no bias keys at all.</summary>
[GruModel("Models/nobias_in7_h13_softmax3.gru.json")]
public partial record struct NobiasIn7H13Softmax3 : IRunFinal;

/// <summary>Reference case <c>nobias_gru_in1_h32_sigmoid2</c>: GRU without biases, dense 2 sigmoid with bias.</summary>
[GruModel("Models/nobias_gru_in1_h32_sigmoid2.gru.json")]
public partial record class NobiasGruIn1H32Sigmoid2 : IRunFinal;

/// <summary>Reference case <c>stacked2_nobias_in7_h13x2</c>: nn.GRU(num_layers=2, bias=False), hidden 13+13, no dense layer.</summary>
[GruModel("Models/stacked2_nobias_in7_h13x2.gru.json")]
public partial struct Stacked2NobiasIn7H13x2 : IRunFinal;

/// <summary>Reference case <c>bias_hh_only_in3_h64_tanh6</c>: gru 64 with bias_hh only (bias_ih absent = zero), dense 6 tanh without bias.</summary>
[GruModel("Models/bias_hh_only_in3_h64_tanh6.gru.json")]
public partial class BiasHhOnlyIn3H64Tanh6 : IRunFinal;

/// <summary>Reference case <c>saturated_in16_h13_softmax3</c>: All weights and biases x4 so the gates saturate (about 20% of r/z pre-activations beyond +-4); gru 13, dense 3 softmax.</summary>
[GruModel("Models/saturated_in16_h13_softmax3.gru.json")]
public partial record struct SaturatedIn16H13Softmax3 : IRunFinal;

/// <summary>Reference case <c>cho_in3_h5_nobias</c>: linear_before_reset false, gru 5 without biases, no dense layer.</summary>
[GruModel("Models/cho_in3_h5_nobias.gru.json")]
public partial record class ChoIn3H5Nobias : IRunFinal;

/// <summary>Reference case <c>cho_in7_h13_relu8_softmax3</c>: linear_before_reset false, gru 13, dense 8 relu, dense 3 softmax.</summary>
[GruModel("Models/cho_in7_h13_relu8_softmax3.gru.json")]
public partial struct ChoIn7H13Relu8Softmax3 : IRunFinal;

/// <summary>Reference case <c>cho_stacked2_in1_h13_h5_sigmoid1</c>: linear_before_reset false, gru 13 - gru 5, dense 1 sigmoid.</summary>
[GruModel("Models/cho_stacked2_in1_h13_h5_sigmoid1.gru.json")]
public partial class ChoStacked2In1H13H5Sigmoid1 : IRunFinal;

/// <summary>Reference case <c>cho_in16_h64_tanh4</c>: linear_before_reset false, gru 64, dense 4 tanh.</summary>
[GruModel("Models/cho_in16_h64_tanh4.gru.json")]
public partial record struct ChoIn16H64Tanh4 : IRunFinal;

/// <summary>Reference case <c>cho_bias_hh_only_in3_h13_linear2</c>: linear_before_reset false, gru 13 with bias_hh only, dense 2 linear.</summary>
[GruModel("Models/cho_bias_hh_only_in3_h13_linear2.gru.json")]
public partial record class ChoBiasHhOnlyIn3H13Linear2 : IRunFinal;
