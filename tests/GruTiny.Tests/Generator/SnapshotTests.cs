using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// The emitted source of one tiny model, compared with the reviewed copy in Snapshots/. A change to the
/// emitter shows up here as a diff to review: on mismatch the new text is written beside the snapshot as
/// *.received.txt; replace the snapshot with it once it is right.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Emitted_source_of_the_tiny_model_matches_the_snapshot()
    {
        const string source = """
            namespace Sample
            {
                /// <summary>Tiny.</summary>
                [GruTiny.GruModel("models/tiny.gru.json")]
                public partial struct Tiny;
            }
            """;
        string actual = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson)).SingleSource;
        string snapshot = Path.Combine(AppContext.BaseDirectory, "Snapshots", "Tiny.GruModel.g.cs.txt");
        string expected = File.Exists(snapshot) ? File.ReadAllText(snapshot) : "";
        if (expected != actual)
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "..", "Snapshots", "Tiny.GruModel.g.cs.received.txt"), actual);
            Assert.Fail("The emitted source differs from Snapshots/Tiny.GruModel.g.cs.txt; review Tiny.GruModel.g.cs.received.txt beside it.");
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
