using System;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>Lengths are exact, checked before any state changes, and the messages name the expected length.</summary>
public sealed class ArgumentTests
{
    [Fact]
    public void Step_rejects_wrong_lengths_naming_the_expected_length_and_keeps_the_state()
    {
        var model = new Tiny(); // input 2, output 2, state 3
        model.Step([0.5f, -0.25f], new float[2]);
        float[] before = State(ref model);

        var e = Assert.Throws<ArgumentException>(() => { var m = model; m.Step(new float[3], new float[2]); });
        Assert.Equal("input", e.ParamName);
        Assert.Contains("length 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => { var m = model; m.Step(new float[2], new float[1]); });
        Assert.Equal("output", e.ParamName);
        Assert.Contains("length 2", e.Message);

        // The class model shows that nothing changed in the very instance that threw.
        var boxed = new In1H5GruOnly();
        boxed.Step([1f], new float[5]);
        var s1 = new float[5];
        boxed.CopyStateTo(s1);
        Assert.Throws<ArgumentException>(() => boxed.Step([1f], new float[4]));
        Assert.Throws<ArgumentException>(() => boxed.Run(new float[3], new float[14]));
        Assert.Throws<ArgumentException>(() => boxed.RunFinal(new float[3], new float[4]));
        var s2 = new float[5];
        boxed.CopyStateTo(s2);
        Assert.Equal(s1, s2);
        Assert.Equal(before, State(ref model));
    }

    [Fact]
    public void Run_validates_rows_and_overlap()
    {
        var model = new In1H5GruOnly(); // input 1, output 5
        var e = Assert.Throws<ArgumentException>(() => model.Run(new float[3], new float[10]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("length 15", e.Message);

        var tiny = new Tiny();
        e = Assert.Throws<ArgumentException>(() => { var m = tiny; m.Run(new float[3], new float[2]); });
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("multiple of 2", e.Message);

        var buffer = new float[8];
        e = Assert.Throws<ArgumentException>(() => { var m = tiny; m.Run(buffer.AsSpan(0, 4), buffer.AsSpan(2, 4)); });
        Assert.Contains("overlap", e.Message);

        // T = 0 is a no-op.
        model.Run([], []);
        var state = new float[5];
        model.CopyStateTo(state);
        Assert.All(state, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void RunFinal_needs_at_least_one_step()
    {
        var model = new In1H5GruOnly();
        var e = Assert.Throws<ArgumentException>(() => model.RunFinal([], new float[5]));
        Assert.Equal("inputs", e.ParamName);
    }

    [Fact]
    public void State_methods_need_exact_lengths()
    {
        var model = new Stacked3In3H13H32H5(); // state 13 + 32 + 5
        Assert.Equal(50, Stacked3In3H13H32H5.StateSize);
        var e = Assert.Throws<ArgumentException>(() => { var m = model; m.CopyStateTo(new float[49]); });
        Assert.Contains("length 50", e.Message);
        e = Assert.Throws<ArgumentException>(() => { var m = model; m.SetState(new float[51]); });
        Assert.Contains("length 50", e.Message);
    }

    [Fact]
    public void Step_accepts_the_same_memory_for_input_and_output()
    {
        var a = new Tiny();
        var b = new Tiny();
        float[] shared = [0.3f, -0.7f];
        var separate = new float[2];
        for (int t = 0; t < 20; t++)
        {
            b.Step(shared, separate);          // separate buffers, fed the same values
            a.Step(shared, shared);            // output overwrites the input: feeding the forecast back
            Assert.Equal(separate, shared);
        }
    }

    [Fact]
    public void Sizes_are_compile_time_constants()
    {
        Span<float> input = stackalloc float[Tiny.InputSize];
        Span<float> output = stackalloc float[Tiny.OutputSize];
        Assert.Equal(2, input.Length);
        Assert.Equal(2, output.Length);
        Assert.Equal(3, Tiny.Layer0HiddenSize);
        Assert.Equal(2, Tiny.Layer1OutputSize);
        Assert.Equal(71, Tiny.ParameterCount);
        // gru 16→128: 3·128·(16+128) + 2·3·128; gru 128→64: 3·64·(128+64) + 2·3·64; dense 64→10: 10·64 + 10.
        Assert.Equal(3 * 128 * 144 + 768 + 3 * 64 * 192 + 384 + 650, Stacked2In16H128H64Softmax10.ParameterCount);
    }

    private static float[] State(ref Tiny model)
    {
        var state = new float[Tiny.StateSize];
        model.CopyStateTo(state);
        return state;
    }
}
