namespace GruTiny.ReferenceModels;

/// <summary>Calls back with the compiled type of a reference case, so tests run generic (unboxed) code per model.</summary>
public interface IModelVisitor
{
    /// <summary>Called with the compiled model type.</summary>
    void Visit<T>(string name) where T : IGruModel, IRunFinal, new();
}

/// <summary>The compiled reference models by case name (tools/make_reference.py writes the cases: grutiny/1 descriptions and ONNX files).</summary>
public static class ReferenceModelCatalog
{
    /// <summary>Every case name that has a compiled type.</summary>
    public static readonly string[] Names =
    [
        "tiny",
        "in1_h5_gru_only",
        "in3_h13_softmax4",
        "in7_h32_relu16_linear3",
        "in16_h64_sigmoid1",
        "in16_h128_identity8",
        "in16_h5_relu4_sigmoid2",
        "stacked2_in3_h32x2_tanh5",
        "stacked3_in3_h13_h32_h5",
        "stacked2_in16_h128_h64_softmax10",
        "nobias_in7_h13_softmax3",
        "nobias_gru_in1_h32_sigmoid2",
        "stacked2_nobias_in7_h13x2",
        "bias_hh_only_in3_h64_tanh6",
        "saturated_in16_h13_softmax3",
        "cho_in3_h5_nobias",
        "cho_in7_h13_relu8_softmax3",
        "cho_stacked2_in1_h13_h5_sigmoid1",
        "cho_in16_h64_tanh4",
        "cho_bias_hh_only_in3_h13_linear2",
        "emb_v12_d4_h8_softmax12",
        "emb_v30_d7_h16x2_linear5",
        "emb_v5_d1_h3",
        "norm_in_out_in2_h8_linear1",
        "norm_in_only_in3_h5_softmax3",
        "norm_out_only_in1_h13_h5_tanh2",
        "onnx_gru_only",
        "onnx_bf_stacked2_linear3",
        "onnx_stacked3_softmax4",
        "onnx_bf_stacked4_sigmoid2",
        "onnx_nobias_tanh3",
        "onnx_bf_nobias_gru_relu4",
        "onnx_in16_h64_sigmoid1",
        "onnx_static_stacked2_h32",
        "onnx_classifier_h13",
        "onnx_stacked3_softmax4_nofold",
        "onnx_base",
        "onnx_node_cho_h5",
        "onnx_node_layout1_nob_h6",
        "onnx_node_layout1_h0_h3",
        "onnx_node_stacked_float_data",
        "onnx_v_expand",
        "onnx_v_gemm",
        "onnx_v_reshape",
        "onnx_v_constants",
        "onnx_v_identity",
        "onnx_v_float_data",
    ];

    /// <summary>Calls <paramref name="visitor"/> with the type compiled from case <paramref name="name"/>.</summary>
    public static void Visit(string name, IModelVisitor visitor)
    {
        switch (name)
        {
            case "tiny": visitor.Visit<Tiny>(name); break;
            case "in1_h5_gru_only": visitor.Visit<In1H5GruOnly>(name); break;
            case "in3_h13_softmax4": visitor.Visit<In3H13Softmax4>(name); break;
            case "in7_h32_relu16_linear3": visitor.Visit<In7H32Relu16Linear3>(name); break;
            case "in16_h64_sigmoid1": visitor.Visit<In16H64Sigmoid1>(name); break;
            case "in16_h128_identity8": visitor.Visit<In16H128Identity8>(name); break;
            case "in16_h5_relu4_sigmoid2": visitor.Visit<In16H5Relu4Sigmoid2>(name); break;
            case "stacked2_in3_h32x2_tanh5": visitor.Visit<Stacked2In3H32x2Tanh5>(name); break;
            case "stacked3_in3_h13_h32_h5": visitor.Visit<Stacked3In3H13H32H5>(name); break;
            case "stacked2_in16_h128_h64_softmax10": visitor.Visit<Stacked2In16H128H64Softmax10>(name); break;
            case "nobias_in7_h13_softmax3": visitor.Visit<NobiasIn7H13Softmax3>(name); break;
            case "nobias_gru_in1_h32_sigmoid2": visitor.Visit<NobiasGruIn1H32Sigmoid2>(name); break;
            case "stacked2_nobias_in7_h13x2": visitor.Visit<Stacked2NobiasIn7H13x2>(name); break;
            case "bias_hh_only_in3_h64_tanh6": visitor.Visit<BiasHhOnlyIn3H64Tanh6>(name); break;
            case "saturated_in16_h13_softmax3": visitor.Visit<SaturatedIn16H13Softmax3>(name); break;
            case "cho_in3_h5_nobias": visitor.Visit<ChoIn3H5Nobias>(name); break;
            case "cho_in7_h13_relu8_softmax3": visitor.Visit<ChoIn7H13Relu8Softmax3>(name); break;
            case "cho_stacked2_in1_h13_h5_sigmoid1": visitor.Visit<ChoStacked2In1H13H5Sigmoid1>(name); break;
            case "cho_in16_h64_tanh4": visitor.Visit<ChoIn16H64Tanh4>(name); break;
            case "cho_bias_hh_only_in3_h13_linear2": visitor.Visit<ChoBiasHhOnlyIn3H13Linear2>(name); break;
            case "onnx_gru_only": visitor.Visit<OnnxGruOnly>(name); break;
            case "onnx_bf_stacked2_linear3": visitor.Visit<OnnxBfStacked2Linear3>(name); break;
            case "onnx_stacked3_softmax4": visitor.Visit<OnnxStacked3Softmax4>(name); break;
            case "onnx_bf_stacked4_sigmoid2": visitor.Visit<OnnxBfStacked4Sigmoid2>(name); break;
            case "onnx_nobias_tanh3": visitor.Visit<OnnxNobiasTanh3>(name); break;
            case "onnx_bf_nobias_gru_relu4": visitor.Visit<OnnxBfNobiasGruRelu4>(name); break;
            case "onnx_in16_h64_sigmoid1": visitor.Visit<OnnxIn16H64Sigmoid1>(name); break;
            case "onnx_static_stacked2_h32": visitor.Visit<OnnxStaticStacked2H32>(name); break;
            case "onnx_classifier_h13": visitor.Visit<OnnxClassifierH13>(name); break;
            case "onnx_stacked3_softmax4_nofold": visitor.Visit<OnnxStacked3Softmax4Nofold>(name); break;
            case "onnx_base": visitor.Visit<OnnxBase>(name); break;
            case "onnx_node_cho_h5": visitor.Visit<OnnxNodeChoH5>(name); break;
            case "onnx_node_layout1_nob_h6": visitor.Visit<OnnxNodeLayout1NobH6>(name); break;
            case "onnx_node_layout1_h0_h3": visitor.Visit<OnnxNodeLayout1H0H3>(name); break;
            case "onnx_node_stacked_float_data": visitor.Visit<OnnxNodeStackedFloatData>(name); break;
            case "onnx_v_expand": visitor.Visit<OnnxVExpand>(name); break;
            case "onnx_v_gemm": visitor.Visit<OnnxVGemm>(name); break;
            case "onnx_v_reshape": visitor.Visit<OnnxVReshape>(name); break;
            case "onnx_v_constants": visitor.Visit<OnnxVConstants>(name); break;
            case "onnx_v_identity": visitor.Visit<OnnxVIdentity>(name); break;
            case "onnx_v_float_data": visitor.Visit<OnnxVFloatData>(name); break;
            case "norm_in_out_in2_h8_linear1": visitor.Visit<NormInOutIn2H8Linear1>(name); break;
            case "norm_in_only_in3_h5_softmax3": visitor.Visit<NormInOnlyIn3H5Softmax3>(name); break;
            case "norm_out_only_in1_h13_h5_tanh2": visitor.Visit<NormOutOnlyIn1H13H5Tanh2>(name); break;
            case "emb_v12_d4_h8_softmax12": visitor.Visit<EmbV12D4H8Softmax12>(name); break;
            case "emb_v30_d7_h16x2_linear5": visitor.Visit<EmbV30D7H16x2Linear5>(name); break;
            case "emb_v5_d1_h3": visitor.Visit<EmbV5D1H3>(name); break;
            default: throw new System.ArgumentException($"No compiled reference model is named '{name}'.", nameof(name));
        }
    }
}
