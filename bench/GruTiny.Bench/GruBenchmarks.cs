using System;
using System.IO;
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
        string json = ModelJson(ModelFile(typeof(T).Name));
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

    private static string ModelJson(string file)
    {
        var assembly = typeof(GruBenchmarks<T>).Assembly;
        string name = Array.Find(assembly.GetManifestResourceNames(), n => n.EndsWith(file, StringComparison.Ordinal))!;
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    private static string ModelFile(string type) => type switch
    {
        nameof(In16H16) => "in16_h16x1.gru.json",
        nameof(In8H64D4) => "in8_h64x1_d4.gru.json",
        nameof(In64H64) => "in64_h64x1.gru.json",
        nameof(In16H128D16) => "in16_h128x1_d16.gru.json",
        nameof(In1H32x2D1) => "in1_h32x2_d1.gru.json",
        _ => "in32_h256x2_d1.gru.json",
    };
}
