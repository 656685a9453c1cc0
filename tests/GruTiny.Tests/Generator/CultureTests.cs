using System.Globalization;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>The generated source does not depend on the culture of the machine that builds it.</summary>
public sealed class CultureTests
{
    [Fact]
    public void German_culture_gives_the_same_output()
    {
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            """;
        CultureInfo culture = CultureInfo.CurrentCulture, ui = CultureInfo.CurrentUICulture;
        string invariant, german;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            invariant = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson)).SingleSource;
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            Assert.Equal("0,5", 0.5.ToString(CultureInfo.CurrentCulture)); // the culture really is German
            german = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson)).SingleSource;
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = ui;
        }

        Assert.Equal(invariant, german);
        Assert.Contains("0.29748735", german); // the values comment uses '.' whatever the culture
    }
}
