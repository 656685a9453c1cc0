using System;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// A float32 model costs 4 bytes a parameter in the compiled assembly, once: the weight literals are read from the
/// user-string heap only (a const field kept a second copy in the constant table: 8.0 bytes a parameter). Quantised
/// weights cost 1 byte (int8, plus a float32 scale per row) or 2 bytes (float16); biases stay float32.
/// </summary>
public sealed class AssemblySizeTests
{
    [Theory]
    [InlineData("Float32", 4.1)]
    [InlineData("Float16", 2.1)]
    [InlineData("Int8", 1.1)]
    public void Weights_take_at_most_so_many_bytes_a_parameter_in_the_assembly(string weights, double limit)
    {
        // ~200k parameters against a model of the same layers with almost none: the difference is the weights.
        (long large, int largeParameters) = AssemblyBytes(input: 32, hidden: 144, dense: 4, weights);
        (long small, int smallParameters) = AssemblyBytes(input: 1, hidden: 8, dense: 1, weights);
        Assert.InRange(largeParameters, 190_000, 210_000);
        double perParameter = (double)(large - small) / (largeParameters - smallParameters);
        Assert.True(perParameter <= limit, $"{weights}: {perParameter:F3} bytes a parameter ({large} − {small} bytes for {largeParameters} − {smallParameters} parameters)");
        Assert.True(perParameter > limit - 0.6, $"{weights}: {perParameter:F3} bytes a parameter, less than the weight type can take: the weights are not all there");
    }

    private static (long Bytes, int Parameters) AssemblyBytes(int input, int hidden, int dense, string weights)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json", Weights = GruTiny.GruWeightType.{{weights}})]
            public partial class M;
            """;
        (string json, int parameters) = RandomModel(input, hidden, dense);
        GeneratorResult result = Generate(CreateCompilation(source), ModelFile("models/m.gru.json", json));
        Assert.Empty(result.Diagnostics);
        using var stream = new MemoryStream();
        Assert.True(result.Output.Emit(stream).Success);
        return (stream.Length, parameters);
    }

    // Two GRU layers of `hidden` units and a dense layer, random weights (fixed seed).
    private static (string Json, int Parameters) RandomModel(int input, int hidden, int dense)
    {
        var random = new Random(11);
        int parameters = 0;
        var sb = new StringBuilder();
        void Matrix(int rows, int cols)
        {
            sb.Append('[');
            for (int r = 0; r < rows; r++)
            {
                sb.Append(r == 0 ? "[" : ",[");
                for (int c = 0; c < cols; c++) sb.Append(c == 0 ? "" : ",").Append(((float)(random.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture));
                sb.Append(']');
            }

            sb.Append(']');
            parameters += rows * cols;
        }

        void Vector(int n)
        {
            sb.Append('[');
            for (int i = 0; i < n; i++) sb.Append(i == 0 ? "" : ",").Append(((float)(random.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture));
            sb.Append(']');
            parameters += n;
        }

        sb.Append("{\"format\":\"grutiny/1\",\"input_size\":").Append(input).Append(",\"layers\":[");
        for (int l = 0, width = input; l < 2; l++, width = hidden)
        {
            sb.Append(l == 0 ? "" : ",").Append("{\"type\":\"gru\",\"hidden_size\":").Append(hidden).Append(",\"linear_before_reset\":true,\"weight_ih\":");
            Matrix(3 * hidden, width);
            sb.Append(",\"weight_hh\":");
            Matrix(3 * hidden, hidden);
            sb.Append(",\"bias_ih\":");
            Vector(3 * hidden);
            sb.Append(",\"bias_hh\":");
            Vector(3 * hidden);
            sb.Append('}');
        }

        sb.Append(",{\"type\":\"dense\",\"activation\":\"linear\",\"weight\":");
        Matrix(dense, hidden);
        sb.Append(",\"bias\":");
        Vector(dense);
        sb.Append("}]}");
        return (sb.ToString(), parameters);
    }
}
