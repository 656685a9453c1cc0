using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using GruTiny.Model;
using Xunit;
using Xunit.Abstractions;

namespace GruTiny.Tests.Package;

/// <summary>
/// The user's path, for real: pack the GruTiny package with a unique version into a temporary feed, create a
/// separate consumer project (one PackageReference, an AdditionalFiles item, the attribute), restore, build
/// and run it, and check what it computes. Packing happens on a copy of the sources, and the consumer lives
/// outside the repository, so nothing is written into the solution's obj/ or bin/.
/// </summary>
public sealed class PackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(5);

    [Fact]
    public void Packed_package_compiles_and_runs_a_model_in_a_consumer_project()
    {
        var clock = Stopwatch.StartNew();
        string repository = RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("grutiny-package-").FullName;
        try
        {
            string sources = Path.Combine(work, "sources"), feed = Path.Combine(work, "feed"), consumer = Path.Combine(work, "consumer");
            foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
                CopyFile(Path.Combine(repository, file), Path.Combine(sources, file));
            CopyTree(Path.Combine(repository, "src", "GruTiny"), Path.Combine(sources, "src", "GruTiny"));
            CopyTree(Path.Combine(repository, "generator", "GruTiny.Generator"), Path.Combine(sources, "generator", "GruTiny.Generator"));

            string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N")[..8];
            Dotnet(sources, clock, "pack", "src/GruTiny/GruTiny.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}", "--disable-build-servers", "-nodeReuse:false");
            AssertPackageContents(Path.Combine(feed, $"GruTiny.{version}.nupkg"));
            Assert.True(File.Exists(Path.Combine(feed, $"GruTiny.{version}.snupkg")), "symbols package");

            Directory.CreateDirectory(Path.Combine(consumer, "models"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Models", "tiny.gru.json"), Path.Combine(consumer, "models", "tiny.gru.json"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Models", "onnx", "onnx_base.onnx"), Path.Combine(consumer, "models", "m.onnx"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "SelfCheck", "ok.gru.json"), Path.Combine(consumer, "models", "checked.gru.json"));
            // docs/model-format.md#self_check: how a user sees the passed self-check at normal build verbosity.
            File.WriteAllText(Path.Combine(consumer, ".globalconfig"), "is_global = true\ndotnet_diagnostic.GRUT042.severity = warning\n");
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="grutiny-test-feed" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFrameworks>net10.0;net9.0</TargetFrameworks>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <GenerateDocumentationFile>true</GenerateDocumentationFile>
                    <NoWarn>$(NoWarn);CS1591</NoWarn>
                    <WarningsNotAsErrors>$(WarningsNotAsErrors);GRUT042</WarningsNotAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="GruTiny" Version="{version}" />
                    <AdditionalFiles Include="models/tiny.gru.json" />
                    <AdditionalFiles Include="models/m.onnx" />
                    <AdditionalFiles Include="models/checked.gru.json" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
                using System;
                using System.Globalization;
                using GruTiny;

                var compiled = new Tiny();
                var loaded = GruNetwork.LoadFile("models/tiny.gru.json");
                Span<float> a = stackalloc float[Tiny.OutputSize];
                var b = new float[loaded.OutputSize];
                for (int t = 0; t < 20; t++)
                {
                    float[] input = [MathF.Sin(t * 0.3f), MathF.Cos(t * 0.7f)];
                    compiled.Step(input, a);
                    loaded.Step(input, b);
                    Console.WriteLine(string.Join(" ", a[0].ToString("R", CultureInfo.InvariantCulture), a[1].ToString("R", CultureInfo.InvariantCulture),
                        b[0].ToString("R", CultureInfo.InvariantCulture), b[1].ToString("R", CultureInfo.InvariantCulture)));
                }

                var onnx = new FromOnnx();
                Span<float> x = stackalloc float[FromOnnx.InputSize];
                Span<float> y = stackalloc float[FromOnnx.OutputSize];
                for (int t = 0; t < 10; t++)
                {
                    for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(t * 0.5f + i);
                    onnx.Step(x, y);
                    var text = new string[y.Length];
                    for (int j = 0; j < y.Length; j++) text[j] = y[j].ToString("R", CultureInfo.InvariantCulture);
                    Console.WriteLine("onnx " + string.Join(" ", text));
                }

                [GruModel("models/tiny.gru.json")]
                public partial struct Tiny;

                [GruModel("models/m.onnx")]
                public partial class FromOnnx;

                [GruModel("models/checked.gru.json")]
                public partial struct Checked;
                """);

            string built = Dotnet(consumer, clock, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
            Assert.Contains("warning GRUT042", built);
            Assert.Contains("models/checked.gru.json: self-check passed: 2 sequence(s), 32 steps", built);
            Assert.True(File.Exists(Path.Combine(consumer, "bin", "Release", "net9.0", "Consumer.dll")), "the net9.0 build of the consumer");
            string printed = Dotnet(consumer, clock, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));

            ModelDescription model = ModelDescriptionReader.TryRead(File.ReadAllText(Path.Combine(consumer, "models", "tiny.gru.json")), ModelDescriptionReader.DefaultMaxParameters, out _)!;
            var oracle = new ReferenceModel(model);
            string[] lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("onnx ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(20, lines.Length);
            for (int t = 0; t < 20; t++)
            {
                double[] expected = oracle.Step([MathF.Sin(t * 0.3f), MathF.Cos(t * 0.7f)]);
                float[] values = lines[t].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                for (int j = 0; j < 4; j++)
                    Assert.True(Math.Abs(values[j] - expected[j % 2]) <= 1e-5, $"step {t} value {j}: {values[j]} vs {expected[j % 2]}");
            }

            AssertOnnxOutputs(printed, Path.Combine(consumer, "models", "m.onnx"));

            // The package's props keep a Native AOT binary's literals as file pages (Kernels/ResidentPages.cs),
            // and a project that sets IlcDehydrate itself keeps its choice.
            Assert.Equal("false", Dotnet(consumer, clock, "msbuild", "Consumer.csproj", "-getProperty:IlcDehydrate", "-p:TargetFramework=net10.0").Trim());
            Assert.Equal("true", Dotnet(consumer, clock, "msbuild", "Consumer.csproj", "-getProperty:IlcDehydrate", "-p:TargetFramework=net10.0", "-p:IlcDehydrate=true").Trim());
            // The switch that lets Kernels/ResidentPages.cs drop literal pages goes to ILC alone (build/GruTiny.targets):
            // in runtimeconfig.json it would reach JIT runs too, where literals are anonymous memory and would be
            // zeroed. A PublishAot project's JIT build is the case that matters (IsDynamicCodeSupported is false there).
            Dotnet(consumer, clock, "build", "-c", "Release", "-f", "net10.0", "-p:PublishAot=true", "-o", Path.Combine(consumer, "aot-jit"), "--disable-build-servers", "-nodeReuse:false");
            string runtimeConfig = File.ReadAllText(Path.Combine(consumer, "aot-jit", "Consumer.runtimeconfig.json"));
            Assert.Contains("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", runtimeConfig);
            Assert.DoesNotContain("LiteralsAreFilePages", runtimeConfig);

            // Replacing the .onnx file is picked up by an incremental build (AdditionalFiles are inputs of
            // CoreCompile; the generator reads the new bytes), here with a model of other sizes.
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Models", "onnx", "onnx_stacked3_softmax4.onnx"), Path.Combine(consumer, "models", "m.onnx"), overwrite: true);
            File.SetLastWriteTimeUtc(Path.Combine(consumer, "models", "m.onnx"), DateTime.UtcNow); // as saving a new export does
            Dotnet(consumer, clock, "build", "-c", "Release", "-f", "net10.0", "--disable-build-servers", "-nodeReuse:false");
            string replaced = Dotnet(consumer, clock, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));
            AssertOnnxOutputs(replaced, Path.Combine(consumer, "models", "m.onnx"));

            output.WriteLine($"packed {version}, built and ran the consumer in {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    // The consumer's compiled ONNX model against the interpreter loading the same file in this process.
    private static void AssertOnnxOutputs(string printed, string model)
    {
        GruNetwork oracle = GruNetwork.LoadFile(model);
        string[] lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("onnx ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(10, lines.Length);
        var x = new float[oracle.InputSize];
        var y = new float[oracle.OutputSize];
        for (int t = 0; t < 10; t++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(t * 0.5f + i);
            oracle.Step(x, y);
            float[] values = lines[t]["onnx ".Length..].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(y.Length, values.Length);
            for (int j = 0; j < y.Length; j++)
                Assert.True(Math.Abs(values[j] - y[j]) <= 1e-5 * Math.Max(1, Math.Abs(y[j])), $"onnx step {t} output {j}: {values[j]} vs {y[j]}");
        }
    }

    private static void AssertPackageContents(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[]
        {
            "lib/net9.0/GruTiny.dll", "lib/net10.0/GruTiny.dll", "lib/net10.0/GruTiny.xml",
            "analyzers/dotnet/cs/GruTiny.Generator.dll", "build/GruTiny.props", "buildTransitive/GruTiny.props",
            "build/GruTiny.targets", "buildTransitive/GruTiny.targets", "README.md",
        })
        {
            Assert.Contains(expected, entries);
        }

        // A package page shows README.md without the repository around it: every link must be absolute.
        using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            string text = readme.ReadToEnd();
            Assert.Contains("GruTiny compiles a trained GRU", text);
            System.Text.RegularExpressions.Match relative = System.Text.RegularExpressions.Regex.Match(text, @"\]\((?!https://)[^)]*\)");
            Assert.False(relative.Success, $"relative link in the package README: {relative.Value}");
        }

        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string metadata = nuspec.ReadToEnd();
        foreach (string element in new[] { "<description>", "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<repository ", "<tags>", "<releaseNotes>", "System.Numerics.Tensors" })
            Assert.Contains(element, metadata);
        // The description names both model formats a user may have, not JSON only.
        string description = metadata[(metadata.IndexOf("<description>", StringComparison.Ordinal) + 13)..metadata.IndexOf("</description>", StringComparison.Ordinal)];
        Assert.Contains("ONNX", description);
        Assert.Contains("grutiny/1", description);
    }

    // Runs dotnet with the environment a user's shell would have: no MSBuild variables inherited from the
    // test host's own build, no build servers left behind.
    private string Dotnet(string directory, Stopwatch clock, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }

        start.Environment["NUGET_PACKAGES"] = Path.Combine(Path.GetDirectoryName(directory)!, "packages"); // nothing left in the user's cache
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        TimeSpan left = Budget - clock.Elapsed;
        if (left <= TimeSpan.Zero || !process.WaitForExit(left))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within the {Budget.TotalMinutes} minute budget");
        }

        string text = stdout.Result;
        if (process.ExitCode != 0)
        {
            output.WriteLine(text);
            output.WriteLine(stderr.Result);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{Tail(text)}\n{Tail(stderr.Result)}");
        }

        return text;
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GruTiny.sln"))) return dir.FullName;
        throw new InvalidOperationException("GruTiny.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj") continue;
            CopyFile(file, Path.Combine(to, relative));
        }
    }

    private static void CopyFile(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }
}
