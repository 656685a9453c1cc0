using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GruTiny.Kernels.Simd;

namespace GruTiny.Bench;

/// <summary>
/// GruTiny's side of the interleaved runner (<see cref="VersusRunner"/>): a process at one vector width (the runner
/// sets <c>DOTNET_PreferredVectorBitWidth</c> and starts several of each), speaking the same line protocol as the
/// RTNeural baseline (bench/rtneural/baseline.cpp) and timing the same way. It first checks every generated model against the
/// float64 reference's outputs (<see cref="CheckData"/>), then answers one request per line:
/// <c>info</c> (the vector path the kernels take), <c>time &lt;shape&gt;</c> (ns per generated <c>Step</c> of one
/// sample ≥ 10 ms, after a tenth of it untimed), <c>run &lt;shape&gt;</c> (ns per step of generated <c>Run</c> over the
/// check inputs, the same way: the measure of the guarantee that <c>Run</c> per step costs no more than <c>Step</c>),
/// <c>floor &lt;shape&gt;</c> (ns per pass of <see cref="StreamFma"/>'s
/// loop over as many 64-byte-aligned floats as the shape's packed weights, at the width in use: one multiply-add
/// per weight read, 12 independent chains, no gate functions and no dependencies between layers — what reading
/// the weights alone costs on this core), <c>floor-alternating &lt;shape&gt;</c> (the same, every other pass back to
/// front (<see cref="StreamFma.StreamBackward{TSimd, TVector}"/>): what the weights cost when each pass starts on those
/// the one before read last, as the kernels' alternating sweeps try to), <c>peak</c> (multiply-adds per ns of the width in use, from
/// <see cref="PeakFma"/>'s 12 independent chains), <c>quit</c>. For jit-check (<see cref="JitCheckShapes.Variable"/>)
/// it also runs <see cref="JitCheckShapes"/> once before it is ready.
/// </summary>
internal static class TimingWorker
{
    /// <param name="folder">The check data (<see cref="CheckData.WriteAll"/>).</param>
    /// <param name="weights">The weight type of the models to time (<see cref="BenchShapes.For"/>), checked against the reference over their dequantised weights.</param>
    public static int Run(string folder, GruWeightType weights = GruWeightType.Float32)
    {
        var shapes = BenchShapes.For(weights);
        var timers = new ShapeTimer[shapes.Length];
        bool ok = true;
        for (int i = 0; i < timers.Length; i++)
        {
            (_, string file, Type type) = shapes[i];
            var data = CheckData.Read(Path.Combine(folder, BenchShapes.CheckFile(file, weights)));
            timers[i] = (ShapeTimer)Activator.CreateInstance(typeof(ShapeTimer<>).MakeGenericType(type), file, data)!;
            double worst = timers[i].Check();
            bool pass = worst <= CheckData.Tolerance;
            ok &= pass;
            Console.Error.WriteLine($"gruTiny {VectorPath} {GruTiny.Model.WeightQuantizer.Name(weights)}: {file,-16} worst |y - ref| / max(1, |ref|) over {data.Input.Length} steps = {worst:G3} " +
                                    (pass ? "(ok)" : "> 1e-5: DISAGREES with the float64 reference"));
        }

        if (!ok) return 1;
        if (Environment.GetEnvironmentVariable(JitCheckShapes.Variable) == "1") JitCheckShapes.Run(weights);
        Console.WriteLine("ready");
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            string[] request = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string verb = request.Length > 0 ? request[0] : "";
            if (verb == "quit") break;
            if (verb == "info") { Console.WriteLine(VectorPath); continue; }
            if (verb == "peak") { Console.WriteLine(PeakGmacs().ToString("R", CultureInfo.InvariantCulture)); continue; }
            ShapeTimer? timer = verb is "time" or "run" or "floor" or "floor-alternating" && request.Length == 2 ? Array.Find(timers, t => t.File == request[1]) : null;
            if (timer is null) Console.WriteLine($"error: unknown request \"{line}\"");
            else Console.WriteLine((verb switch
            {
                "time" => timer.NanosecondsPerStep(),
                "run" => timer.NanosecondsPerRunStep(),
                "floor" => timer.FloorNanoseconds(alternating: false),
                _ => timer.FloorNanoseconds(alternating: true),
            }).ToString("R", CultureInfo.InvariantCulture));
        }

        return 0;
    }

    private static string VectorPath => Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

    /// <summary>GMAC/s of the widest accelerated vector the kernels use: 10 calls of 1,000,000 × 12 multiply-adds.</summary>
    private static double PeakGmacs()
    {
        bool wide = Vector256.IsHardwareAccelerated;
        long start = Stopwatch.GetTimestamp();
        float sink = 0;
        for (int i = 0; i < 10; i++) sink += wide ? PeakFma.Loop256(Vector256.Create(0.999f), Vector256.Create(0.001f)) : PeakFma.Loop128(Vector128.Create(0.999f), Vector128.Create(0.001f));
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        GC.KeepAlive(sink);
        return 10.0 * PeakFma.Iterations * 12 * (wide ? 8 : 4) / ns;
    }

    private delegate ReadOnlySpan<float> WeightsOf(int index);

    private abstract class ShapeTimer(string file, CheckData data)
    {
        public string File { get; } = file;

        protected CheckData Data { get; } = data;

        private long _iterations, _passes;
        private unsafe float* _weights;
        private int _groups;

        public abstract double Check();

        /// <summary>Floats of the model's packed weights (every chunk of every layer).</summary>
        protected abstract long PackedFloats();

        /// <summary>ns per pass over as many floats as the packed weights; <paramref name="alternating"/>: every other pass back to front.</summary>
        public unsafe double FloorNanoseconds(bool alternating)
        {
            bool wide = Vector256.IsHardwareAccelerated;
            if (_weights == null)
            {
                int groupFloats = wide ? 96 : 48; // 12 vectors
                _groups = (int)(PackedFloats() / groupFloats);
                _weights = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(_groups * groupFloats * sizeof(float)), 64);
                for (int i = 0; i < _groups * groupFloats; i++) _weights[i] = 1e-3f * (i % 13);
                WarmUp(() => { SecondsPerPass(wide, 100, false); SecondsPerPass(wide, 100, true); });
                // Calibrated on forward passes: an alternating sample of as many passes may take a little less than 10 ms.
                for (_passes = 64; SecondsPerPass(wide, _passes, false) * _passes < 0.010; _passes *= 2) { }
            }

            SecondsPerPass(wide, _passes / 10, alternating);
            return SecondsPerPass(wide, _passes, alternating) * 1e9;
        }

        // Alternating, an even number of passes (one more if asked an odd number): a sample ends on a backward pass, so
        // the next sample's first forward pass starts on what the last one read.
        private unsafe double SecondsPerPass(bool wide, long passes, bool alternating)
        {
            float sink = 0;
            if (alternating) passes += passes & 1;
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < passes; i++)
                sink += alternating && (i & 1) != 0
                    ? (wide ? Vector256.Sum(StreamFma.StreamBackward<Simd256, Vector256<float>>(ref *_weights, _groups))
                        : Vector128.Sum(StreamFma.StreamBackward<Simd128, Vector128<float>>(ref *_weights, _groups)))
                    : (wide ? Vector256.Sum(StreamFma.Stream<Simd256, Vector256<float>>(ref *_weights, _groups))
                        : Vector128.Sum(StreamFma.Stream<Simd128, Vector128<float>>(ref *_weights, _groups)));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            GC.KeepAlive(sink);
            return seconds / passes;
        }

        /// <summary>Steps through the check inputs in turn, the state carried on as in a stream; returns seconds.</summary>
        protected abstract double Time(long iterations);

        /// <summary>Runs the whole check sequence <paramref name="calls"/> times, the state carried on; returns seconds.</summary>
        protected abstract double TimeRun(long calls);

        private long _runCalls;

        public double NanosecondsPerStep()
        {
            if (_iterations == 0) _iterations = Calibrate(Time);
            Time(_iterations / 10); // the weights back into this core's caches, untimed
            return Time(_iterations) * 1e9 / _iterations;
        }

        public double NanosecondsPerRunStep()
        {
            if (_runCalls == 0) _runCalls = Calibrate(TimeRun);
            TimeRun(Math.Max(1, _runCalls / 10));
            return TimeRun(_runCalls) * 1e9 / (_runCalls * Data.Input.Length);
        }

        // Warm up (WarmUp), then double the count until one sample takes ≥ 10 ms.
        private static long Calibrate(Func<long, double> time)
        {
            WarmUp(() => time(1000));
            long n = 64;
            while (time(n) < 0.010) n *= 2;
            return n;
        }
    }

    // Tier-1 code: the runtime recompiles hot methods in the background some 100 ms after their calls stop being
    // new, so warm up for a time, not a count: 1.5 s, and on until half a second passes in which the JIT compiled
    // nothing in this process (at most 15 s). That makes tier 0 unlikely, not impossible: nothing here reads the tier.
    // Where the runtime sees one CPU (a worker pinned with taskset), 4 s: there the generated Step of 16 → 16 ran at
    // tier 0 (332 ns a step, against 88 at tier 1) for about 2.6 s after its first call, with no compilation in
    // between for the quiet rule to wait on.
    private static void WarmUp(Action work)
    {
        var warm = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount(), quietSince = 0;
        long minimum = Environment.ProcessorCount == 1 ? 4000 : 1500;
        while (warm.ElapsedMilliseconds < minimum || (warm.ElapsedMilliseconds - quietSince < 500 && warm.ElapsedMilliseconds < 15_000))
        {
            work();
            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled) (compiled, quietSince) = (now, warm.ElapsedMilliseconds);
        }
    }

    private sealed class ShapeTimer<T>(string file, CheckData data) : ShapeTimer(file, data) where T : struct, IGruModel
    {
        private T _model = default;
        private readonly float[] _inputs = Flatten(data);
        private readonly float[] _output = new float[data.OutputSize];
        private readonly float[] _runOutputs = new float[data.Input.Length * data.OutputSize];

        public override double Check()
        {
            _model.Reset();
            var stepped = new List<float>();
            double worst = Data.WorstError(x =>
            {
                var y = new float[Data.OutputSize];
                _model.Step(x, y);
                stepped.AddRange(y);
                return y;
            });
            _model.Reset();

            // Run over the same inputs gives Step's bits (the contract; it also compiles Run's kernels, which
            // bench -- jit-check reads): a difference fails the check.
            T runner = default;
            var ran = new float[stepped.Count];
            runner.Run(_inputs, ran);
            return ran.AsSpan().SequenceEqual(stepped.ToArray()) ? worst : double.PositiveInfinity;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        protected override double Time(long iterations)
        {
            int steps = Data.Input.Length, width = Data.InputSize;
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < iterations;)
                for (int s = 0; s < steps && i < iterations; s++, i++)
                    _model.Step(_inputs.AsSpan(s * width, width), _output);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        protected override double TimeRun(long calls)
        {
            float[] outputs = _runOutputs;
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < calls; i++) _model.Run(_inputs, outputs);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        protected override long PackedFloats()
        {
            long floats = 0;
            foreach (Type layer in typeof(T).GetNestedTypes(System.Reflection.BindingFlags.NonPublic))
            {
                var weights = layer.GetMethod("Weights", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
                if (weights is null) continue;
                var read = weights.CreateDelegate<WeightsOf>();
                for (int index = 0; !read(index).IsEmpty; index++) floats += read(index).Length;
            }

            return floats;
        }

        private static float[] Flatten(CheckData data)
        {
            var all = new float[data.Input.Length * data.InputSize];
            for (int s = 0; s < data.Input.Length; s++) data.Input[s].CopyTo(all, s * data.InputSize);
            return all;
        }
    }
}
