using System;
using System.Linq;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Models that read whole sequences (a reverse or bidirectional GRU), compiled at build time and loaded into
/// GruNetwork, against PyTorch (bidirectional) and the float64 ONNX equations (reverse, clip): every call a new
/// sequence from the initial state, the workspace and stack overloads alike, RunFinal the last row, sequences
/// longer than a chunk, and no allocation.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class SequenceModelTests
{
    public static TheoryData<string> Cases => new(ReferenceCase.SequenceNames());

    [Fact]
    public void Every_sequence_case_has_a_compiled_model()
    {
        Assert.NotEmpty(ReferenceCase.SequenceNames());
        Assert.Equal(ReferenceCase.SequenceNames().Order(), ReferenceModelCatalog.SequenceNames.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_model_matches_the_reference_and_keeps_its_contract(string name) =>
        ReferenceModelCatalog.VisitSequence(name, new GeneratedCheck(ReferenceCase.Load(name)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void GruNetwork_matches_the_reference_and_refuses_to_step(string name)
    {
        ReferenceCase reference = ReferenceCase.Load(name);
        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(name));
        Assert.True(network.ReadsWholeSequences);
        Assert.Equal(0, network.StateSize);
        var outputs = new float[reference.Steps * reference.OutputSize];
        network.Run(reference.Inputs, outputs);
        AssertNear(reference.Outputs, outputs, name + " GruNetwork.Run");

        var again = new float[outputs.Length];
        var workspace = new float[network.WorkspaceLength(reference.Steps)];
        network.Run(reference.Inputs, again, workspace);
        Assert.Equal(outputs, again); // a new sequence each call, the same code with the caller's workspace

        var last = new float[reference.OutputSize];
        network.RunFinal(reference.Inputs, last, workspace);
        Assert.Equal(outputs.AsSpan(outputs.Length - last.Length).ToArray(), last);

        var row = new float[reference.OutputSize];
        var error = Assert.Throws<InvalidOperationException>(() => network.Step(reference.Inputs.AsSpan(0, reference.InputSize), row));
        Assert.Contains("reads whole sequences", error.Message);
    }

    [Fact]
    public void A_streaming_GruNetwork_refuses_the_workspace_overloads()
    {
        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath("tiny"));
        Assert.False(network.ReadsWholeSequences);
        var error = Assert.Throws<InvalidOperationException>(() => network.Run(new float[network.InputSize], new float[network.OutputSize], new float[64]));
        Assert.Contains("streams", error.Message);
    }

    [Fact]
    public void Through_an_interface_GruNetwork_keeps_the_interface_promise()
    {
        GruNetwork sequence = GruNetwork.LoadFile(ReferenceCase.ModelPath("reverse_cho_clip_h0_in3_h6_h5_linear2"));
        sequence.CopyStateTo(Span<float>.Empty); // no state, though its first layer runs forward
        sequence.SetState(ReadOnlySpan<float>.Empty);
        IGruModel streaming = sequence;
        Assert.Throws<InvalidOperationException>(() => streaming.Run(new float[3], new float[2])); // it cannot continue a stream

        GruNetwork tiny = GruNetwork.LoadFile(ReferenceCase.ModelPath("tiny"));
        IGruSequenceModel whole = tiny;
        Assert.Throws<InvalidOperationException>(() => whole.Run(new float[tiny.InputSize], new float[tiny.OutputSize])); // its Run continues from the state
        Assert.Throws<InvalidOperationException>(() => whole.RunFinal(new float[tiny.InputSize], new float[tiny.OutputSize]));
    }

    [Fact]
    public void Run_without_a_workspace_refuses_a_sequence_longer_than_StackSteps()
    {
        int steps = BiIn3H6Linear2.StackSteps + 1;
        var model = new BiIn3H6Linear2();
        var error = Assert.Throws<ArgumentException>(() => model.Run(new float[steps * BiIn3H6Linear2.InputSize], new float[steps * BiIn3H6Linear2.OutputSize]));
        Assert.Contains($"WorkspaceLength({steps}) = {BiIn3H6Linear2.WorkspaceLength(steps)}", error.Message);
        var tooShort = Assert.Throws<ArgumentException>(() => model.Run(new float[2 * BiIn3H6Linear2.InputSize], new float[2 * BiIn3H6Linear2.OutputSize], new float[BiIn3H6Linear2.WorkspaceLength(2) - 1]));
        Assert.Equal("workspace", tooShort.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => BiIn3H6Linear2.WorkspaceLength(-1));
        Assert.True(BiIn3H6Linear2.StackSteps >= 16, $"StackSteps is {BiIn3H6Linear2.StackSteps}");
    }

    [Fact]
    public void Sequence_models_allocate_nothing_from_the_first_call()
    {
        AllocatedBytes<BiStacked2H0In4H8Tanh3>().AssertNone();
        AllocatedBytes<ReverseChoClipH0In3H6H5Linear2>().AssertNone();
        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath("bi_in3_h6_linear2"));
        var inputs = new float[200 * network.InputSize];
        var outputs = new float[200 * network.OutputSize];
        var workspace = new float[network.WorkspaceLength(200)];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 100; i++) network.Run(inputs, outputs, workspace);
        for (int i = 0; i < 100; i++) network.RunFinal(inputs, outputs.AsSpan(0, network.OutputSize), workspace);
        meter.Stop().AssertNone();
    }

    private static AllocationReading AllocatedBytes<T>() where T : IGruSequenceModel, new()
    {
        T model = new();
        const int Short = 3, Long = 300; // Long: several chunks, in the caller's workspace
        var inputs = new float[Long * model.InputSize];
        var outputs = new float[Long * model.OutputSize];
        var workspace = new float[model.WorkspaceLength(Long)];
        var output = new float[model.OutputSize];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 5_000; i++) model.Run(inputs.AsSpan(0, Short * model.InputSize), outputs.AsSpan(0, Short * model.OutputSize));
        for (int i = 0; i < 20; i++) model.Run(inputs, outputs, workspace);
        for (int i = 0; i < 20; i++) model.RunFinal(inputs, output, workspace);
        for (int i = 0; i < 1000; i++) model.RunFinal(inputs.AsSpan(0, Short * model.InputSize), output);
        return meter.Stop();
    }

    private static void AssertNear(double[] reference, float[] actual, string what)
    {
        Assert.Equal(reference.Length, actual.Length);
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(actual[i] - reference[i]) <= ReferenceCase.Tolerance(reference[i]), $"{what}: output {i} is {actual[i]:R}, reference {reference[i]:R}");
    }

    private sealed class GeneratedCheck(ReferenceCase reference) : ISequenceModelVisitor
    {
        public void Visit<T>(string name) where T : IGruSequenceModel, new()
        {
            int inSize = reference.InputSize, outSize = reference.OutputSize, steps = reference.Steps;
            T model = new();
            Assert.Equal(inSize, model.InputSize);
            Assert.Equal(outSize, model.OutputSize);

            var onStack = new float[steps * outSize];
            model.Run(reference.Inputs.AsSpan(0, inSize), new float[outSize]); // compiled before the poison, __GruTiny_Sequence and kernels too
            StackGarbage.Poison(); // the stack buffers too are dirty (their methods skip zeroing them)
            model.Run(reference.Inputs, onStack);
            AssertNear(reference.Outputs, onStack, name + " Run");

            // The caller's workspace (longer than needed, and dirty) gives the same bits; so does a second call.
            var workspace = Enumerable.Repeat(float.NaN, model.WorkspaceLength(steps) + 5).ToArray();
            var withWorkspace = new float[onStack.Length];
            model.Run(reference.Inputs, withWorkspace, workspace);
            Assert.Equal(onStack, withWorkspace);
            model.Run(reference.Inputs, withWorkspace, workspace);
            Assert.Equal(onStack, withWorkspace);

            var last = new float[outSize];
            Assert.ThrowsAny<ArgumentException>(() => new T().RunFinal([], last)); // compiled before the poison
            StackGarbage.Poison();
            model.RunFinal(reference.Inputs, last);
            Assert.Equal(onStack.AsSpan(onStack.Length - outSize).ToArray(), last);
            model.RunFinal(reference.Inputs, last, workspace);
            Assert.Equal(onStack.AsSpan(onStack.Length - outSize).ToArray(), last);

            // Three passes over the inputs: several chunks in both directions; GruNetwork is the oracle.
            float[] inputs = [.. reference.Inputs, .. reference.Inputs, .. reference.Inputs];
            int longSteps = inputs.Length / inSize;
            var generated = new float[longSteps * outSize];
            model.Run(inputs, generated, new float[model.WorkspaceLength(longSteps)]);
            GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(name));
            var interpreted = new float[generated.Length];
            network.Run(inputs, interpreted);
            for (int i = 0; i < generated.Length; i++)
                Assert.True(Math.Abs(generated[i] - interpreted[i]) <= 1e-5 * Math.Max(1, Math.Abs(interpreted[i])), $"{name}: {longSteps} steps, output {i}: generated {generated[i]:R}, GruNetwork {interpreted[i]:R}");

            // A prefix is a sequence of its own: its last row is RunFinal of it, not row t of the whole sequence.
            var prefix = new float[outSize];
            model.RunFinal(reference.Inputs.AsSpan(0, 5 * inSize), prefix);
            var prefixRows = new float[5 * outSize];
            model.Run(reference.Inputs.AsSpan(0, 5 * inSize), prefixRows);
            Assert.Equal(prefixRows.AsSpan(4 * outSize).ToArray(), prefix);
        }
    }
}
