using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace SensorForecast;

/// <summary>A line chart as a standalone SVG file (any browser opens it; no plotting package needed).</summary>
internal sealed class SvgChart(string title, DateOnly[] axis)
{
    private const int Width = 1000, Height = 520, Left = 60, Right = 20, Top = 40, Bottom = 50;
    private readonly StringBuilder _series = new();
    private readonly StringBuilder _legend = new();
    private float _min = float.MaxValue, _max = float.MinValue;
    private readonly System.Collections.Generic.List<(float[] Values, int Offset, string Colour, string Name, bool Dashed)> _lines = new();

    /// <summary>Adds a line whose first value belongs to <c>axis[offset]</c>.</summary>
    public void Add(string name, float[] values, int offset, string colour, bool dashed = false)
    {
        _lines.Add((values, offset, colour, name, dashed));
        foreach (float v in values)
        {
            _min = Math.Min(_min, v);
            _max = Math.Max(_max, v);
        }
    }

    public void Save(string path)
    {
        float pad = (_max - _min) * 0.05f + 0.01f;
        float low = _min - pad, high = _max + pad;
        double X(int i) => Left + (Width - Left - Right) * (double)i / Math.Max(1, axis.Length - 1);
        double Y(float v) => Top + (Height - Top - Bottom) * (high - v) / (high - low);
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

        for (int l = 0; l < _lines.Count; l++)
        {
            var (values, offset, colour, name, dashed) = _lines[l];
            _series.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.2\"{(dashed ? " stroke-dasharray=\"5,3\"" : "")} points=\"");
            for (int i = 0; i < values.Length; i++) _series.Append(F(X(offset + i))).Append(',').Append(F(Y(values[i]))).Append(' ');
            _series.AppendLine("\"/>");
            _legend.AppendLine($"<line x1=\"{Left + 10}\" y1=\"{Top + 12 + 18 * l}\" x2=\"{Left + 40}\" y2=\"{Top + 12 + 18 * l}\" stroke=\"{colour}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"5,3\"" : "")}/>"
                + $"<text x=\"{Left + 46}\" y=\"{Top + 16 + 18 * l}\" font-size=\"12\">{Escape(name)}</text>");
        }

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\">");
        svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.AppendLine($"<text x=\"{Left}\" y=\"24\" font-size=\"15\">{Escape(title)}</text>");
        for (int k = 0; k <= 5; k++)
        {
            float v = low + (high - low) * k / 5;
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{F(Y(v))}\" x2=\"{Width - Right}\" y2=\"{F(Y(v))}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{F(Y(v) + 4)}\" font-size=\"11\" text-anchor=\"end\">{v.ToString("F0", CultureInfo.InvariantCulture)}</text>");
        }

        foreach (int i in Enumerable.Range(0, axis.Length).Where(i => i == 0 || axis[i].Year != axis[i - 1].Year).Where((_, n) => n % 2 == 0))
            svg.AppendLine($"<text x=\"{F(X(i))}\" y=\"{Height - Bottom + 18}\" font-size=\"11\" text-anchor=\"middle\">{axis[i].Year}</text>");
        svg.AppendLine($"<text x=\"14\" y=\"{Top + (Height - Top - Bottom) / 2}\" font-size=\"12\" transform=\"rotate(-90 14 {Top + (Height - Top - Bottom) / 2})\">CO2 (ppm)</text>");
        svg.Append(_series).Append(_legend).AppendLine("</svg>");
        File.WriteAllText(path, svg.ToString());
    }

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
