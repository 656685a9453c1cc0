using System;
using System.Linq;
using GruTiny.ReferenceModels;
using Xunit;
using Xunit.Abstractions;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Every reference model, compiled at build time by the generator, against the outputs of the real
/// framework (PyTorch; the float64 equations for linear_before_reset=false), through Step and Run; and the
/// API contract between Step, Run, RunFinal, Reset and the state methods.
/// </summary>
public sealed class ParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new(ReferenceCase.Names());

    [Fact]
    public void Every_reference_case_has_a_compiled_model()
    {
        Assert.NotEmpty(ReferenceCase.Names());
        Assert.Equal(ReferenceCase.Names().Order(), ReferenceModelCatalog.Names.Order());
    }

    // The reference models' project allows unsafe code, so the generator marks their methods with work buffers
    // [SkipLocalsInit]; the checks below poison the stack before each call (StackGarbage), which is what makes a
    // kernel that reads its buffer before writing it fail them.
    [Fact]
    public void The_reference_models_skip_zeroing_their_work_buffers_and_the_poison_reaches_such_a_buffer()
    {
        foreach (Type type in new[] { typeof(EmbV12D4H8Softmax12), typeof(EmbV30D7H16x2Linear5) })
            foreach (string method in new[] { "Step", "Run", "RunFinal" })
                foreach (var m in type.GetMethods().Where(m => m.Name == method))
                    Assert.True(m.IsDefined(typeof(System.Runtime.CompilerServices.SkipLocalsInitAttribute), false), $"{type.Name}.{m}");
        Assert.False(typeof(EmbV12D4H8Softmax12).GetMethod(nameof(EmbV12D4H8Softmax12.Reset))!.IsDefined(typeof(System.Runtime.CompilerServices.SkipLocalsInitAttribute), false));

        FirstOfUnzeroedBuffer(); // compiled now, not over the poison
        StackGarbage.Poison();
        Assert.True(float.IsNaN(FirstOfUnzeroedBuffer()));
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static float FirstOfUnzeroedBuffer()
    {
        Span<float> work = stackalloc float[256];
        return work[0];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_and_Run_match_the_reference(string name)
    {
        var check = new ParityCheck(ReferenceCase.Load(name));
        ReferenceModelCatalog.Visit(name, check);
        output.WriteLine(check.Worst.ToString());
        Assert.True(check.Worst.Error <= check.Worst.Allowed, check.Worst.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_RunFinal_Reset_and_state_agree_with_Step(string name)
    {
        ReferenceModelCatalog.Visit(name, new ContractCheck(ReferenceCase.Load(name)));
    }

    [Fact]
    public void Worst_parity_error_over_all_models()
    {
        ParityError worst = ReferenceCase.Names()
            .Select(name =>
            {
                var check = new ParityCheck(ReferenceCase.Load(name));
                ReferenceModelCatalog.Visit(name, check);
                return check.Worst;
            })
            .MaxBy(e => e.Error / e.Allowed)!;
        output.WriteLine("Worst parity error over all reference models: " + worst);
        Console.WriteLine("Worst parity error over all reference models: " + worst);
        Assert.True(worst.Error <= worst.Allowed, worst.ToString());
    }

    /// <summary>Where a model is furthest from its reference, relative to the tolerance there.</summary>
    public readonly record struct ParityError(string Case, string Path, int Step, int Index, double Value, double Reference, double Error, double Allowed)
    {
        public override string ToString() =>
            $"{Case} {Path} step {Step} output {Index}: y = {Value:R}, ref = {Reference:R}, |y − ref| = {Error:E2} (allowed {Allowed:E2}, {Error / Allowed:P1} of it)";
    }

    private sealed class ParityCheck(ReferenceCase reference) : IModelVisitor
    {
        public ParityError Worst { get; private set; }

        public void Visit<T>(string name) where T : IGruModel, IRunFinal, new()
        {
            int inSize = reference.InputSize, outSize = reference.OutputSize, steps = reference.Steps;
            T model = new();
            Assert.Equal(inSize, model.InputSize);
            Assert.Equal(outSize, model.OutputSize);
            Assert.Equal(reference.FinalState.Length, model.StateSize);

            // Each call finds NaN where its work buffer will be (StackGarbage): the generated methods skip zeroing it.
            var stepped = new float[steps * outSize];
            for (int t = 0; t < steps; t++)
            {
                StackGarbage.Poison();
                model.Step(reference.Inputs.AsSpan(t * inSize, inSize), stepped.AsSpan(t * outSize, outSize));
            }

            Compare("Step", stepped, reference.Outputs, outSize);

            var state = new float[model.StateSize];
            model.CopyStateTo(state);
            Compare("final state", state, reference.FinalState, state.Length);

            T runner = new();
            var ran = new float[steps * outSize];
            runner.Run([], []); // compiled before the poison (the first Step above compiled Step)
            StackGarbage.Poison();
            runner.Run(reference.Inputs, ran);
            Compare("Run", ran, reference.Outputs, outSize);
        }

        private void Compare(string path, float[] actual, double[] expected, int rowLength)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < actual.Length; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]);
                double allowed = ReferenceCase.Tolerance(expected[i]);
                if (double.IsNaN(actual[i])) error = double.PositiveInfinity;
                if (Worst.Allowed == 0 || error / allowed > Worst.Error / Worst.Allowed)
                    Worst = new ParityError(reference.Name, path, i / rowLength, i % rowLength, actual[i], expected[i], error, allowed);
            }
        }
    }

    private sealed class ContractCheck(ReferenceCase reference) : IModelVisitor
    {
        public void Visit<T>(string name) where T : IGruModel, IRunFinal, new()
        {
            int inSize = reference.InputSize, outSize = reference.OutputSize;
            // Three passes over the reference inputs: longer than one chunk of Run for most models.
            float[] inputs = [.. reference.Inputs, .. reference.Inputs, .. reference.Inputs];
            int steps = inputs.Length / inSize;

            T model = new();
            float[] stepped = StepAll(ref model, inputs, steps);

            // Run is T Steps, bitwise (same kernels, same order of operations).
            T runner = new();
            var ran = new float[steps * outSize];
            runner.Run([], []); // compiled before the poison
            StackGarbage.Poison();
            runner.Run(inputs, ran);
            AssertBitwiseEqual(stepped, ran, "Run vs Step");
            AssertSameState(ref model, ref runner);

            // Run in uneven pieces is the same as Run in one go.
            T pieces = new();
            var pieced = new float[steps * outSize];
            int at = 0;
            foreach (int n in new[] { 0, 1, 7, 64, 65, 3 })
            {
                int take = Math.Min(n, steps - at);
                pieces.Run(inputs.AsSpan(at * inSize, take * inSize), pieced.AsSpan(at * outSize, take * outSize));
                at += take;
            }

            pieces.Run(inputs.AsSpan(at * inSize), pieced.AsSpan(at * outSize));
            AssertBitwiseEqual(stepped, pieced, "Run in pieces vs Step");

            // RunFinal writes the last row of Run.
            T final = new();
            var last = new float[outSize];
            Assert.ThrowsAny<ArgumentException>(() => new T().RunFinal([], last)); // compiled before the poison
            StackGarbage.Poison();
            final.RunFinal(inputs, last);
            AssertBitwiseEqual(stepped.AsSpan((steps - 1) * outSize).ToArray(), last, "RunFinal vs last row");

            // Reset gives the initial behaviour back; so does default for structs.
            model.Reset();
            AssertBitwiseEqual(stepped, StepAll(ref model, inputs, steps), "after Reset");
            if (typeof(T).IsValueType)
            {
                T fresh = default!;
                AssertBitwiseEqual(stepped, StepAll(ref fresh, inputs, steps), "default(T)");
            }

            // CopyStateTo / SetState round-trip, and continuing from a copied state continues the sequence.
            T first = new();
            int half = steps / 2;
            var head = new float[half * outSize];
            first.Run(inputs.AsSpan(0, half * inSize), head);
            var state = new float[first.StateSize];
            first.CopyStateTo(state);
            T second = new();
            second.SetState(state);
            var copied = new float[state.Length];
            second.CopyStateTo(copied);
            AssertBitwiseEqual(state, copied, "SetState then CopyStateTo");
            var tail = new float[(steps - half) * outSize];
            second.Run(inputs.AsSpan(half * inSize), tail);
            AssertBitwiseEqual(stepped.AsSpan(half * outSize).ToArray(), tail, "continued from a copied state");
        }

        private float[] StepAll<T>(ref T model, float[] inputs, int steps) where T : IGruModel
        {
            int inSize = model.InputSize, outSize = model.OutputSize;
            var outputs = new float[steps * outSize];
            for (int t = 0; t < steps; t++)
                model.Step(inputs.AsSpan(t * inSize, inSize), outputs.AsSpan(t * outSize, outSize));
            return outputs;
        }

        private void AssertSameState<T>(ref T a, ref T b) where T : IGruModel
        {
            var sa = new float[a.StateSize];
            var sb = new float[b.StateSize];
            a.CopyStateTo(sa);
            b.CopyStateTo(sb);
            AssertBitwiseEqual(sa, sb, "final state");
        }

        private void AssertBitwiseEqual(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    Assert.Fail($"{reference.Name}: {what} differs at {i}: {expected[i]:R} vs {actual[i]:R}");
            }
        }
    }
}
