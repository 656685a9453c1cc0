using System;
using System.Globalization;
using System.IO;

namespace SensorForecast;

/// <summary>
/// Forecasts readings piped in, one per line, as a sensor service would: after each reading it prints the
/// forecast of the next. An empty line or "nan" is a missing reading: the model is fed its own last forecast
/// (the best estimate there is), and the line says so.
/// </summary>
internal static class StdinForecaster
{
    public static int Run(TextReader input, TextWriter output)
    {
        var model = new Co2Forecaster();
        Span<float> x = stackalloc float[Co2Forecaster.InputSize];
        Span<float> y = stackalloc float[Co2Forecaster.OutputSize];
        float? last = null;
        string? line;
        int lineNumber = 0;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            string text = line.Trim();
            bool missing = text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase);
            // A non-finite reading would poison the recurrent state for good: refuse it like any other garbage.
            if (!missing && (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out x[0]) || !float.IsFinite(x[0])))
            {
                Console.Error.WriteLine($"line {lineNumber}: '{text}' is not a finite number; skipped.");
                continue;
            }

            if (missing)
            {
                if (last is null) { output.WriteLine("missing (no forecast yet)"); continue; }
                x[0] = last.Value;
            }

            model.Step(x, y);
            last = y[0];
            output.WriteLine(missing
                ? $"{y[0].ToString("R", CultureInfo.InvariantCulture)} (reading missing: fed the previous forecast)"
                : y[0].ToString("R", CultureInfo.InvariantCulture));
        }

        return 0;
    }
}
