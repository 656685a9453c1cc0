using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace SensorForecast;

/// <summary>
/// The weekly CO2 series: one row per week, some weeks without a reading. Missing weeks are filled by linear
/// interpolation between the observed weeks around them (exactly as tools/train_co2.py does, in float64 then
/// rounded to float32), so the model sees a reading every week; they are never scored.
/// </summary>
internal sealed class WeeklySeries
{
    private WeeklySeries(DateOnly[] weeks, float[] values, bool[] observed)
    {
        Weeks = weeks;
        Values = values;
        Observed = observed;
    }

    public DateOnly[] Weeks { get; }

    /// <summary>Readings, with missing weeks filled.</summary>
    public float[] Values { get; }

    /// <summary>Whether the week had a reading of its own.</summary>
    public bool[] Observed { get; }

    public int Count => Values.Length;

    public int FilledCount => Array.FindAll(Observed, o => !o).Length;

    /// <summary>Reads "date,co2" rows (date yyyyMMdd, co2 empty when missing).</summary>
    public static WeeklySeries Load(string path)
    {
        var weeks = new List<DateOnly>();
        var raw = new List<double>();
        using StreamReader reader = File.OpenText(path);
        string? line = reader.ReadLine(); // header
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            string[] cells = line.Split(',');
            weeks.Add(DateOnly.ParseExact(cells[0], "yyyyMMdd", CultureInfo.InvariantCulture));
            raw.Add(cells.Length > 1 && cells[1].Length > 0 ? double.Parse(cells[1], CultureInfo.InvariantCulture) : double.NaN);
        }

        for (int i = 1; i < weeks.Count; i++)
            if (weeks[i].DayNumber - weeks[i - 1].DayNumber != 7) throw new InvalidDataException($"{path}: {weeks[i - 1]} and {weeks[i]} are not a week apart.");

        var values = new float[raw.Count];
        var observed = new bool[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            observed[i] = !double.IsNaN(raw[i]);
            if (observed[i]) { values[i] = (float)raw[i]; continue; }
            int j = i;
            while (j < raw.Count && double.IsNaN(raw[j])) j++;
            if (i == 0 || j == raw.Count) throw new InvalidDataException($"{path}: the series must start and end with a reading.");
            double a = raw[i - 1], b = raw[j];
            int n = j - i;
            for (int k = 1; k <= n; k++) values[i - 1 + k] = (float)(a + (b - a) * k / (n + 1));
            for (int k = i; k < j; k++) observed[k] = false;
            i = j - 1;
        }

        return new WeeklySeries(weeks.ToArray(), values, observed);
    }
}
