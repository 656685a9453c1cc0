using GruTiny;

namespace GruTiny.ReferenceModels;

/// <summary>Reference case <c>norm_in_out_in2_h8_linear1</c>: input_normalization (mean ~[350, -3], std ~[20, 0.5]; raw inputs drawn around those values) and output_normalization (mean 380, std 15); gru 8, dense 1 linear (regression in raw units).</summary>
[GruModel("Models/normalized/norm_in_out_in2_h8_linear1.gru.json")]
public partial struct NormInOutIn2H8Linear1 : IRunFinal;

/// <summary>Reference case <c>norm_in_only_in3_h5_softmax3</c>: input_normalization only (mean [12.5, -0.75, 1013.25], std [4.2, 0.125, 7.3]); gru 5, dense 3 softmax.</summary>
[GruModel("Models/normalized/norm_in_only_in3_h5_softmax3.gru.json")]
public partial class NormInOnlyIn3H5Softmax3 : IRunFinal;

/// <summary>Reference case <c>norm_out_only_in1_h13_h5_tanh2</c>: output_normalization only (mean [5.5, -120], std [2.3, 31.7]); gru 13 -&gt; gru 5, dense 2 tanh; standard-normal inputs.</summary>
[GruModel("Models/normalized/norm_out_only_in1_h13_h5_tanh2.gru.json")]
public partial record struct NormOutOnlyIn1H13H5Tanh2 : IRunFinal;
