using System.Reflection;
using GruTiny.Kernels;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// A generated model turns the direction of its GRU layers' sweeps over their recurrent weights round on every
/// step (<see cref="StripOrder"/>; that the results do not depend on it is KernelTests' "Sweeping_the_strips_…").
/// </summary>
public sealed class StripOrderTests
{
    [Fact]
    public void Each_step_turns_the_sweep_round_in_a_class_model()
    {
        var model = new Stacked2In16H128H64Softmax10();
        var output = new float[Stacked2In16H128H64Softmax10.OutputSize];
        var input = new float[Stacked2In16H128H64Softmax10.InputSize];
        Assert.False(BackwardFirst(model));
        model.Step(input, output);
        Assert.True(BackwardFirst(model));
        model.Step(input, output);
        Assert.False(BackwardFirst(model));

        model.Run(new float[3 * input.Length], new float[3 * output.Length]);
        Assert.True(BackwardFirst(model));  // three steps: turned round three times
        model.Run(new float[2 * input.Length], new float[2 * output.Length]);
        Assert.True(BackwardFirst(model));  // two: back where it was
        model.Run(new float[129 * input.Length], new float[129 * output.Length]); // in chunks: 129 steps turn it round
        Assert.False(BackwardFirst(model));
    }

    [Fact]
    public void Each_step_turns_the_sweep_round_in_a_struct_model()
    {
        var model = new In3H13Softmax4();
        var output = new float[In3H13Softmax4.OutputSize];
        model.Step(new float[In3H13Softmax4.InputSize], output);
        Assert.True(BackwardFirst(model));
        model.Reset(); // the state only: the order is not part of it
        Assert.True(BackwardFirst(model));
        model.Step(new float[In3H13Softmax4.InputSize], output);
        Assert.False(BackwardFirst(model));
    }

    private static bool BackwardFirst(object model)
    {
        FieldInfo field = model.GetType().GetField("__gruTinyStripOrder", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new Xunit.Sdk.XunitException($"{model.GetType().Name} has no StripOrder field");
        return ((StripOrder)field.GetValue(model)!).BackwardFirst;
    }
}
