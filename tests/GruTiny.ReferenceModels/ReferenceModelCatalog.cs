namespace GruTiny.ReferenceModels;

/// <summary>Calls back with the compiled type of a reference case, so tests run generic (unboxed) code per model.</summary>
public interface IModelVisitor
{
    /// <summary>Called with the compiled model type.</summary>
    void Visit<T>(string name) where T : IGruModel, IRunFinal, new();
}

/// <summary>The compiled reference models by case name (tools/make_reference.py writes the cases).</summary>
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
            default: throw new System.ArgumentException($"No compiled reference model is named '{name}'.", nameof(name));
        }
    }
}
