using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using SensorForecast;

// Weekly Mauna Loa CO2 forecasting with a GRU compiled at build time. Streams the bundled series one reading
// at a time through Step (the held-out years 1991-2001 were never seen in training), forecasts the next
// week and, at the end, a year ahead by feeding forecasts back on a copy of the state.
//   --plot FILE   write an SVG chart of the held-out years, the one-step forecasts and the horizon
//   --dump FILE   write every one-step forecast, one per line, in round-trip precision
//   --stdin       forecast readings piped in, one per line (empty or "nan" = missing), instead of the data
//   --weights T   also score the model compiled with T weights (int8, float16 or all; Co2Forecaster.cs): its size and
//                 held-out MAE/RMSE beside the float32 model's
string? plotPath = null, dumpPath = null, weights = null;
bool fromStdin = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--plot" when i + 1 < args.Length: plotPath = args[++i]; break;
        case "--dump" when i + 1 < args.Length: dumpPath = args[++i]; break;
        case "--stdin": fromStdin = true; break;
        case "--weights" when i + 1 < args.Length && args[i + 1] is "int8" or "float16" or "all": weights = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: SensorForecast [--plot forecast.svg] [--dump forecasts.txt] [--stdin] [--weights int8|float16|all]");
            return 2;
    }
}

if (fromStdin) return StdinForecaster.Run(Console.In, Console.Out);

var series = WeeklySeries.Load(Path.Combine(AppContext.BaseDirectory, "data", "co2.csv"));
var trainEnd = new DateOnly(1990, 12, 29); // tools/train_co2.py trained on targets up to this week
int steps = series.Count - 1;               // step t reads week t and forecasts week t + 1

// Stream every week from the first, one reading at a time. Nothing else happens in this loop, so the
// allocation count is the model's alone (it must be zero from the very first call).
var model = new Co2Forecaster();
Span<float> input = stackalloc float[Co2Forecaster.InputSize];
Span<float> output = stackalloc float[Co2Forecaster.OutputSize];
var forecasts = new float[steps];
long firstForecastAt = 0;
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (int t = 0; t < steps; t++)
{
    input[0] = series.Values[t];
    model.Step(input, output);
    forecasts[t] = output[0];
    if (t == 0) firstForecastAt = Stopwatch.GetTimestamp();
}

long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
TimeSpan startToFirst = Stopwatch.GetElapsedTime(firstForecastAt) is var sinceFirst
    ? DateTime.Now - sinceFirst - Process.GetCurrentProcess().StartTime : default;

// Score the held-out weeks that have a reading of their own (filled weeks are inputs, never targets).
ErrorMetrics gru = default, naive = default, seasonal = default;
var scored = Enumerable.Range(0, steps).Where(t => series.Weeks[t + 1] > trainEnd && series.Observed[t + 1]).ToArray();
foreach (int t in scored)
{
    float actual = series.Values[t + 1];
    gru.Add(forecasts[t], actual);
    naive.Add(series.Values[t], actual);              // "same as this week"
    seasonal.Add(series.Values[t + 1 - 52], actual);  // "same as a year ago"
}

// A year ahead from the end of the data, on a copy of the state: the streaming model is left as it was.
const int horizonWeeks = 52;
Co2Forecaster future = model;
var horizon = new float[horizonWeeks];
input[0] = series.Values[^1];
for (int h = 0; h < horizonWeeks; h++)
{
    future.Step(input, output);
    horizon[h] = output[0];
    input[0] = output[0];
}

// Latency of a long-running service: replay the whole series and time the later replays (the JIT has
// optimised the hot code by then; a Native AOT binary is compiled ahead of time anyway).
double nanosecondsPerStep = 0;
const int replays = 100, timed = 50;
var replay = new Co2Forecaster();
for (int pass = 0; pass < replays; pass++)
{
    replay.Reset();
    long started = Stopwatch.GetTimestamp();
    for (int t = 0; t < steps; t++)
    {
        input[0] = series.Values[t];
        replay.Step(input, output);
    }

    if (pass >= replays - timed) nanosecondsPerStep += Stopwatch.GetElapsedTime(started).TotalNanoseconds / steps / timed;
}

// The same forecasts as PyTorch's (tools/train_co2.py wrote them for the scored weeks)?
string expectedPath = Path.Combine(AppContext.BaseDirectory, "models", "co2.expected.txt");
double worstRelative = double.NaN;
if (File.Exists(expectedPath))
{
    double[] expected = File.ReadAllLines(expectedPath).Where(l => l.Length > 0).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
    worstRelative = expected.Length != scored.Length ? double.PositiveInfinity
        : scored.Select((t, k) => Math.Abs(forecasts[t] - expected[k]) / Math.Max(1, Math.Abs(expected[k]))).Max();
}

var ci = CultureInfo.InvariantCulture;
Console.WriteLine($"Co2Forecaster: GRU {Co2Forecaster.Layer0HiddenSize} units + dense {Co2Forecaster.OutputSize}, {Co2Forecaster.ParameterCount} parameters, {Co2Forecaster.StateSize} floats of state; input and output in ppm.");
Console.WriteLine($"Data: {series.Count} weeks {series.Weeks[0]:yyyy-MM-dd} .. {series.Weeks[^1]:yyyy-MM-dd}; {series.FilledCount} missing weeks filled by linear interpolation (used as inputs, never scored).");
Console.WriteLine($"Held-out one-step forecasts, {scored.Length} observed weeks {series.Weeks[scored[0] + 1]:yyyy-MM-dd} .. {series.Weeks[scored[^1] + 1]:yyyy-MM-dd}:");
Console.WriteLine();
Console.WriteLine("                             MAE (ppm)   RMSE (ppm)");
Console.WriteLine(string.Format(ci, "  GRU                         {0,8:F4}   {1,9:F4}", gru.Mae, gru.Rmse));
Console.WriteLine(string.Format(ci, "  naive: same as this week    {0,8:F4}   {1,9:F4}", naive.Mae, naive.Rmse));
Console.WriteLine(string.Format(ci, "  seasonal: same as 52 weeks  {0,8:F4}   {1,9:F4}", seasonal.Mae, seasonal.Rmse));
Console.WriteLine();
bool beats = gru.Mae < naive.Mae && gru.Rmse < naive.Rmse && gru.Mae < seasonal.Mae && gru.Rmse < seasonal.Rmse;
Console.WriteLine(beats
    ? "The GRU beats both baselines on MAE and RMSE."
    : "The GRU does NOT beat both baselines on the held-out data.");
Console.WriteLine(string.Format(ci, "A year ahead from {0:yyyy-MM-dd}: +4 weeks {1:F2}, +13 {2:F2}, +26 {3:F2}, +52 {4:F2} ppm (last reading {5:F2}).",
    series.Weeks[^1], horizon[3], horizon[12], horizon[25], horizon[51], series.Values[^1]));
if (!double.IsNaN(worstRelative))
    Console.WriteLine(string.Format(ci, "Agreement with PyTorch's forecasts: worst |difference| {0:E1} x max(1, |expected|) (parity tolerance 1e-5).", worstRelative));
Console.WriteLine(string.Format(ci, "Per step: {0:F0} ns. Start to first forecast: {1:F0} ms. Bytes allocated while streaming (from the first call): {2}.",
    nanosecondsPerStep, startToFirst.TotalMilliseconds, allocated));

if (dumpPath is not null)
    File.WriteAllLines(dumpPath, forecasts.Select(f => f.ToString("R", ci)));
if (plotPath is not null)
{
    int first = scored[0];
    int heldOut = steps - first;
    var axis = series.Weeks.Skip(first + 1).Concat(Enumerable.Range(1, horizonWeeks).Select(h => series.Weeks[^1].AddDays(7 * h))).ToArray();
    var chart = new SvgChart("Mauna Loa weekly CO2: held-out readings, one-step GRU forecasts, and a year ahead", axis);
    chart.Add("reading", series.Values.Skip(first + 1).ToArray(), 0, "#222");
    chart.Add("one-step forecast", forecasts.Skip(first).ToArray(), 0, "#1f6fd1");
    chart.Add("forecast fed back (52 weeks)", horizon, heldOut, "#d1341f", dashed: true);
    chart.Save(plotPath);
    Console.WriteLine($"Chart written to {plotPath}.");
}

// The model compiled with quantised weights, scored on the same weeks: what the smaller model costs in accuracy.
long quantizedAllocated = 0;
if (weights is not null)
{
    Console.WriteLine();
    Console.WriteLine("Weight types (the same model file, quantised at build time), held-out one-step forecasts:");
    Console.WriteLine("                weight bytes   bytes/parameter   MAE (ppm)   RMSE (ppm)   worst |forecast - float32's|");
    void Row(string name, int bytes, float[] values)
    {
        ErrorMetrics metrics = default;
        foreach (int t in scored) metrics.Add(values[t], series.Values[t + 1]);
        double worst = scored.Max(t => Math.Abs((double)values[t] - forecasts[t]));
        Console.WriteLine(string.Format(ci, "  {0,-12}  {1,12}   {2,15:F2}   {3,9:F4}   {4,10:F4}   {5,10:E2} ppm", name, bytes, (double)bytes / Co2Forecaster.ParameterCount, metrics.Mae, metrics.Rmse, worst));
    }

    Row("float32", Co2Forecaster.WeightBytes, forecasts);
    if (weights is "float16" or "all")
    {
        (float[] values, long bytes) = Stream<Co2ForecasterFloat16>(series, steps);
        quantizedAllocated += bytes;
        Row("float16", Co2ForecasterFloat16.WeightBytes, values);
    }

    if (weights is "int8" or "all")
    {
        (float[] values, long bytes) = Stream<Co2ForecasterInt8>(series, steps);
        quantizedAllocated += bytes;
        Row("int8", Co2ForecasterInt8.WeightBytes, values);
    }

    Console.WriteLine($"Bytes allocated while streaming the quantised models (from the first call): {quantizedAllocated}.");
}

bool agrees = double.IsNaN(worstRelative) || worstRelative <= 1e-5;
return allocated == 0 && quantizedAllocated == 0 && agrees ? 0 : 1;

// Every week through a new model of type T, one reading at a time: its one-step forecasts and the bytes allocated.
static (float[] Forecasts, long Allocated) Stream<T>(WeeklySeries series, int steps) where T : struct, GruTiny.IGruModel
{
    var model = new T();
    Span<float> input = stackalloc float[1];
    Span<float> output = stackalloc float[1];
    var forecasts = new float[steps];
    long before = GC.GetAllocatedBytesForCurrentThread();
    for (int t = 0; t < steps; t++)
    {
        input[0] = series.Values[t];
        model.Step(input, output);
        forecasts[t] = output[0];
    }

    return (forecasts, GC.GetAllocatedBytesForCurrentThread() - before);
}
