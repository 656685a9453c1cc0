using System;
using BenchmarkDotNet.Attributes;

namespace GruTiny.Bench;

/// <summary>
/// Per shape: generated Step; generated Run over 1,000 steps (per step); the run-time interpreter; the plain
/// scalar C# GRU. Inputs are fixed pseudo-random values; the state carries on across invocations, as in a stream.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(In16H16))]
[GenericTypeArguments(typeof(In8H64D4))]
[GenericTypeArguments(typeof(In64H64))]
[GenericTypeArguments(typeof(In16H128D16))]
[GenericTypeArguments(typeof(In1H32x2D1))]
[GenericTypeArguments(typeof(In32H256x2D1))]
public class GruBenchmarks<T> where T : struct, IGruModel
{
    private const int Steps = 1000;
    private T _model;
    private GruNetwork _interpreter = null!;
    private ScalarGru _scalar = null!;
    private float[] _input = null!, _output = null!, _inputs = null!, _outputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = default;
        string json = BenchShapes.Json(BenchShapes.FileOf(typeof(T)));
        _interpreter = GruNetwork.Load(json);
        _scalar = new ScalarGru(json);
        var random = new Random(11);
        _inputs = new float[Steps * _model.InputSize];
        for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)(random.NextDouble() * 2 - 1);
        _outputs = new float[Steps * _model.OutputSize];
        _input = _inputs.AsSpan(0, _model.InputSize).ToArray();
        _output = new float[_model.OutputSize];
    }

    [Benchmark(Baseline = true, Description = "scalar C# (baseline)")]
    public void Scalar() => _scalar.Step(_input, _output);

    [Benchmark(Description = "generated Step")]
    public void Step() => _model.Step(_input, _output);

    [Benchmark(Description = "generated Run (per step)", OperationsPerInvoke = Steps)]
    public void Run() => _model.Run(_inputs, _outputs);

    [Benchmark(Description = "interpreter Step")]
    public void Interpreter() => _interpreter.Step(_input, _output);
}
