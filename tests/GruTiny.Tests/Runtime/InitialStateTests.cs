using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Models whose GRU layers start from an initial state of the model file (a learned h0): every instance that
/// has not been given a state starts from it — new, Reset, default(T), array elements, grown List storage —
/// in generated code and in GruNetwork, and the state API and equality see it.
/// </summary>
public sealed class InitialStateTests
{
    private const string Case = "h0_in3_h10_linear2";
    private const string Stacked = "clip_cho_h0_in4_h9_h5_linear3";

    [Fact]
    public void An_array_of_struct_models_steps_every_element_from_the_initial_state()
    {
        ReferenceCase reference = ReferenceCase.Load(Case);
        var models = new H0In3H10Linear2[3]; // zero-filled elements, never constructed
        var outputs = new float[models.Length][];
        for (int i = 0; i < models.Length; i++) outputs[i] = new float[reference.Steps * H0In3H10Linear2.OutputSize];
        for (int t = 0; t < reference.Steps; t++)
        {
            for (int i = 0; i < models.Length; i++)
                models[i].Step(reference.Inputs.AsSpan(t * H0In3H10Linear2.InputSize, H0In3H10Linear2.InputSize),
                    outputs[i].AsSpan(t * H0In3H10Linear2.OutputSize, H0In3H10Linear2.OutputSize));
        }

        var fresh = new float[outputs[0].Length];
        new H0In3H10Linear2().Run(reference.Inputs, fresh);
        foreach (float[] output in outputs)
        {
            Assert.Equal(fresh, output);
            AssertNearReference(reference.Outputs, output);
        }
    }

    [Fact]
    public void Grown_list_storage_and_default_start_from_the_initial_state()
    {
        ReferenceCase reference = ReferenceCase.Load(Case);
        var list = new List<H0In3H10Linear2>();
        CollectionsMarshal.SetCount(list, 2); // storage the list grew, zero-filled
        Span<H0In3H10Linear2> models = CollectionsMarshal.AsSpan(list);
        var output = new float[reference.Steps * H0In3H10Linear2.OutputSize];
        models[1].Run(reference.Inputs, output);
        AssertNearReference(reference.Outputs, output);

        H0In3H10Linear2 zero = default;
        var first = new float[H0In3H10Linear2.OutputSize];
        zero.Step(reference.Inputs.AsSpan(0, H0In3H10Linear2.InputSize), first);
        Assert.Equal(output.AsSpan(0, H0In3H10Linear2.OutputSize).ToArray(), first);
    }

    [Fact]
    public void The_state_of_a_new_or_reset_model_is_the_initial_state_of_the_file()
    {
        float[] initial = InitialStateOf(Stacked);
        var model = new ClipChoH0In4H9H5Linear3();
        var state = new float[ClipChoH0In4H9H5Linear3.StateSize];
        model.CopyStateTo(state);
        Assert.Equal(initial, state);

        var input = new float[ClipChoH0In4H9H5Linear3.InputSize];
        input.AsSpan().Fill(0.5f);
        var output = new float[ClipChoH0In4H9H5Linear3.OutputSize];
        model.Step(input, output);
        model.CopyStateTo(state);
        Assert.NotEqual(initial, state);
        Assert.NotEqual(default, model);

        model.Reset();
        model.CopyStateTo(state);
        Assert.Equal(initial, state);
        Assert.Equal(default, model);

        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(Stacked));
        var networkState = new float[network.StateSize];
        network.CopyStateTo(networkState);
        Assert.Equal(initial, networkState);
        network.Step(input, output);
        network.Reset();
        network.CopyStateTo(networkState);
        Assert.Equal(initial, networkState);
    }

    [Fact]
    public void SetState_replaces_the_initial_state_and_equality_compares_the_states_models_are_in()
    {
        float[] initial = InitialStateOf(Stacked);
        var given = new ClipChoH0In4H9H5Linear3();
        given.SetState(initial); // started, in the same state as one that has not started
        Assert.Equal(default(ClipChoH0In4H9H5Linear3), given);
        Assert.Equal(default(ClipChoH0In4H9H5Linear3).GetHashCode(), given.GetHashCode());

        var zeros = new ClipChoH0In4H9H5Linear3();
        zeros.SetState(new float[ClipChoH0In4H9H5Linear3.StateSize]); // zeros: a state, not "start from the initial one"
        var state = new float[ClipChoH0In4H9H5Linear3.StateSize];
        zeros.CopyStateTo(state);
        Assert.All(state, v => Assert.Equal(0f, v));
        Assert.NotEqual(default, zeros);

        // From zeros the model computes what GruNetwork computes from zeros, not what it computes from h0.
        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(Stacked));
        network.SetState(new float[network.StateSize]);
        ReferenceCase reference = ReferenceCase.Load(Stacked);
        var fromZeros = new float[reference.Steps * ClipChoH0In4H9H5Linear3.OutputSize];
        var expected = new float[fromZeros.Length];
        zeros.Run(reference.Inputs, fromZeros);
        network.Run(reference.Inputs, expected);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - fromZeros[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])));
        Assert.Contains(Enumerable.Range(0, 3), i => Math.Abs(fromZeros[i] - reference.Outputs[i]) > 1e-3); // h0 matters
    }

    // Every gru layer's initial_state in layer order (zeros for a layer without one).
    private static float[] InitialStateOf(string name)
    {
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(ReferenceCase.ModelPath(name)));
        return model.RootElement.GetProperty("layers").EnumerateArray()
            .Where(layer => layer.GetProperty("type").GetString() == "gru")
            .SelectMany(layer => layer.TryGetProperty("initial_state", out JsonElement h0)
                ? h0.EnumerateArray().Select(v => v.GetSingle())
                : Enumerable.Repeat(0f, layer.GetProperty("hidden_size").GetInt32()))
            .ToArray();
    }

    private static void AssertNearReference(double[] reference, float[] actual)
    {
        Assert.Equal(reference.Length, actual.Length);
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(actual[i] - reference[i]) <= 1e-5 * Math.Max(1, Math.Abs(reference[i])), $"output {i}: {actual[i]} vs {reference[i]}");
    }
}
